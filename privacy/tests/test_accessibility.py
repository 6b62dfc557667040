"""Every privacy page in Debian's Chromium, in French and in English: one h1, no console
error, no axe violation (WCAG 2.1 AA), forms with errors included.

Uses the browser fixtures of tests/browser (Playwright + axe); see tests/browser/conftest.py.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from conftest import login_verified
from privacy import services
from tests.browser.accessibility import assert_accessible

pytestmark = pytest.mark.browser

LANGUAGES = ["fr", "en"]
SAVE = {"fr": "Enregistrer", "en": "Save"}
RECORD_REQUEST = {"fr": "Enregistrer la demande", "en": "Record the request"}
APPROVE = {"fr": "Approuver la communication", "en": "Approve the disclosure"}


def _log_in(page, live_server, user, *, reauthenticated: bool = False) -> None:
    client = Client()
    login_verified(client, user, reauthenticated=reauthenticated)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def _url(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(f"privacy:{name}", args=args)


def _check(page, path: str, browser_errors) -> None:
    response = page.goto(path)
    assert response.status == 200, path
    assert "no-store" in response.headers["cache-control"]
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
    assert browser_errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_register_pages(page, live_server, browser_errors, world, privacy, incident, language):
    _log_in(page, live_server, privacy.officer)
    for name, args in [("home", []), ("incident_list", []), ("incident_create", []),
                       ("incident_detail", [incident.pk]), ("incident_update", [incident.pk]),
                       ("incident_delete", [incident.pk]),
                       ("incident_cai_notice", [incident.pk])]:
        _check(page, _url(language, name, *args), browser_errors)
    expect(page.locator("textarea#cai-draft")).to_have_attribute("lang", language)

    # The form sent back with errors: every message sits with its field.
    _check(page, _url(language, "incident_create"), browser_errors)
    page.get_by_role("button", name=SAVE[language], exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#id_circumstances_error")).to_be_visible()
    expect(page.locator("#id_circumstances")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert browser_errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_access_request_pages(page, live_server, browser_errors, world, privacy,
                              access_request, language):
    _log_in(page, live_server, privacy.officer)
    _check(page, _url(language, "request_list"), browser_errors)
    _check(page, _url(language, "request_create"), browser_errors)
    page.get_by_role("button", name=RECORD_REQUEST[language]).click()
    expect(page.locator("#id_subject_error")).to_be_visible()
    assert_accessible(page)
    _check(page, _url(language, "request_detail", access_request.pk), browser_errors)
    about_student = services.access_request_record(
        officer=privacy.officer, organisation=world.centre, subject_kind="student",
        subject_school=world.school, subject_student_name="Zoé Imaginaire",
        requester_name="Sophie Imaginaire", requester_capacity="representative",
        received_on=access_request.received_on, identity_verification="Vu", language=language,
    )
    services.access_request_assemble(access_request=about_student, officer=privacy.officer)
    _check(page, _url(language, "request_list"), browser_errors)
    _check(page, _url(language, "request_detail", about_student.pk), browser_errors)
    services.access_request_assemble(access_request=access_request, officer=privacy.officer)
    # Before the approval, the privacy officer sees the package's summary only.
    _check(page, _url(language, "request_detail", access_request.pk), browser_errors)
    expect(page.locator("main table")).to_be_visible()
    expect(page.locator(".package pre")).to_have_count(0)

    # The approver's page: the summary, then (re-authenticated) the package to review and the
    # approval form, then its error.
    page.context.clear_cookies()
    _log_in(page, live_server, world.org_admin)
    _check(page, _url(language, "request_detail", access_request.pk), browser_errors)
    page.context.clear_cookies()
    _log_in(page, live_server, world.org_admin, reauthenticated=True)
    _check(page, _url(language, "request_detail", access_request.pk) + "?contenu=1",
           browser_errors)
    expect(page.locator(".package pre")).to_contain_text(world.learner.email)
    page.get_by_role("button", name=APPROVE[language]).click()
    expect(page.locator("#id_reviewed_error")).to_be_visible()
    assert_accessible(page)
    assert browser_errors == []
