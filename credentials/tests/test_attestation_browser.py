"""The attestation page in Debian's Chromium, in French and English: the badge, its status and
the plain-language downloads pass axe; "Copier le lien" appears only with JavaScript, copies the
address and says so; without JavaScript the address is still there to select.

Uses the browser fixtures of tests/browser (Playwright + axe); see tests/browser/fixtures.py.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from badges.services import award_visibility_set
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import watch_for_errors

pytestmark = pytest.mark.browser

WORDS = {"fr": ("Copier le lien", "Lien copié", "Lien de cette attestation"),
         "en": ("Copy the link", "Link copied", "Link to this attestation")}


@pytest.fixture
def published(award, world):
    award_visibility_set(award=award, user=world.learner, visibility="with_answers")
    return award


def _address(award, language: str) -> str:
    with translation.override(language):
        return reverse("credential_pages:attestation", args=[award.pk])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_link_is_copied_in_one_step_with_javascript(browser, live_server, published,
                                                       browser_errors, language):
    context = browser.new_context(base_url=live_server.url, locale=f"{language}-CA",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    watch_for_errors(page, browser_errors)
    page.goto(_address(published, language))
    copy, copied, label = WORDS[language]
    expect(page.locator(".status-banner")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=copy).click()
    expect(page.locator(".copy-status")).to_have_text(copied)
    address = page.get_by_label(label).input_value()
    assert address.endswith(_address(published, language))
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert browser_errors == []
    context.close()


def test_without_javascript_the_address_is_there_and_no_dead_button(browser, live_server,
                                                                    published):
    context = browser.new_context(base_url=live_server.url, locale="fr-CA",
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(_address(published, "fr"))
    expect(page.get_by_label("Lien de cette attestation")).to_be_visible()
    expect(page.get_by_role("button", name="Copier le lien")).to_be_hidden()
    context.close()
