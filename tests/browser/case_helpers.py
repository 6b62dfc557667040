"""What the browser journeys of the case tool share: the people (each with an authenticator
app), signing in as a person does, the pages' checks with axe in both languages, and small
moves on the case pages."""

import datetime
import re
import secrets
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from accounts.models import Membership, Role
from accounts.services import totp_device_create
from cases.tests.conftest import award_architecte
from conftest import make_user
from tests.browser.accessibility import assert_accessible_in_both_languages
from tests.browser.clock import phone_tolerance, totp_code

# --- People ---------------------------------------------------------------------------------


def people_of(world):
    """The `world` of the root conftest, with the school's Sexto intervener (designated, with a
    valid Architecte badge) and an authenticator app (TOTP) for each person in the journey."""
    w = world
    w.intervener = make_user("jade.intervention@example.test", "Jade Fictive")
    Membership.objects.create(user=w.intervener, organisation=w.school, role=Role.STAFF)
    Membership.objects.create(user=w.intervener, organisation=w.school, role=Role.INTERVENER)
    award_architecte(w.intervener)
    w.intervener.email_verified_at = w.intervener.date_joined
    w.intervener.save(update_fields=["email_verified_at"])
    w.privacy_officer = make_user("karim.vieprivee@example.test", "Karim Fictif",
                                  email_verified_at=timezone.now())
    Membership.objects.create(user=w.privacy_officer, organisation=w.centre,
                              role=Role.PRIVACY_OFFICER)
    w.devices = {}
    for person in (w.learner, w.principal, w.intervener, w.police, w.privacy_officer):
        device, _secret = totp_device_create(user=person, name="Téléphone",
                                             key_hex=secrets.token_hex(20))
        w.devices[person.pk] = phone_tolerance(device)
    return w


# --- Pages ----------------------------------------------------------------------------------


def page_kind(path: str) -> tuple[str, str] | None:
    """("cases:case_step", "grid"), ("cases:case_detail", ""), ...; None off the case tool."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if "cases" not in match.namespaces:
        return None
    return match.view_name, match.kwargs.get("step", "")


class Visit:
    """Checks pages with axe in French, then the same page in English in a second tab; keeps
    every case page shown in the main tabs, so that none goes unchecked."""

    def __init__(self, browser_errors: list[str]):
        self.browser_errors = browser_errors
        self.checked: set[tuple[str, str]] = set()
        self.shown: set[tuple[str, str]] = set()
        self.runs = 0

    def follow(self, page: Page) -> None:
        def seen(frame):
            if frame == page.main_frame:
                kind = page_kind(urlsplit(frame.url).path)
                if kind is not None:
                    self.shown.add(kind)

        page.on("framenavigated", seen)

    def check(self, page: Page) -> None:
        path, _english = assert_accessible_in_both_languages(page, self.browser_errors)
        self.runs += 2
        kind = page_kind(path)
        if kind is not None:
            self.checked.add(kind)
        assert self.browser_errors == []


def new_person(new_page, visit: Visit) -> Page:
    page = new_page()
    visit.follow(page)
    return page


def sign_in(page: Page, person, password: str, device: TOTPDevice,
             visit: Visit | None = None) -> None:
    """Password, then the authenticator app's code; `visit` checks both pages."""
    page.goto("/fr/")
    page.get_by_role("link", name="Se connecter").click()
    if visit:
        visit.check(page)
    page.get_by_label("Adresse courriel").fill(person.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérification en deux étapes")
    if visit:
        visit.check(page)
    page.get_by_label("Code à 6 chiffres").fill(totp_code(device))
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def open_cases(page: Page) -> None:
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Dossiers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers Sexto")


def open_case(page: Page, reference: str) -> None:
    open_cases(page)
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def step(page: Page, link: str, title: str) -> None:
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def save(page: Page, button: str = "Enregistrer", *, then: str | None = None) -> None:
    """Save a step's form. Without `then`, nothing is left to do on a page of its own and the
    case page comes back at the part that shows the step; with it, the next step's page
    comes (its title), as the message says."""
    page.get_by_role("button", name=button, exact=True).click()
    messages = page.locator("#messages")
    if then is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text(then)
        expect(messages).to_contain_text("Enregistré. Étape suivante : ")
        return
    expect(messages).to_contain_text("Enregistré.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dossier ")
    fragment = urlsplit(page.url).fragment
    assert fragment.startswith("step-"), page.url
    expect(page.locator(f"#{fragment}")).to_have_count(1)


def next_step(page: Page, title: str) -> None:
    """On the case page, the primary button: the one next thing to do."""
    page.locator(".next-action").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def section(page: Page, name: str):
    return page.get_by_role("region", name=name)


def when(hours_ago: float) -> str:
    return (timezone.localtime() - datetime.timedelta(hours=hours_ago)).strftime(
        "%Y-%m-%dT%H:%M")


def report(page: Page, account: str, channels: list[str], spreading: str,
            visit: Visit | None = None) -> str:
    """Report an incident from "Dossiers"; the reference the page gives. `visit` checks the
    list and the form."""
    open_cases(page)
    if visit:
        visit.check(page)
    page.get_by_role("link", name="Déclarer un incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclarer un incident")
    if visit:
        visit.check(page)
    expect(page.get_by_label("École", exact=True)).to_have_value(
        re.compile(r"^[0-9a-f-]{36}$"))  # her one school, chosen already
    page.get_by_label("Quand vous a-t-on confié la situation?").fill(when(1))
    page.get_by_label("Ce qu'on vous a dit").fill(account)
    for channel in channels:
        page.get_by_label(channel, exact=True).check()
    page.get_by_label("Le contenu circule-t-il encore?").select_option(label=spreading)
    page.get_by_role("button", name="Déclarer l'incident").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Votre déclaration SX-\d{4}-[0-9A-F]{6}$"))
    reference = heading.inner_text().split()[-1]
    expect(page.locator("#messages")).to_contain_text(f"Incident déclaré : dossier {reference}.")
    return reference


