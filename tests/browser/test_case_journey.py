"""A whole incident in the case tool, in Debian's Chromium, from the report to the closure.

Every person signs in as they would: password, then the 6-digit code of their authenticator
app (computed here from the device's key, as their phone would). Every step goes through the
real pages; fixtures only create the people, the intervener's badge and the TOTP devices.

1. A staff member reports an incident and sees her own report.
2. The principal assigns the school's Sexto intervener as lead.
3. The intervener adds a student (the name stays hidden until a re-authentication and a
   click, whose answer htmx swaps into a live region), notes a meeting, seizes a device, hands
   it over and confirms the hand-over, fills the grid (the youth-protection reminder shows),
   records the DPJ report and the police contact, sends the hand-off and plans support.
4. The police liaison acknowledges the hand-off, records the follow-up and shares information
   with the school for a purpose.
5. The intervener sees both in the case, then closes it.
(The no-impact path and the school's minimal path as a drill: tests/browser/test_incident_drill.py.)

Every distinct case page visited is checked with axe in French, and the same address in English
(the translated path, same session), as tests/browser/test_journey.py does for the learning path.
"""

import datetime
import re
import secrets
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.services import totp_device_create
from cases.models import (
    Case,
    CustodyTransfer,
    PoliceFollowUp,
    RetentionSchedule,
    SharedInformation,
)
from tests.browser.case_helpers import (
    Visit,
    new_person,
    next_step,
    open_case,
    open_cases,
    people_of,
    report,
    save,
    section,
    sign_in,
    when,
)
from tests.browser.clock import end_reauthentication, phone_tolerance, totp_code

pytestmark = pytest.mark.browser

STUDENT_NAME = "Zoé Imaginaire"
ACCOUNT = ("Une élève de 3e secondaire confie qu'une photo intime d'elle circule dans une "
           "conversation de groupe depuis hier (récit fictif).")
SHARED = "L'élève et ses parents ont assisté à la rencontre de sensibilisation (fictif)."
CLOSURE = "Rencontres faites, appareil remis à la police, images détruites. Suivi terminé."


@pytest.fixture
def people(world):
    return people_of(world)


# --- The journey ----------------------------------------------------------------------------


def test_an_incident_from_report_to_closure(new_page, people, browser_errors):
    # Signing in with a second factor counts as a re-authentication for SEXTO_REAUTH_SECONDS;
    # where the journey needs that confirmation to have run out, it moves the session's clock
    # (tests.browser.clock) rather than wait.
    w = people
    visit = Visit(browser_errors)

    # 1. A staff member signs in with her second factor and reports an incident.
    staff = new_person(new_page, visit)
    sign_in(staff, w.learner, w.password, w.devices[w.learner.pk], visit)
    reference = report(staff, ACCOUNT, ["Snapchat", "Conversation de groupe"], "Oui", visit)
    expect(staff.get_by_text(ACCOUNT)).to_be_visible()
    visit.check(staff)
    # She sees her own report in "Dossiers", and nothing of the school's other cases.
    open_cases(staff)
    reported = section(staff, "Incidents que vous avez déclarés")
    expect(reported).to_contain_text(reference)
    expect(staff.get_by_role("region", name="Dossiers de l'école")).to_have_count(0)
    reported.get_by_role("link", name=reference).click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(f"Votre déclaration {reference}")
    expect(staff.get_by_role("button", name=re.compile("^Afficher le nom"))).to_have_count(0)

    # 2. The principal checks her interveners and assigns the lead from the case page.
    principal = new_person(new_page, visit)
    sign_in(principal, w.principal, w.password, w.devices[w.principal.pk])
    open_cases(principal)
    principal.get_by_role("link", name="Intervenants Sexto").click()
    expect(principal.get_by_role("row", name=re.compile("Jade Fictive"))).to_contain_text("actif")
    visit.check(principal)
    open_case(principal, reference)
    expect(principal.get_by_text("à attribuer")).to_be_visible()
    visit.check(principal)
    direction = section(principal, "Direction")
    direction.get_by_label("Intervenant responsable").select_option(label="Jade Fictive")
    direction.get_by_role("button", name="Attribuer").click()
    expect(principal.locator("#messages")).to_contain_text("Intervenant responsable attribué.")
    expect(principal.locator(".case-summary")).to_contain_text("Jade Fictive")
    expect(principal.locator(".case-summary")).to_contain_text("En cours")

    # 3. The intervener signs in and follows the case's steps: each saved step leads to the
    # next one to do.
    jade = new_person(new_page, visit)
    sign_in(jade, w.intervener, w.password, w.devices[w.intervener.pk])
    open_cases(jade)
    expect(section(jade, "Dossiers de l'école").get_by_role("row", name=re.compile(reference))
           ).to_contain_text("Jade Fictive")
    open_case(jade, reference)
    case_url = jade.url
    expect(jade.get_by_role("list", name="Étapes de la méthode")).to_contain_text(
        "Intervenant responsable Fait")

    # A student, whose name is typed once and then hidden.
    next_step(jade, "Ajouter un élève concerné")
    visit.check(jade)
    jade.get_by_label("Rôle dans l'incident").select_option(label="Élève victime")
    jade.get_by_label("Nom de l'élève").fill(STUDENT_NAME)
    jade.get_by_label("Âge", exact=True).fill("14")
    jade.get_by_label("Niveau scolaire").fill("3e secondaire")
    save(jade, then="Rencontre avec l'élève victime ou qui dénonce")
    visit.check(jade)
    jade.get_by_role("link", name=f"Retour au dossier {reference}").click()
    students = section(jade, "Élèves concernés")
    expect(students).to_contain_text("Élève victime · ")
    expect(jade.get_by_text(STUDENT_NAME)).to_have_count(0)
    assert STUDENT_NAME not in jade.content()
    visit.check(jade)

    # Showing the name asks for the password and the second factor again, once the
    # confirmation given by signing in is over; then it comes back to the case.
    end_reauthentication(jade)
    students.get_by_role("button", name=re.compile("^Afficher le nom")).click()
    expect(jade.get_by_role("heading", level=1)).to_have_text("Confirmer votre identité")
    visit.check(jade)
    jade.get_by_label("Mot de passe").fill(w.password)
    jade.get_by_role("button", name="Continuer").click()
    expect(jade.get_by_role("heading", level=1)).to_have_text("Vérification en deux étapes")
    expect(jade.get_by_text("Votre mot de passe est confirmé.")).to_be_visible()
    jade.get_by_label("Code à 6 chiffres").fill(totp_code(w.devices[w.intervener.pk]))
    jade.get_by_role("button", name="Vérifier").click()
    expect(jade).to_have_url(re.compile(re.escape(urlsplit(case_url).path) + r"\?nom=.*#student-"))
    students = section(jade, "Élèves concernés")
    expect(students.get_by_role("status")).to_have_text(
        "Identité confirmée : vous pouvez maintenant afficher le nom.")
    expect(jade.get_by_text(STUDENT_NAME)).to_have_count(0)  # still hidden until asked
    page_url = jade.url
    students.get_by_role("button", name=re.compile("^Afficher le nom")).click()
    live = students.locator("[aria-live=polite]")
    expect(live).to_have_text(STUDENT_NAME)
    expect(live).to_be_focused()  # sexto.js: the focus follows the swap
    assert jade.url == page_url  # swapped by htmx, no page load
    visit.check(jade)
    # Who read the case, the reveal included.
    jade.get_by_role("link", name="Qui a consulté ce dossier").click()
    expect(jade.get_by_role("heading", level=1)).to_have_text("Qui a consulté ce dossier")
    expect(jade.get_by_role("row").filter(has_text="Nom d'un élève affiché")).to_contain_text(
        "Jade Fictive")
    visit.check(jade)
    jade.get_by_role("link", name=f"Retour au dossier {reference}").click()

    # The meeting with the victim, the next step: its kind is the step's.
    next_step(jade, "Rencontre avec l'élève victime ou qui dénonce")
    met = jade.get_by_label("Élève rencontré")
    met.select_option(label=next(text for text in met.locator("option").all_inner_texts()
                                 if text.startswith("Élève victime · ")))
    jade.get_by_label("Date et heure").fill(when(0.5))
    jade.get_by_label("Ce qui a été dit et fait").fill(
        "Rencontre fictive : elle décrit les messages reçus. Personne n'a regardé d'image.")
    # Nobody else is noted in the case: the meeting with an alleged author does not apply,
    # and the device comes next.
    save(jade, then="Saisir un appareil")
    visit.check(jade)

    # The device, seized without looking.
    jade.get_by_label("Description de l'appareil").fill("Téléphone noir, étui rouge")
    jade.get_by_label("Saisi le").fill(when(0.4))
    jade.get_by_label("Saisi par").fill("Jade Fictive")
    jade.get_by_label("Numéro de l'enveloppe scellée").fill("ENV-2026-042")
    jade.get_by_label("Lieu où il est gardé sous clé").fill("Coffre du secrétariat")
    save(jade, then="Grille d'évaluation de l'incident")
    visit.check(jade)

    # The grid: pressure and threats point to a possible duty to report to the DPJ.
    answers = {
        "Relation entre les jeunes": "Relation amoureuse, actuelle ou passée",
        "L'image a-t-elle été produite avec le consentement de la victime?": "Oui",
        "La victime a-t-elle consenti à la diffusion?": "Non",
        "Pression, menace ou chantage (sextorsion)?": "Oui",
        "Un adulte est-il impliqué?": "Non",
        "Nombre de destinataires": "De 2 à 5 personnes",
        "Signes d'une intention de nuire ou d'humilier?": "Oui",
        "Impact sur le milieu scolaire": "Impact sur quelques élèves",
    }
    for question in answers:  # nothing answered for her
        expect(jade.get_by_role("group", name=question).get_by_role("radio", checked=True)
               ).to_have_count(0)
    jade.get_by_label("Âge de l'élève victime").fill("14")
    jade.get_by_label("Âge des auteurs présumés").fill("15")
    for question, answer in answers.items():
        jade.get_by_role("group", name=question).get_by_role("radio", name=answer,
                                                             exact=True).check()
    save(jade, then="Protection de la jeunesse")

    # The DPJ report, which is hers to make; the tool reminds and records it.
    reminder = jade.get_by_role("alert")
    expect(reminder).to_contain_text(
        "Protection de la jeunesse : un signalement à la DPJ pourrait être requis.")
    expect(reminder).to_contain_text("Pression, menace ou chantage : sextorsion possible.")
    visit.check(jade)
    jade.get_by_role("radio", name="Oui").check()
    jade.get_by_label("Fait le").fill(when(0.2))
    jade.get_by_label("Fait par").fill("Jade Fictive")
    jade.get_by_label("Référence du signalement").fill("DPJ-FICTIF-0042")
    save(jade, then="Contact avec le corps de police")

    # The police contact, then the hand-off of the grid and the facts, previewed first.
    visit.check(jade)
    jade.get_by_label("Corps de police contacté le").fill(when(0.1))
    jade.get_by_label("Policier ou policière joint").fill("Agente Fictive")
    jade.get_by_label("Numéro de dossier de police").fill("SPVB-26-0042")
    save(jade, then="Remettre la grille et les faits à la police")
    preview = section(jade, "Ce que recevra Service de police de Val-Bleu")
    expect(preview).to_contain_text(ACCOUNT)
    expect(preview).to_contain_text("ENV-2026-042")
    expect(preview).to_contain_text("Relation amoureuse, actuelle ou passée")
    expect(preview).not_to_contain_text(STUDENT_NAME)  # masked on a school screen
    expect(jade.get_by_role("note").first).to_contain_text("Aucune image, jamais.")
    visit.check(jade)
    jade.get_by_role("button", name="Remettre à la police").click()
    confirmation = jade.get_by_role("checkbox",
                                    name=re.compile("^J'ai relu ce que la police recevra"))
    expect(confirmation).to_have_attribute("aria-invalid", "true")  # sending asks for it
    refused = [error for error in browser_errors if "400 (Bad Request)" in error]
    assert len(refused) == 1
    browser_errors.remove(refused[0])
    confirmation.check()
    save(jade, "Remettre à la police", then="Plan de soutien de la victime")

    # The victim's support plan.
    visit.check(jade)
    jade.get_by_label("Type").select_option(label="Orientation")
    jade.get_by_label("Ressource").select_option(label="AidezMoiSVP.ca")
    jade.get_by_label("Description").fill("Aide au retrait des images présentée à l'élève.")
    jade.get_by_label("Échéance").fill((timezone.localdate() + datetime.timedelta(days=7))
                                       .isoformat())
    save(jade, then="Fermer le dossier")
    jade.get_by_role("link", name=f"Retour au dossier {reference}").click()
    expect(section(jade, "9. Plan de soutien de la victime")).to_contain_text(
        "Orientation · AidezMoiSVP.ca · Aide au retrait des images présentée à l'élève.")
    police = section(jade, "6. Police")
    expect(police).to_contain_text("Dossier de police : SPVB-26-0042.")
    expect(police).to_contain_text("En attente de la confirmation de réception.")
    expect(jade.locator(".case-summary")).to_contain_text("Remis à la police")
    expect(jade.locator(".case-summary")).to_contain_text("Dossier de police ouvert")  # the hold
    grid_section = section(jade, "5. Grille d'évaluation")
    expect(grid_section).to_contain_text("Complète depuis le")
    expect(grid_section).to_contain_text(
        re.compile(r"Signalement à la DPJ\s*:\s*fait le \d{4}-\d\d-\d\d \d\d:\d\d"))
    # The police's receipt is awaited: no step of the school's is late.
    expect(jade.get_by_role("list", name="Étapes de la méthode")).to_contain_text(
        "Réception confirmée par la police En attente")

    # The device's chain of custody, noted from the case page.
    device = section(jade, "4. Appareil saisi")
    expect(device).to_contain_text("Aucune remise.")
    device.get_by_text("Noter une remise").click()
    device.get_by_label("Remis par").fill("Jade Fictive")
    device.get_by_label("Remis à").fill("Agente Fictive")
    device.get_by_label("Remis le").fill(when(0.05))
    device.get_by_role("button", name="Noter la remise").click()
    expect(jade.locator("#messages")).to_contain_text("Remise notée dans la chaîne de possession.")
    device = section(jade, "4. Appareil saisi")
    expect(device).to_contain_text("Jade Fictive → Agente Fictive")
    visit.check(jade)
    device.get_by_role("button", name="Confirmer la réception").click()
    expect(jade.locator("#messages")).to_contain_text("Réception confirmée.")
    expect(section(jade, "4. Appareil saisi")).to_contain_text("réception confirmée")

    # 4. The police liaison of the force receives the hand-off.
    gina = new_person(new_page, visit)
    sign_in(gina, w.police, w.password, w.devices[w.police.pk])
    open_cases(gina)
    received = section(gina, "Remises reçues par votre corps de police")
    expect(received.get_by_role("row", name=re.compile(reference))).to_contain_text("à confirmer")
    visit.check(gina)
    received.get_by_role("link", name=reference).click()
    expect(gina.get_by_role("heading", level=1)).to_have_text(
        f"Remise {reference} · École des Pionniers")
    facts = section(gina, "Les faits remis par l'école")
    expect(facts).to_contain_text(ACCOUNT)
    expect(facts).not_to_contain_text(STUDENT_NAME)  # masked, as on the school's pages
    expect(facts).to_contain_text("ENV-2026-042")
    visit.check(gina)
    # The police need the names to act: shown on request, signing in having counted as the
    # re-authentication, and logged.
    facts.get_by_role("button", name=re.compile("^Afficher le nom")).first.click()
    expect(facts).to_contain_text(STUDENT_NAME)
    gina.get_by_role("button", name="Confirmer la réception").click()
    expect(gina.locator("#messages")).to_contain_text("Réception confirmée.")
    expect(gina.get_by_role("button", name="Confirmer la réception")).to_have_count(0)

    follow_up = section(gina, "Volet policier : suite du dossier")
    follow_up.get_by_label("Qualification du DPCP").select_option(label="Impulsif")
    follow_up.get_by_label("Suite donnée").select_option(label="Rencontre de sensibilisation Sexto")
    meeting_on = timezone.localdate() + datetime.timedelta(days=3)
    destroyed_on = timezone.localdate()
    follow_up.get_by_label("Rencontre de sensibilisation le").fill(meeting_on.isoformat())
    follow_up.get_by_label("Images détruites le").fill(destroyed_on.isoformat())
    follow_up.get_by_role("button", name="Enregistrer le suivi").click()
    expect(gina.locator("#messages")).to_contain_text("Suivi policier enregistré.")
    follow_up = section(gina, "Volet policier : suite du dossier")
    expect(follow_up.get_by_label("Qualification du DPCP")).to_have_value("impulsive")
    expect(follow_up.get_by_label("Images détruites le")).to_have_value(destroyed_on.isoformat())

    share = section(gina, "Communiquer des renseignements à l'école")
    share.get_by_role("radio",
                      name="Assurer le suivi de l'adolescent ou de l'adolescente").check()
    share.get_by_label("Renseignements communiqués à l'école").fill(SHARED)
    share.get_by_role("button", name="Communiquer à l'école").click()
    expect(gina.locator("#messages")).to_contain_text("Renseignements communiqués à l'école")
    expect(section(gina, "Communiquer des renseignements à l'école")).to_contain_text(
        "Assurer le suivi de l'adolescent ou de l'adolescente")
    visit.check(gina)

    # 5. The intervener sees the acknowledgement and the information, kept apart; she closes.
    open_case(jade, reference)
    expect(section(jade, "6. Police")).to_contain_text(
        re.compile(r"Réception confirmée par la police le \d{4}-\d\d-\d\d \d\d:\d\d\."))
    information = section(jade, "8. Renseignements communiqués par la police")
    expect(information).to_contain_text(SHARED)
    expect(information).to_contain_text("Assurer le suivi de l'adolescent ou de l'adolescente")
    for other in ("1. Déclaration", "2–3. Rencontres et soutien offert", "6. Police",
                  "9. Plan de soutien de la victime"):
        expect(section(jade, other)).not_to_contain_text(SHARED)
    expect(jade.get_by_text("Impulsif")).to_have_count(0)  # the police part stays theirs
    visit.check(jade)
    next_step(jade, "Fermer le dossier")
    visit.check(jade)
    jade.get_by_label("Résumé de fermeture").fill(CLOSURE)
    jade.get_by_role("checkbox", name=re.compile("^Je confirme la fermeture")).check()
    save(jade, "Fermer le dossier")
    closed = section(jade, "10. Fermeture")
    expect(closed).to_contain_text(re.compile(r"Fermé le \d{4}-\d\d-\d\d \d\d:\d\d\."))
    expect(closed).to_contain_text(CLOSURE)
    expect(jade.locator(".case-summary")).to_contain_text("Fermé")
    expect(jade.get_by_role("link", name="Ajouter un élève concerné")).to_have_count(0)
    visit.check(jade)

    # The staff member sees her report, and its state.
    open_cases(staff)
    reported = section(staff, "Incidents que vous avez déclarés")
    expect(reported.get_by_role("listitem").filter(has_text=reference)).to_contain_text("Fermé")

    # 6. The principal's dashboard: counts and delays, no name.
    principal.get_by_role("link", name="Tous les dossiers").first.click()
    principal.get_by_role("link", name="Tableau de bord").click()
    expect(principal.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(principal.get_by_role("main")).not_to_contain_text(STUDENT_NAME)
    visit.check(principal)

    # 7. The privacy officer of the service centre keeps the register: metadata, no content.
    karim = new_person(new_page, visit)
    sign_in(karim, w.privacy_officer, w.password, w.devices[w.privacy_officer.pk])
    open_cases(karim)
    register = section(karim, "Registre des dossiers (métadonnées)")
    expect(register.get_by_role("row")).to_have_count(2)  # the header and the case
    visit.check(karim)
    register.get_by_role("link", name=reference, exact=True).click()
    expect(karim.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(karim.get_by_role("main")).to_contain_text("Métadonnées seulement")
    expect(karim.get_by_role("main")).not_to_contain_text(STUDENT_NAME)
    expect(karim.get_by_role("main")).not_to_contain_text(ACCOUNT[:40])
    visit.check(karim)
    # ... and sets the service centre's retention schedule, which its schools follow.
    # A change may lead to destruction: once the confirmation given by signing in is over, the
    # page asks him to confirm his identity first, and comes back.
    end_reauthentication(karim)
    open_cases(karim)
    karim.get_by_role("link", name="Conservation des dossiers").click()
    expect(karim.get_by_role("heading", level=1)).to_have_text("Conservation des dossiers")
    karim.get_by_role("link", name="Confirmer mon identité").click()
    karim.get_by_label("Mot de passe").fill(w.password)
    karim.get_by_role("button", name="Continuer").click()
    karim.get_by_label("Code à 6 chiffres").fill(totp_code(w.devices[w.privacy_officer.pk]))
    karim.get_by_role("button", name="Vérifier").click()
    expect(karim.get_by_role("heading", level=1)).to_have_text("Conservation des dossiers")
    expect(karim.get_by_role("link", name="Confirmer mon identité")).to_have_count(0)
    karim.get_by_label("Conservation d'un dossier fermé (jours)").fill("0")
    karim.get_by_role("button", name=re.compile("^Enregistrer le calendrier")).click()
    expect(karim.get_by_label("Conservation d'un dossier fermé (jours)")).to_have_attribute(
        "aria-invalid", "true")
    # The form came back with its error, as a 400: the one console error expected here.
    refused = [error for error in browser_errors if "400 (Bad Request)" in error]
    assert len(refused) == 1 and "/fr/dossiers/conservation/" in refused[0]
    browser_errors.remove(refused[0])
    karim.get_by_label("Conservation d'un dossier fermé (jours)").fill("400")
    karim.get_by_role("button", name=re.compile("^Enregistrer le calendrier")).click()
    expect(karim.get_by_role("main")).to_contain_text("Calendrier de conservation enregistré")
    expect(section(karim, "Calendrier suivi par chaque école").get_by_role(
        "row", name=re.compile(w.school.name))).to_contain_text("400")
    visit.check(karim)

    # What the pages did, as the database holds it.
    case = Case.objects.get(reference=reference)
    assert case.status == Case.Status.CLOSED and case.lead == w.intervener
    assert case.reported_by == w.learner and case.dpj_report_made is True
    assert CustodyTransfer.objects.get(device__case=case).acknowledged_by == w.intervener
    follow = PoliceFollowUp.objects.get(handoff__case=case)
    assert follow.qualification == "impulsive"
    assert (follow.awareness_meeting_on, follow.images_destroyed_on) == (meeting_on, destroyed_on)
    assert SharedInformation.objects.get(handoff__case=case).purpose == "follow_up"
    assert RetentionSchedule.objects.get(organisation=w.centre).closed_case_days == 400

    assert browser_errors == []
    unchecked = visit.shown - visit.checked
    assert not unchecked, f"case pages shown but not checked with axe: {sorted(unchecked)}"
    assert len(visit.checked) >= 17  # every page of the journey above


def test_an_administrator_resets_a_lost_second_factor(new_page, people,
                                                      browser_errors):
    """The principal lost her phone: the service centre's administrator, signed in with a
    second factor of their own, resets hers from the people page; her next visit to the case
    tool asks her to add a new one."""
    w = people
    visit = Visit(browser_errors)
    device, _secret = totp_device_create(user=w.org_admin, name="Téléphone",
                                         key_hex=secrets.token_hex(20))
    phone_tolerance(device)
    admin = new_person(new_page, visit)
    sign_in(admin, w.org_admin, w.password, device)
    admin.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Personnes").click()
    admin.get_by_role("link", name=f"Second facteur : {w.principal.full_name}").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(
        f"Second facteur de {w.principal.full_name}")
    expect(admin.get_by_role("main")).to_contain_text("1 application d'authentification")
    visit.check(admin)
    admin.get_by_label(re.compile("Réinitialiser :")).check()
    admin.get_by_label("Motif").fill("Téléphone perdu ; rappelée à son numéro au dossier.")
    admin.get_by_role("button", name="Confirmer").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Personnes")
    expect(admin.get_by_text(f"Le second facteur de {w.principal.full_name} est réinitialisé"
                             )).to_be_visible()
    assert not TOTPDevice.objects.filter(user=w.principal).exists()

    claire = new_person(new_page, visit)
    claire.goto("/fr/")
    claire.get_by_role("link", name="Se connecter").click()
    claire.get_by_label("Adresse courriel").fill(w.principal.email)
    claire.get_by_label("Mot de passe").fill(w.password)
    claire.get_by_role("button", name="Se connecter").click()
    claire.goto("/fr/dossiers/")
    expect(claire).to_have_url(re.compile("/fr/compte/securite/"))
    expect(claire.get_by_role("heading", level=1)).to_be_visible()
    assert browser_errors == []
