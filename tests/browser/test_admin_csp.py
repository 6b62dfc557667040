"""The administration works under the site's Content-Security-Policy (django-csp, issue 10):
its scripts (filters, select2 autocomplete, calendar, related-object popups) run, and no
CSP violation reaches the console, which the browser fixtures count as an error."""

import pytest
from playwright.sync_api import expect

from accounts.services import totp_device_create
from tests.browser.case_helpers import sign_in
from tests.browser.clock import phone_tolerance

pytestmark = pytest.mark.browser


def test_the_admin_s_pages_and_scripts_work_under_the_policy(page, world, browser_errors):
    device, _secret = totp_device_create(user=world.platform_admin, name="Téléphone")
    phone_tolerance(device)
    sign_in(page, world.platform_admin, world.password, device)
    response = page.goto("/fr/admin/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # A list with its filters, then a search.
    page.goto("/fr/admin/accounts/organisation/")
    page.locator("#changelist-filter a").nth(1).click()
    page.locator("#searchbar").fill("Pionniers")
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#result_list")).to_be_visible()

    # A change form with select2 autocomplete fields: its widget opens and searches.
    page.goto(f"/fr/admin/accounts/organisation/{world.school.pk}/change/")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("Trois")
    expect(page.locator(".select2-results__option").first).to_contain_text("Trois-Lacs")
    page.keyboard.press("Escape")

    # A form with the date widgets (calendar and "Today" shortcuts).
    page.goto("/fr/admin/accounts/dpcpagreement/add/")
    page.locator(".datetimeshortcuts a").first.click()
    expect(page.locator("#id_signed_on")).not_to_have_value("")
    assert browser_errors == []
