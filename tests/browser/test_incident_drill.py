"""The incident drill in Debian's Chromium: a realistic incident from the staff member's report
to the police's acknowledgement, across the staff member, the Sexto intervener, the principal
and the police liaison, each signing in with their authenticator app; then the no-impact path.

The school's part plays bench/drill.py's screens, the very path whose screens, fields and time
`sexto bench --only incident_drill` measures: each screen's heading, the fields a person fills
by their label, and the button they press. Every page shown is checked with axe in French and
in English.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from audit.models import AuditEvent
from bench.drill import ACCOUNT, Field, Screen, drill_screens
from cases.models import Case, Entry, PoliceHandoff
from notifications.models import Notification
from tests.browser.case_helpers import (
    Visit,
    new_person,
    open_case,
    people_of,
    report,
    save,
    section,
    sign_in,
    step,
    when,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def people(world):
    return people_of(world)


def fill(page: Page, item: Field) -> None:
    """Fill one field as a person does: found by its label, typed, chosen or ticked."""
    if item.kind == "radio":
        page.get_by_role("group", name=item.label).get_by_role(
            "radio", name=item.value, exact=True).check()
    elif item.kind == "check":
        name = re.compile("^" + re.escape(item.label)) if item.prefix else item.label
        page.get_by_role("checkbox", name=name, exact=not item.prefix).check()
    elif item.kind == "select":
        select = page.get_by_label(item.label, exact=True)
        options = select.locator("option").all_inner_texts()
        label = next(option for option in options
                     if (option.startswith(item.value) if item.prefix else option == item.value))
        select.select_option(label=label)
    else:
        page.get_by_label(item.label, exact=True).fill(item.value)


def play(page: Page, screen: Screen, visit: Visit) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(
        "^" + re.escape(screen.title)))
    visit.check(page)
    for item in screen.fields:
        fill(page, item)
    if screen.button:
        page.get_by_role("button", name=screen.button, exact=True).click()


def notice_link(page: Page, label: str) -> None:
    """Open the person's notices from the navigation and follow the one with `label`."""
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name=re.compile("^Notifications")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    page.get_by_role("link", name=re.compile(re.escape(label))).first.click()


def test_the_drill_from_the_report_to_the_polices_receipt(new_page, people, browser_errors):
    w = people
    visit = Visit(browser_errors)
    screens = drill_screens()
    staff_screens = [s for s in screens if s.who == "staff"]
    intervener_screens = [s for s in screens if s.who == "intervener"]

    # The staff member reports what a student told her.
    staff = new_person(new_page, visit)
    sign_in(staff, w.learner, w.password, w.devices[w.learner.pk], visit)
    staff.goto("/fr/dossiers/declarer/")
    for screen in staff_screens:
        play(staff, screen, visit)
    reference = Case.objects.get().reference
    expect(staff.locator("#messages")).to_contain_text(f"Incident déclaré : dossier {reference}.")
    expect(staff.get_by_text(ACCOUNT[:80])).to_be_visible()

    # At once, the principal and the school's intervener are told: in the app, and by an
    # email that says nothing of the incident.
    told = {notice.recipient for notice in Notification.objects.filter(
        kind="cases.case_reported")}
    assert told == {w.principal, w.intervener}
    for message in mail.outbox:
        assert reference not in message.body and ACCOUNT[:40] not in message.body

    # The intervener signs in, follows the notice and takes the case, then each saved step
    # leads to the next one to do, up to the hand-off.
    jade = new_person(new_page, visit)
    sign_in(jade, w.intervener, w.password, w.devices[w.intervener.pk])
    notice_link(jade, "Nouvel incident déclaré dans votre école")
    for screen in intervener_screens:
        play(jade, screen, visit)
    case = Case.objects.get()
    assert case.lead == w.intervener and case.status == Case.Status.WITH_POLICE
    assert Entry.objects.filter(case=case).count() == 2
    assert case.grid.is_complete and case.grid.youth_protection_signs == []
    assert PoliceHandoff.objects.get(case=case).sent_at is not None

    # The police liaison is told, reads the hand-off and acknowledges it.
    gina = new_person(new_page, visit)
    sign_in(gina, w.police, w.password, w.devices[w.police.pk])
    notice_link(gina, "Dossier remis à votre corps de police")
    expect(gina.get_by_role("heading", level=1)).to_have_text(
        f"Remise {reference} · École des Pionniers")
    facts = section(gina, "Les faits remis par l'école")
    expect(facts).not_to_contain_text("Zoé Imaginaire")  # masked, as on the school's pages
    expect(facts).to_contain_text("Amis ou connaissances")
    visit.check(gina)
    # The police need the names to act: each one shown on request (signing in with the second
    # factor counts as the re-authentication), and logged.
    facts.get_by_role("button", name=re.compile("^Afficher le nom · Élève victime")).click()
    expect(facts).to_contain_text("Zoé Imaginaire")
    assert AuditEvent.objects.filter(action="case.student_name_revealed",
                                     actor=w.police).exists()
    gina.get_by_role("button", name="Confirmer la réception").click()
    expect(gina.locator("#messages")).to_contain_text("Réception confirmée.")

    # The intervener leads the case and the principal oversees it: both are told.
    assert {n.recipient for n in Notification.objects.filter(
        kind="cases.handoff_acknowledged")} == {w.intervener, w.principal}
    open_case(jade, reference)
    expect(jade.get_by_role("list", name="Étapes de la méthode")).to_contain_text(
        "Réception confirmée par la police Fait")
    visit.check(jade)

    assert browser_errors == []


def test_no_impact_on_the_school_directs_the_family_to_the_police(new_page, people,
                                                                  browser_errors):
    w = people
    visit = Visit(browser_errors)
    staff = new_person(new_page, visit)
    sign_in(staff, w.learner, w.password, w.devices[w.learner.pk])
    reference = report(staff, "Un parent appelle : sa fille a été sollicitée en ligne par un "
                              "inconnu, hors de l'école, pendant l'été (récit fictif).",
                       ["Autre"], "Ne sait pas")
    principal = new_person(new_page, visit)
    sign_in(principal, w.principal, w.password, w.devices[w.principal.pk])
    open_case(principal, reference)
    # Two pages no other journey shows, checked on the way: the report's edit form and the
    # step that says why no device is seized.
    step(principal, "Modifier la déclaration", "Déclaration")
    visit.check(principal)
    principal.get_by_role("link", name=f"Retour au dossier {reference}").click()
    step(principal, "Aucun appareil à saisir", "Aucun appareil à saisir")
    visit.check(principal)
    principal.get_by_role("link", name=f"Retour au dossier {reference}").click()
    step(principal, "Diriger la famille vers la police et fermer le volet de l'école",
         "Aucun impact direct sur le milieu scolaire")
    visit.check(principal)
    principal.get_by_label("Famille ou victime dirigée vers la police le").fill(when(0.1))
    principal.get_by_label("Résumé").fill("Aucun élève de l'école en cause. La famille a été "
                                          "dirigée vers le poste de police le jour même.")
    save(principal)
    expect(section(principal, "7. Aucun impact direct sur le milieu scolaire")).to_contain_text(
        re.compile(r"Famille ou victime dirigée vers la police le \d{4}-\d\d-\d\d \d\d:\d\d\."))
    expect(principal.locator(".case-summary")).to_contain_text("Fermé")
    steps = principal.get_by_role("list", name="Étapes de la méthode")
    expect(steps).to_contain_text("Famille dirigée vers la police Fait")
    expect(section(principal, "10. Fermeture")).to_contain_text(
        "Aucun élève de l'école en cause.")
    visit.check(principal)
    assert Case.objects.get(reference=reference).status == Case.Status.CLOSED
    assert browser_errors == []
