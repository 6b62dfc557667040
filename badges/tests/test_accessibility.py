"""Every badges page in Debian's Chromium: one h1, no console error, no axe violation.

Uses the browser fixtures of tests/browser (Playwright + axe); see tests/browser/conftest.py.
"""

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from badges.models import Award
from badges.services import award_visibility_set, badge_level_completed, badge_request_review
from badges.tests.conftest import complete
from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def _check(page, path: str, browser_errors) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
    assert browser_errors == []


def test_learner_pages(page, live_server, browser_errors, world, program, submitted):
    complete(world.learner, program.explorateur)
    award = badge_level_completed(user=world.learner, level=program.explorateur).award
    _log_in(page, live_server, world.learner)
    _check(page, reverse("badges:level_completed", args=[program.explorateur.pk]),
           browser_errors)
    _check(page, reverse("badges:mine"), browser_errors)
    _check(page, reverse("credential_pages:attestation", args=[award.pk]), browser_errors)
    _check(page, reverse("badges:member_profile", args=[world.learner.handle]), browser_errors)
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason="Précisez la deuxième réponse.")
    _check(page, reverse("badges:request_detail", args=[submitted.pk]), browser_errors)
    # The form with errors, as re-rendered after a blank answer.
    page.get_by_label("Question 2 - Ce que j'ai appris").fill("")
    page.get_by_label("Question 1 - Résumez les étapes").evaluate(
        "el => el.form.noValidate = true")
    page.get_by_role("button", name="Renvoyer mes réponses").click()
    expect(page.get_by_text("Répondez à cette question.")).to_be_visible()
    assert_accessible(page)


def test_evidence_form_for_an_ineligible_learner(page, live_server, browser_errors, world,
                                                 program):
    complete(world.ineligible_learner, program.architecte)
    _log_in(page, live_server, world.ineligible_learner)
    _check(page, reverse("badges:level_completed", args=[program.architecte.pk]),
           browser_errors)
    page.get_by_label("Question 1 - Résumez les étapes").fill("Ma réponse.")
    page.get_by_label("Question 2 - Ce que j'ai appris").fill("Une autre réponse.")
    page.get_by_role("button", name="Envoyer ma demande de badge").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demande de badge")
    assert_accessible(page)


def test_reviewer_pages(page, live_server, browser_errors, world, program, submitted):
    _log_in(page, live_server, world.reviewer)
    _check(page, reverse("badges:review_queue"), browser_errors)
    _check(page, reverse("badges:review_detail", args=[submitted.pk]), browser_errors)
    page.get_by_label("Refuser la demande").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Indiquez un motif")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Accorder le badge").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demandes de badge")
    award = Award.objects.get(request=submitted)
    award_visibility_set(award=award, user=world.learner, visibility="with_answers")
    _check(page,
           reverse("credential_pages:attestation", args=[award.pk]).replace("/fr/", "/en/", 1),
           browser_errors)
