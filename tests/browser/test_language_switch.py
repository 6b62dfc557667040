"""The language switch in Chromium, whatever language the browser asks for.

Reported: "the language switch does nothing when the browser's language is the other one".
The cause (core/language.py): Django's translate_url() read the page's path in the language of
the switch's own request, which has no language prefix and so follows the browser; a /fr/ page
did not resolve as English, and the switch sent the person back where they were. Each test
below runs in a browser asking for English and in one asking for French.
"""

import contextlib
import re
import secrets

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from accounts.services import totp_device_create
from cases.tests.conftest import cw, reported_case  # noqa: F401 - cw: a fixture
from tests.browser.clock import phone_tolerance, totp_code
from tests.browser.fixtures import watch_for_errors

pytestmark = pytest.mark.browser

ACCEPT = {"fr": "fr-CA,fr;q=0.9", "en": "en-CA,en;q=0.9"}
OTHER = {"fr": "en", "en": "fr"}


@pytest.fixture
def profile(browser, live_server, transactional_db, browser_errors):
    """A factory of browser profiles asking for one language (Accept-Language and locale)."""
    with contextlib.ExitStack() as profiles:

        def make(language: str) -> Page:
            context = browser.new_context(
                base_url=live_server.url, locale=f"{language}-CA",
                extra_http_headers={"Accept-Language": ACCEPT[language]})
            profiles.callback(context.close)
            context.set_default_timeout(10_000)
            page = context.new_page()
            watch_for_errors(page, browser_errors)
            return page

        yield make


def switch(page: Page, to: str) -> None:
    page.locator("form.lang-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", to)


def language_cookie(page: Page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == "django_language"),
                None)


def path_in(language: str, name: str, query: str = "") -> str:
    with translation.override(language):
        return reverse(name) + query


@pytest.mark.parametrize("browser_language", ["fr", "en"])
@pytest.mark.parametrize("name, query", [
    ("core:home", ""),                                # the home page
    ("training:home", ""),                            # a translated path
    ("accounts:login", "?next=%2Ffr%2Fformation%2F"),  # a query string, kept as it is
])
def test_the_switch_goes_both_ways_whatever_the_browser_asks(profile, browser_errors,
                                                            browser_language, name, query):
    # A browser asking for English on a French page (a link from a colleague, an email), and
    # one asking for French on an English page: the case that did nothing.
    page_language = OTHER[browser_language]
    start = path_in(page_language, name, query)
    page = profile(browser_language)
    page.goto(start)
    expect(page.locator("html")).to_have_attribute("lang", page_language)
    switch(page, browser_language)
    assert page.url.endswith(path_in(browser_language, name, query))
    assert language_cookie(page) == browser_language
    switch(page, page_language)
    assert page.url.endswith(start)
    assert language_cookie(page) == page_language
    assert browser_errors == []


@pytest.mark.parametrize("browser_language", ["fr", "en"])
def test_the_chosen_language_stays_on_later_navigation(profile, browser_errors,
                                                       browser_language):
    page = profile(browser_language)
    chosen = OTHER[browser_language]
    page.goto(f"/{browser_language}/")
    switch(page, chosen)
    # The site's links stay in that language, and so does its root address.
    page.locator("header nav a").first.click()
    expect(page.locator("html")).to_have_attribute("lang", chosen)
    assert f"/{chosen}/" in page.url
    page.goto("/")
    expect(page).to_have_url(re.compile(f"/{chosen}/$"))
    expect(page.locator("html")).to_have_attribute("lang", chosen)
    assert browser_errors == []


@pytest.mark.parametrize("browser_language", ["fr", "en"])
def test_after_signing_in_the_switch_translates_case_pages(profile, cw,  # noqa: F811
                                                          browser_errors, browser_language):
    """The principal signs in (password and authenticator app), which sets her own language in
    the cookie; on a case page with a query string, the switch goes to the translated address
    and back, and still does on a page in the language the cookie does not hold."""
    device, _secret = totp_device_create(user=cw.principal, name="Téléphone",
                                         key_hex=secrets.token_hex(20))
    phone_tolerance(device)
    case = reported_case(cw)
    cw.principal.email_verified_at = timezone.now()
    cw.principal.save(update_fields=["email_verified_at"])
    page = profile(browser_language)
    page.goto(f"/fr/dossiers/{case.pk}/?nom=")
    # Not signed in yet: the sign-in page, which comes back here.
    page.locator("input[name=username]").fill(cw.principal.email)
    page.locator("input[name=password]").fill(cw.password)
    page.locator("main form button[type=submit]").first.click()
    page.locator("input[name=otp_token]").fill(totp_code(device))
    page.locator("input[name=otp_token]").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    assert page.url.endswith(f"/fr/dossiers/{case.pk}/?nom=")  # she prefers French
    assert language_cookie(page) == "fr"
    switch(page, "en")
    assert page.url.endswith(f"/en/cases/{case.pk}/?nom=")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    switch(page, "fr")
    assert page.url.endswith(f"/fr/dossiers/{case.pk}/?nom=")
    # A colleague's link to the English page: the cookie says French, the page is English;
    # the switch still goes to French.
    page.goto(f"/en/cases/{case.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch(page, "fr")
    assert page.url.endswith(f"/fr/dossiers/{case.pk}/")
    assert browser_errors == []
