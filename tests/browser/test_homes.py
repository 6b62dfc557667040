"""Each person's home in Debian's Chromium: a principal, an intervener, a police liaison, a
reviewer and a learner sign in as they would (password, then the authenticator app's code for
those who read cases), land on their home, and see what waits for them there.

Every home is checked with axe in French and in English, and shown at 1280 and 375 px wide in
both languages without anything wider than the screen; with SEXTO_SCREENSHOTS=<folder>, each
is saved there to be looked at (homes-<person>-<language>-<width>.png). One more sign-in
starts from a case page: the `next` of the sign-in wins over the home.
"""

import datetime
import os
import secrets
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Membership, Role
from accounts.services import totp_device_create

# The badges tests' fictional program: a published training and a learner's badge request.
from badges.tests.conftest import answers, program, submitted  # noqa: F401, F811
from cases.models import Case
from cases.tests.conftest import award_architecte
from cases.tests.factories import case_create, handoff_add
from conftest import make_user
from tests.browser.accessibility import assert_accessible_in_both_languages
from tests.browser.clock import phone_tolerance, totp_code

pytestmark = pytest.mark.browser

WIDTHS = (1280, 375)
SCREENSHOTS = os.environ.get("SEXTO_SCREENSHOTS")


@pytest.fixture
def people(world, submitted):  # noqa: F811
    """The world's people, the school's Sexto intervener, an authenticator app for those who
    read cases, and work waiting for each of them."""
    w = world
    w.intervener = make_user("jade.intervention@example.test", "Jade Fictive",
                             email_verified_at=timezone.now())
    Membership.objects.create(user=w.intervener, organisation=w.school, role=Role.STAFF)
    Membership.objects.create(user=w.intervener, organisation=w.school, role=Role.INTERVENER)
    award_architecte(w.intervener)
    w.devices = {}
    for person in (w.principal, w.intervener, w.police):
        device, _secret = totp_device_create(user=person, name="Téléphone",
                                             key_hex=secrets.token_hex(20))
        w.devices[person.pk] = phone_tolerance(device)
    now = timezone.now()
    hours = datetime.timedelta(hours=1)
    w.untaken = case_create(w.school, reported_by=w.learner, told_at=now - 2 * hours,
                            created_at=now - 2 * hours, reference="SX-HOME-01")
    w.late = case_create(w.school, reported_by=w.learner, lead=w.intervener,
                         status=Case.Status.IN_PROGRESS, told_at=now - 30 * hours,
                         reference="SX-HOME-02")
    w.sent = case_create(w.school, reported_by=w.learner, lead=w.intervener,
                         status=Case.Status.WITH_POLICE, told_at=now - 5 * hours,
                         reference="SX-HOME-03")
    handoff_add(w.sent, force=w.force_ok, sent_at=now - 3 * hours)
    w.acknowledged = case_create(w.school, lead=w.intervener, status=Case.Status.WITH_POLICE,
                                 told_at=now - 50 * hours, reference="SX-HOME-04")
    handoff_add(w.acknowledged, force=w.force_ok, sent_at=now - 40 * hours,
                acknowledged_at=now - 30 * hours)
    return w


def _sign_in(page: Page, person, password: str, device=None, *, start: str = "/fr/") -> None:
    page.goto(start)
    if "connexion" not in page.url:
        page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse courriel").fill(person.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if device is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text("Vérification en deux étapes")
        page.get_by_label("Code à 6 chiffres").fill(totp_code(device))
        page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _panel(page: Page, title: str):
    """A panel by its heading: its title, and the count in brackets when it has one."""
    return page.get_by_role("region", name=title, exact=True)


def _look(page: Page, who: str, browser_errors: list[str]) -> None:
    """axe in both languages, then screenshots at each width in each language, nothing wider
    than the screen."""
    assert_accessible_in_both_languages(page, browser_errors)
    for language in ("fr", "en"):
        page.goto(f"/{language}/")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            if SCREENSHOTS:
                page.screenshot(path=Path(SCREENSHOTS) / f"homes-{who}-{language}-{width}.png",
                                full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{who}'s home is {overflow} px wider than {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/fr/")
    assert browser_errors == []


def test_each_person_lands_on_their_home_and_sees_what_waits(new_page, people,
                                                             browser_errors):
    w = people

    principal = new_page()
    _sign_in(principal, w.principal, w.password, w.devices[w.principal.pk])
    assert principal.url.endswith("/fr/")
    expect(principal.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    to_take = _panel(principal, "Signalements à prendre (1)")
    expect(to_take).to_contain_text("SX-HOME-01")
    expect(to_take.get_by_role("link", name="Attribuer le dossier à un intervenant")
           ).to_be_visible()
    open_cases = _panel(principal, "Dossiers ouverts de l'école (3)")
    # The late one first, with its next step.
    expect(open_cases.get_by_role("listitem").first).to_contain_text("SX-HOME-04")
    expect(open_cases).to_contain_text("Étape suivante : Élèves concernés")
    expect(open_cases).to_contain_text("En retard")
    _look(principal, "principal", browser_errors)

    intervener = new_page()
    _sign_in(intervener, w.intervener, w.password, w.devices[w.intervener.pk])
    expect(_panel(intervener, "Mes dossiers ouverts (3)")).to_contain_text("SX-HOME-02")
    _look(intervener, "intervener", browser_errors)
    # Taking the report from the home: they lead it, and the home says so.
    _panel(intervener, "Signalements à prendre (1)").get_by_role(
        "button", name="Prendre ce dossier").click()
    expect(intervener.locator("#messages")).to_contain_text(
        "Vous êtes l'intervenant responsable de ce dossier.")
    intervener.goto("/fr/")
    expect(_panel(intervener, "Mes dossiers ouverts (4)")).to_contain_text("SX-HOME-01")

    police = new_page()
    _sign_in(police, w.police, w.password, w.devices[w.police.pk])
    expect(_panel(police, "Remises à confirmer (1)")).to_contain_text("SX-HOME-03")
    expect(_panel(police, "Décisions du DPCP à inscrire (1)")).to_contain_text("SX-HOME-04")
    _look(police, "police", browser_errors)

    reviewer = new_page()
    _sign_in(reviewer, w.reviewer, w.password)
    queue = _panel(reviewer, "Demandes de badge à évaluer (1)")
    expect(queue).to_contain_text(w.learner.full_name)
    expect(queue).to_contain_text("La plus ancienne attend depuis le")
    _look(reviewer, "reviewer", browser_errors)

    learner = new_page()
    _sign_in(learner, w.learner, w.password)
    expect(_panel(learner, "Ma formation")).to_contain_text("Trousse fictive")
    expect(_panel(learner, "Mes demandes de badge")).to_contain_text("Demandé")
    # The reports she made ask for a second factor she has not added: nothing of them shows.
    gate = _panel(learner, "Dossiers")
    expect(gate.get_by_role("link", name="Ajouter un second facteur")).to_be_visible()
    expect(learner.locator("main")).not_to_contain_text("SX-HOME")
    _look(learner, "learner", browser_errors)


def test_the_next_of_a_sign_in_wins_over_the_home(page, people, browser_errors):
    w = people
    case_page = f"/fr/dossiers/{w.late.pk}/"
    _sign_in(page, w.intervener, w.password, w.devices[w.intervener.pk], start=case_page)
    assert page.url.endswith(case_page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("SX-HOME-02")
    assert browser_errors == []
