"""The public verifier in Debian's Chromium: paste our credential and see it valid; axe finds
nothing on the empty form, a result and an error, in French and in English.

Uses the browser fixtures of tests/browser (Playwright + axe); see tests/browser/fixtures.py.
"""

import json

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from credentials.services import credential_for_award
from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser


def _verifier_path(language: str) -> str:
    with translation.override(language):
        return reverse("credential_pages:verifier")


def _open(page, language: str) -> None:
    response = page.goto(_verifier_path(language))
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)


def _submit(page) -> None:
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_verifier_pages_are_accessible(page, browser_errors, award, language):
    document = json.dumps(credential_for_award(award=award).document)
    _open(page, language)
    assert_accessible(page)  # the empty form

    _submit(page)  # nothing given: the error state
    expect(page.locator("#verifier-inputs-errors")).to_be_visible()
    expect(page.locator("#verifier-error-heading")).to_be_focused()
    assert_accessible(page)

    page.locator("#id_credential").fill(document)
    _submit(page)  # the result, with what the badge says
    expect(page.locator("#verdict-heading")).to_be_focused()
    expect(page.locator("#claims-heading")).to_be_visible()
    assert_accessible(page)

    page.locator("#id_credential").fill(document.replace("Architecte", "Architecte+", 1))
    _submit(page)  # a forged badge: its claims, labelled as such
    expect(page.locator("#verdict-heading")).to_be_visible()
    assert_accessible(page)
    assert browser_errors == []


def test_pasting_our_credential_says_it_is_valid(page, browser_errors, award):
    credential = credential_for_award(award=award).document
    _open(page, "fr")
    page.get_by_label("Badge collé (JSON ou JWT)").fill(json.dumps(credential))
    page.get_by_role("button", name="Vérifier", exact=True).click()
    expect(page.get_by_role("heading", name="Résultat : Badge valide")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Badge valide")).to_be_visible()
    expect(page.get_by_role("heading", name="Ce que dit le badge")).to_be_visible()
    expect(page.get_by_text(credential["name"]).first).to_be_visible()
    assert page.locator("main img").count() == 0
    assert browser_errors == []
