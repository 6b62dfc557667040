"""The badges' panels on the person's home (badges.home): the review queue with its count and
the oldest waiting, for reviewers; a learner's own requests still open."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from badges.models import BadgeRequest
from badges.services import badge_request_review, badge_request_submit
from badges.tests.conftest import complete
from conftest import make_user
from core.tests.homepage import home, panel, panel_count, panel_keys


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submit(user, program, answers, *, days_ago: int) -> BadgeRequest:
    complete(user, program.architecte)
    badge_request = badge_request_submit(applicant=user, level=program.architecte,
                                         answers=answers)
    BadgeRequest.objects.filter(pk=badge_request.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago))
    badge_request.refresh_from_db()
    return badge_request


@pytest.fixture
def queue(world, program, answers):
    """Three requests: two days old, five days old, and one sent back for revision."""
    people = [world.learner, make_user("b@example.test", "Béatrice Fictive"),
              make_user("c@example.test", "Charles Fictif")]
    newer = _submit(people[0], program, answers, days_ago=2)
    older = _submit(people[1], program, answers, days_ago=5)
    revised = _submit(people[2], program, answers, days_ago=9)
    badge_request_review(badge_request=revised, reviewer=world.reviewer, decision="revise",
                         reason="Précisez la deuxième réponse.")
    return {"newer": newer, "older": older, "revised": revised, "people": people}


def test_reviewer_sees_the_count_and_the_oldest_waiting_first(world, queue):
    response = home(signed_in(world.reviewer))
    assert panel_count(response, "review-queue") == 2  # the revision waits for its author
    section = panel(response, "review-queue")
    older, newer = queue["older"], queue["newer"]
    assert "La plus ancienne attend depuis le" in section
    links = re.findall(r'href="([^"]+)"', section)
    assert links[:2] == [reverse("badges:review_detail", args=[older.pk]),
                         reverse("badges:review_detail", args=[newer.pk])]
    assert reverse("badges:review_queue") in section
    assert queue["people"][2].full_name not in section


def test_an_empty_queue_says_so(world, program):
    response = home(signed_in(world.reviewer))
    assert panel_count(response, "review-queue") == 0
    assert "Aucune demande n&#x27;attend d&#x27;évaluation." in panel(response, "review-queue")


def test_the_platform_administrator_reaches_the_queue_too(world, queue):
    # The queue's own rule (badges.access): reviewers and platform administrators.
    assert panel_count(home(signed_in(world.platform_admin)), "review-queue") == 2


@pytest.mark.parametrize("who", ["learner", "principal", "org_admin", "police", "author",
                                 "outsider"])
def test_others_do_not_see_the_queue(world, queue, who):
    assert "review-queue" not in panel_keys(home(signed_in(getattr(world, who))))


def test_learners_see_their_open_requests_and_what_a_revision_asks(world, queue):
    response = home(signed_in(queue["people"][2]))
    section = panel(response, "badge-requests")
    assert reverse("badges:request_detail", args=[queue["revised"].pk]) in section
    assert "Révision demandée" in section and "renvoyez votre demande" in section
    section = panel(home(signed_in(world.learner)), "badge-requests")
    assert "en attente d'évaluation" in section
    # Once decided, nothing waits any more.
    badge_request_review(badge_request=queue["newer"], reviewer=world.reviewer,
                         decision="grant")
    assert "badge-requests" not in panel_keys(home(signed_in(world.learner)))
