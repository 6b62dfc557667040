"""The error pages in Chromium: axe finds nothing on the 403, 404 and CSRF pages in either
language; none is wider than a phone; each offers a way on (core/errors.py)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from cases.tests.conftest import cw, reported_case  # noqa: F401 - cw: a fixture
from conftest import login_verified
from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser

PHONE = 375


def signed_in(page: Page, live_server, person) -> Page:
    """The session a sign-in with a second factor gives (conftest.login_verified)."""
    client = login_verified(Client(), person)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    return page


def check(page: Page, path: str, status: int, language: str) -> None:
    """The error page at `path`: its status, language, one h1, no axe violation, and no wider
    than a phone."""
    response = page.goto(path)
    assert response.status == status, path
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator("header.site-header")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": PHONE, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, path
    page.set_viewport_size({"width": 1280, "height": 800})


def expected_console_error(browser_errors: list[str], status: int) -> None:
    """Chromium may log the page's own error status in the console (whether it does, for a
    document, varies from run to run): that one is expected; any other error is not."""
    for error in [e for e in browser_errors if f"status of {status}" in e]:
        browser_errors.remove(error)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_404_and_403_pages_are_accessible(page, live_server, cw, browser_errors,  # noqa: F811
                                             language):
    case = reported_case(cw)
    with translation.override(language):
        missing = reverse("core:home") + "nulle-part/"
        other_school_case = reverse("cases:case_detail", args=[case.pk])
        step = reverse("cases:case_step", args=[case.pk, "grid"])
    check(page, missing, 404, language)
    if language == "fr":
        expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")

    signed_in(page, live_server, cw.other_principal)  # a case of another school: 404
    check(page, other_school_case, 404, language)
    expect(page.get_by_role("main")).not_to_contain_text(case.reference)

    page.context.clear_cookies()
    signed_in(page, live_server, cw.reporter)  # her report, but not its steps: 403
    check(page, step, 403, language)
    expect(page.get_by_role("main")).to_contain_text(cw.reporter.email)
    # "Sign in with another account" signs her out and asks to sign in, then comes back.
    page.get_by_role("main").locator("form button").click()
    expect(page.locator("input[name=username]")).to_be_visible()
    assert "next=" in page.url
    expected_console_error(browser_errors, 404)
    expected_console_error(browser_errors, 403)
    assert browser_errors == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_form_refused_by_the_csrf_check_explains_and_leads_back(page, browser_errors,
                                                                  language):
    """The CSRF cookie is gone (blocked, or cleared while the form stayed open): the form is
    refused with the page that says why, and its language switch leads to the form's page."""
    with translation.override(language):
        start = reverse("accounts:login")
    page.goto(start)
    page.locator("input[name=username]").fill("quelquun@example.test")
    page.context.clear_cookies(name=settings.CSRF_COOKIE_NAME)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert page.url.endswith(start)  # the address the form posted to
    if language == "fr":
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Le formulaire n'a pas pu être envoyé")
    assert_accessible(page)
    page.set_viewport_size({"width": PHONE, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    expected_console_error(browser_errors, 403)
    # What was typed is still there one step back.
    page.go_back()
    expect(page.locator("input[name=username]")).to_have_value("quelquun@example.test")
    page.context.clear_cookies(name=settings.CSRF_COOKIE_NAME)
    page.locator("main form button[type=submit]").click()  # its token is stale: refused
    expected_console_error(browser_errors, 403)
    # The page set a new CSRF cookie: its own language switch works, and leads to the form's
    # page, not to the address that refused the form.
    other = "en" if language == "fr" else "fr"
    page.locator("form.lang-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", other)
    with translation.override(other):
        assert page.url.endswith(reverse("accounts:login"))
    expected_console_error(browser_errors, 403)  # the console may report it only now
    assert browser_errors == []
