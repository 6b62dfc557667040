"""At 375 px wide (a small phone), no page of the case tool is wider than the screen.

Each person of the case tool (the staff member who reported, the principal, the intervener, the
police liaison, the privacy officer) opens, in French and in English, every page of the tool
that they may open: the list, the report form, the case in each state, each step's form, the
access log, the hand-off, the dashboard, the interveners, the retention schedule and a
student's chronology. On each, `document.documentElement.scrollWidth` must stay within the
viewport: a wide table scrolls inside its own `.table-scroll` region, never the page
(static/css/sexto.css).

To add a page: add a row to PAGES. A URL added to cases/urls.py that answers GET with an HTML
page fails `test_every_case_page_is_in_the_table` until it has a row (or a line in NOT_PAGES
saying why it is not a page); a link to a case page that no row visits fails the browser test.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve, reverse, translate_url
from django.utils import timezone, translation
from playwright.sync_api import Page

from cases import services
from cases.models import CustodyTransfer, Device, Entry, SharedInformation
from cases.tests.conftest import (
    cw,  # noqa: F401 - the case tool's world, a fixture
    hand_off,
    reported_case,
    verified_client,
)
from cases.tests.factories import support_action_add
from cases.views import STEPS
from conftest import login_verified

pytestmark = pytest.mark.browser

WIDTH = 375  # CSS pixels: an iPhone SE, mini or 13/14 in portrait
# SEXTO_SCREENSHOTS=/some/folder keeps a full-page screenshot of every visit, to look at.
SCREENSHOTS = os.environ.get("SEXTO_SCREENSHOTS", "")
LANGUAGES = ["fr", "en"]

# Long unbroken strings people really type: a link pasted into an account, an email address.
LONG_LINK = ("https://www.exempledereseausocial.test/conversation/groupe/"
             "troisiemesecondairedeserables/messages/20261205?partage=1234567890abcdef")
LONG_EMAIL = "prenom.nomdefamilletreslong@centredeservicesscolaireexemple.test"

# --- The pages ------------------------------------------------------------------------------

# The case states visited: each one changes what the case page shows.
STATES = ["reported", "in_progress", "with_police", "closed", "directed"]
SCHOOL_READERS = ["principal", "intervener"]

# One row per page visit: (URL name in cases/urls.py, who opens it, which case, the step).
PAGES: list[tuple[str, str, str | None, str | None]] = [
    *[("case_list", role, None, None)
      for role in ("reporter", "principal", "intervener", "police", "privacy_officer")],
    ("case_report", "reporter", None, None),
    ("interveners", "principal", None, None),
    ("dashboard", "principal", None, None),
    ("dashboard", "police", None, None),
    # The cases behind a figure of each board (the "step" slot holds the measure).
    ("dashboard_cases", "principal", None, "contact"),
    ("dashboard_cases", "police", None, "decision"),
    ("retention", "privacy_officer", None, None),
    # The case page as each reader sees it: the whole file, the report, the metadata.
    *[("case_detail", role, state, None)
      for role in (*SCHOOL_READERS, "reporter", "privacy_officer") for state in STATES],
    # Every step's form (cases.views.STEPS), on an open case.
    *[("case_step", "intervener", "in_progress", step) for step in STEPS],
    ("case_access_log", "principal", "with_police", None),
    ("case_access_log", "intervener", "in_progress", None),
    ("student_chronology", "intervener", "in_progress", None),
    ("police_handoff", "police", "with_police", None),
    ("police_handoff", "police", "closed", None),
]

# Case URLs that are not pages, and why.
NOT_PAGES = {
    "custody_transfer": "POST only",
    "custody_acknowledge": "POST only",
    "support_done": "POST only",
    "student_reveal": "POST only (htmx swaps the name into the case page)",
    "case_lead": "POST only",
    "case_take": "POST only",
    "case_hold": "POST only",
    "police_acknowledge": "POST only",
    "police_follow_up": "POST only",
    "police_share": "POST only",
    "police_student_reveal": "POST only (htmx swaps the name into the hand-off page)",
    "handoff_pdf": "a PDF, on A4 paper",
}


def case_url_parameters() -> dict[str, list[str]]:
    """Each case URL name and the names of its parameters."""
    namespace = get_resolver().namespace_dict["cases"][1]
    return {name: possibilities[0][0][0][1]
            for name, possibilities in namespace.reverse_dict.lists()
            if isinstance(name, str)}


# --- The case tool's world, with a case in each state ---------------------------------------


@pytest.fixture
def scene(cw):  # noqa: F811 - the fixture imported above
    """The case tool's people (cases/tests/conftest.py) and one case in each state, with
    everything a page can show: students, meetings, a device handed over, the grid, the
    hand-off acknowledged with the police's follow-up and information shared, support actions,
    and long unbroken text in what people typed."""
    w = cw
    now = timezone.now()
    w.reporter.email = LONG_EMAIL  # shown on pages that name who is signed in
    w.reporter.save(update_fields=["email"])

    reported = services.case_report(
        reporter=w.reporter, school=w.school, told_at=now - datetime.timedelta(hours=2),
        account=f"Un élève signale une photo qui circule (récit fictif) : {LONG_LINK}",
        channels=["snapchat", "group_chat"], apps_other="", still_spreading="unknown")

    open_case = reported_case(w, account=f"Récit fictif. Lien transmis : {LONG_LINK}")
    services.case_lead_assign(case=open_case, lead=w.intervener, actor=w.principal)
    student = open_case.students.get()
    Entry.objects.create(case=open_case, kind=Entry.Kind.MEETING_VICTIM, student=student,
                         happened_at=now - datetime.timedelta(hours=1), written_by=w.intervener,
                         notes=f"Rencontre fictive. Elle montre l'adresse {LONG_LINK} sans "
                               "ouvrir l'image.")
    device = Device.objects.create(
        case=open_case, description="Téléphone noir, étui rouge", seized_at=now,
        seized_by="Jade Fictive", envelope_number="ENV-2026-0042-AAAA-BBBB-CCCC",
        locked_in="Coffre du secrétariat")
    CustodyTransfer.objects.create(device=device, handed_by="Jade Fictive",
                                   handed_to="Agente Fictive", handed_at=now)
    support_action_add(open_case, description=f"Orientation fictive : {LONG_LINK}",
                       due_on=timezone.localdate() + datetime.timedelta(days=3))

    with_police = hand_off(w, reported_case(w), pressure_or_threats="yes")
    services.case_lead_assign(case=with_police, lead=w.intervener, actor=w.principal)
    services.handoff_acknowledge(handoff=with_police.handoff, actor=w.police)
    services.follow_up_save(handoff=with_police.handoff, actor=w.police,
                            qualification="impulsive", outcome="awareness")
    services.information_share(handoff=with_police.handoff, actor=w.police,
                               purpose=SharedInformation.Purpose.FOLLOW_UP,
                               content=f"Renseignement fictif. {LONG_LINK}")
    support_action_add(with_police, description="Suivi fictif.")

    closed = hand_off(w, reported_case(w))
    closed.refresh_from_db()
    services.case_close(case=closed, actor=w.intervener, version=closed.version,
                        summary=f"Fermeture fictive. {LONG_LINK}")

    directed = services.case_report(
        reporter=w.reporter, school=w.school, told_at=now - datetime.timedelta(days=1),
        account="Un parent appelle (récit fictif).", channels=["other"], apps_other="",
        still_spreading="no")
    services.no_impact_record(case=directed, actor=w.principal, version=directed.version,
                              directed_at=now, summary="Famille dirigée vers la police.")

    w.cases = {"reported": reported, "in_progress": open_case, "with_police": with_police,
               "closed": closed, "directed": directed}
    w.people = {"reporter": w.reporter, "principal": w.principal, "intervener": w.intervener,
                "police": w.police, "privacy_officer": w.privacy_officer}
    w.arguments = {"device_id": device.pk, "transfer_id": device.transfers.get().pk,
                   "action_id": open_case.support_actions.get().pk, "student_id": student.pk}
    return w


def page_path(w, name: str, state: str | None, step: str | None) -> str:
    """The French path of one row of PAGES."""
    if name == "dashboard_cases":
        board = (f"ecole={w.school.pk}" if step == "contact"
                 else f"corps={w.force_ok.pk}")
        with translation.override("fr"):
            return f"{reverse('cases:dashboard_cases')}?{board}&mesure={step}"
    arguments = dict(w.arguments)
    case = w.cases[state or "in_progress"]
    arguments["case_id"] = case.pk
    if name == "student_chronology":
        arguments["student_id"] = case.students.first().pk
    arguments["step"] = step
    arguments["index"] = 0  # the first student of a hand-off (police_student_reveal)
    parameters = case_url_parameters()[name]
    with translation.override("fr"):
        return reverse(f"cases:{name}", kwargs={key: arguments[key] for key in parameters})


def signed_in(new_page, live_server, person) -> Page:
    """A browser profile at 375 px holding a session verified with a second factor, built the
    way conftest.login_verified builds one for Django's test client."""
    client = login_verified(Client(), person)
    page = new_page()
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    return page


def case_page(url: str) -> tuple[str, str | None] | None:
    """(URL name, step) of a page of the case tool; None for any other address."""
    path = urlsplit(url).path
    # Read in the language of its own prefix: resolve() reads paths in the active language.
    with translation.override(translation.get_language_from_path(path) or "fr"):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    if "cases" not in match.namespaces or match.url_name in NOT_PAGES:
        return None
    return match.url_name, match.kwargs.get("step")


def case_links(page: Page) -> set[tuple[str, str | None]]:
    """The case pages that the links of the page's main part lead to."""
    here = urlsplit(page.url).netloc
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
    return {kind for href in hrefs if urlsplit(href).netloc == here
            for kind in [case_page(href)] if kind is not None}


# --- Tests ----------------------------------------------------------------------------------


def test_every_case_page_is_in_the_table(scene):
    """Every case URL is visited by a row of PAGES or is in NOT_PAGES; what NOT_PAGES holds
    really is no page: GET answers 405, or something other than HTML."""
    names = set(case_url_parameters())
    visited = {row[0] for row in PAGES}
    assert names - visited - set(NOT_PAGES) == set(), "case URLs in no row of PAGES"
    assert (visited | set(NOT_PAGES)) - names == set(), "rows for URLs that no longer exist"
    assert visited.isdisjoint(NOT_PAGES)
    for name in NOT_PAGES:
        url = page_path(scene, name, "with_police", None)
        for role, person in scene.people.items():
            response = verified_client(person, reauthenticated=True).get(url)
            shown = response.status_code == 200 and response["Content-Type"].startswith(
                "text/html")
            assert not shown, f"{name} shows {role} an HTML page: give it a row in PAGES"


def test_no_case_page_is_wider_than_a_phone(new_page, live_server, scene, browser_errors):
    pages: dict[str, Page] = {}
    visited: set[tuple[str, str | None]] = set()
    linked: set[tuple[str, str | None]] = set()
    too_wide = []
    for name, role, state, step in PAGES:
        if role not in pages:
            pages[role] = signed_in(new_page, live_server, scene.people[role])
        page = pages[role]
        french = page_path(scene, name, state, step)
        for language in LANGUAGES:
            path = french if language == "fr" else translate_url(french, language)
            response = page.goto(path)
            assert response.status == 200, f"{role} {path}: {response.status}"
            assert page.locator("html").get_attribute("lang") == language
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                too_wide.append(f"{path} ({role}, {state or ''} {step or ''}): {width} px")
            if SCREENSHOTS:
                shot = "-".join(filter(None, [language, name, role, state, step])) + ".png"
                page.screenshot(path=Path(SCREENSHOTS) / shot, full_page=True)
            visited.add(case_page(page.url))
            linked |= case_links(page)
    assert not too_wide, f"wider than {WIDTH} px:\n" + "\n".join(too_wide)
    assert any(name == "case_step" for name, _step in linked)  # the links were read
    not_visited = linked - visited
    assert not not_visited, f"case pages linked from a visited page but in no row: {not_visited}"
    assert browser_errors == []


def test_a_wide_table_scrolls_in_its_own_named_region(new_page, live_server, scene,
                                                      browser_errors):
    """The case list's table is wider than a phone: its region scrolls, the page does not;
    the region takes the keyboard focus and is named after its heading."""
    page = signed_in(new_page, live_server, scene.principal)
    page.goto(page_path(scene, "case_list", None, None))
    region = page.locator(".table-scroll").first
    assert region.get_attribute("role") == "region"
    heading = page.locator(f"#{region.get_attribute('aria-labelledby')}")
    assert heading.inner_text() == "Dossiers de l'école"
    sizes = region.evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert sizes[0] > sizes[1], "the table fits: this test no longer shows a scrolling region"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    page.keyboard.press("Tab")
    for _ in range(40):
        if page.evaluate("document.activeElement.classList.contains('table-scroll')"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the scrolling region never takes the keyboard focus")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    assert browser_errors == []
