"""Fixtures for the credentials tests."""

import pytest


@pytest.fixture(autouse=True)
def _keyring(signing_keyring):
    """Every credentials test may sign: the run's keyring exists (see the root conftest)."""
    return signing_keyring


# The badges tests' fictional program and learner, reused here.
from badges.tests.conftest import answers, program, submitted  # noqa: E402, F401


@pytest.fixture
def award(world, program, submitted):  # noqa: F811 - the fixtures imported above
    """A granted Architecte award of the eligible learner, published with her answers."""
    from badges.services import award_visibility_set, badge_request_review

    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="grant")
    submitted.refresh_from_db()
    granted = submitted.award
    award_visibility_set(award=granted, user=world.learner, visibility="with_answers")
    granted.refresh_from_db()
    return granted
