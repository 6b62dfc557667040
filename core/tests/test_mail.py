"""core.mail.mail_send against a real SMTP address where nothing listens: one warning line
without the address, no exception, no traceback."""

import socket

import pytest

from core.mail import mail_send


@pytest.fixture
def smtp_unreachable(settings):
    """Django's SMTP backend, pointed at a port of this machine where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    return port


def test_a_mail_server_out_of_reach_is_one_warning_line(smtp_unreachable, caplog):
    sent = mail_send(subject="Objet", body="Corps", to="personne@example.test", what="test")
    assert sent is False
    [warning] = [r for r in caplog.records if r.name == "core.mail"]
    assert warning.levelname == "WARNING" and warning.exc_info is None
    assert warning.getMessage() == (
        "The test email could not be sent (ConnectionRefusedError); the rest was done.")
    assert "personne@example.test" not in caplog.text


def test_a_mail_that_leaves_is_sent(settings, mailoutbox):
    assert mail_send(subject="Objet", body="Corps", to="personne@example.test", what="test")
    assert [m.to for m in mailoutbox] == [["personne@example.test"]]
