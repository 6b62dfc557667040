"""Each answer keeps the language it was typed in, and every page and document showing it says
so (WCAG 3.1.2 Language of Parts; PDF/UA-1 7.2 in credentials/tests/test_pdf.py)."""

import importlib

from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation

from badges.services import badge_request_review, badge_request_submit
from badges.tests.conftest import complete


def test_answers_keep_the_language_of_the_page_they_were_typed_on(world, program, answers):
    complete(world.learner, program.architecte)
    with translation.override("en"):
        request = badge_request_submit(applicant=world.learner, level=program.architecte,
                                       answers=answers)
    assert {item["lang"] for item in request.answers} == {"en"}
    badge_request_review(badge_request=request, reviewer=world.reviewer, decision="grant")
    request.refresh_from_db()
    assert {item["lang"] for item in request.award.evidence} == {"en"}


def test_the_french_attestation_marks_english_answers(client, world, program, answers):
    complete(world.learner, program.architecte)
    with translation.override("en"):
        request = badge_request_submit(applicant=world.learner, level=program.architecte,
                                       answers=answers)
    badge_request_review(badge_request=request, reviewer=world.reviewer, decision="grant")
    request.refresh_from_db()
    client.force_login(world.learner)  # unpublished: its recipient sees the answers
    page = client.get(reverse("credential_pages:attestation", args=[request.award.pk]),
                      HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert '<html lang="fr"' in html
    assert html.count('class="answer" lang="en"') == len(answers)
    client.force_login(world.reviewer)
    detail = client.get(reverse("badges:review_detail", args=[request.pk]))
    assert detail.content.decode().count('class="answer" lang="en"') == len(answers)


def test_answers_stored_before_take_their_author_s_language(submitted, world):
    """The migration's rule (badges 0002), run on today's rows with the key taken out."""
    from badges.models import BadgeRequest

    world.learner.preferred_language = "en"
    world.learner.save(update_fields=["preferred_language"])
    for item in submitted.answers:
        item.pop("lang")
    submitted.save(update_fields=["answers"])
    migration = importlib.import_module("badges.migrations.0002_answers_language")
    migration.forwards(django_apps, None)
    assert {item["lang"] for item in BadgeRequest.objects.get(pk=submitted.pk).answers} == {"en"}
    migration.backwards(django_apps, None)
    assert all("lang" not in item for item in BadgeRequest.objects.get(pk=submitted.pk).answers)
