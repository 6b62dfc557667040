"""A kind of notice for this app's own tests: the real kinds belong to the apps that raise them
(the case tool's are tested in cases/tests/test_notifications.py)."""

import pytest

from notifications.kinds import kind_get, kind_register
from notifications.tests.mail import mail_server_down

TEST_KIND = "tests.something_waits"
if kind_get(TEST_KIND) is None:
    kind_register(code=TEST_KIND, label="Quelque chose vous attend (essai)",
                  subject="Sexto : quelque chose vous attend (essai)",
                  sentence="Quelque chose vous attend dans Sexto (essai).")


@pytest.fixture
def mail_down(settings):
    return mail_server_down(settings)
