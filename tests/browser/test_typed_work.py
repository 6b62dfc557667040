"""Never lose typed work: the session warning, and a note that survives an expired session.

The server's clock is moved through the session's timestamps (tests/browser/clock.py); the
page's timers through Playwright's page.clock. Nobody waits for real minutes.
"""

import datetime
import re
import secrets
import time

import pytest
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import mfa
from accounts.models import KeptForm, Membership, Role
from accounts.services import totp_device_create
from cases.models import Entry
from cases.tests.conftest import award_architecte, reported_case
from conftest import make_user
from tests.browser.accessibility import assert_accessible
from tests.browser.clock import browser_session, move_session_clock, phone_tolerance, totp_code
from tests.browser.fixtures import watch_for_errors

pytestmark = pytest.mark.browser

IDLE = settings.SEXTO_IDLE_TIMEOUT_SECONDS
NOTE = ("Rencontre avec l'élève qui dénonce (récit fictif). Elle raconte que la photo a été "
        "envoyée mardi soir dans une conversation de groupe, puis transférée à d'autres élèves "
        "de 3e secondaire. Elle ne l'a pas regardée et ne veut pas qu'on la lui montre. Elle "
        "demande que sa mère soit prévenue avant la fin de la journée. ") * 4


@pytest.fixture
def jade(world):
    """The school's Sexto intervener (designated, valid Architecte badge), with a phone."""
    w = world
    w.intervener = make_user("jade.intervention@example.test", "Jade Fictive",
                             email_verified_at=timezone.now())
    Membership.objects.create(user=w.intervener, organisation=w.school, role=Role.STAFF)
    Membership.objects.create(user=w.intervener, organisation=w.school, role=Role.INTERVENER)
    award_architecte(w.intervener)
    device, _secret = totp_device_create(user=w.intervener, name="Téléphone",
                                         key_hex=secrets.token_hex(20))
    w.device = phone_tolerance(device)
    w.reporter = w.learner
    w.case = reported_case(w)
    return w


def _sign_in_steps(page: Page, w) -> None:
    """On the login page: password, then the authenticator app's code."""
    page.get_by_label("Adresse courriel").fill(w.intervener.email)
    page.get_by_label("Mot de passe").fill(w.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérification en deux étapes")
    page.get_by_label("Code à 6 chiffres").fill(totp_code(w.device))
    page.get_by_role("button", name="Vérifier").click()


def _sign_in(page: Page, w) -> None:
    page.goto(reverse("accounts:login"))
    _sign_in_steps(page, w)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _meeting_url(w) -> str:
    return reverse("cases:case_step", args=[w.case.pk, "meeting"])


def _when(hours_ago: float) -> str:
    return (timezone.localtime() - datetime.timedelta(hours=hours_ago)).strftime(
        "%Y-%m-%dT%H:%M")


# --- Typed work survives an expired session -------------------------------------------------


@pytest.fixture
def page_without_javascript(browser, live_server, transactional_db, browser_errors):
    context = browser.new_context(base_url=live_server.url, locale="fr-CA",
                                  java_script_enabled=False,
                                  extra_http_headers={"Accept-Language": "fr-CA,fr"})
    context.set_default_timeout(10_000)
    made = context.new_page()
    watch_for_errors(made, browser_errors)
    yield made
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_typed_work_survives_an_expired_session(request, live_server, transactional_db, jade,
                                                browser_errors, javascript):
    w = jade
    page = request.getfixturevalue("page" if javascript else "page_without_javascript")
    _sign_in(page, w)
    url = _meeting_url(w)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Noter une rencontre ou un soutien offert")
    expect(page.locator("#session-timeout")).to_be_hidden()
    page.get_by_label("Étape", exact=True).select_option("meeting_victim")
    page.get_by_label("Date et heure").fill(_when(0.5))
    notes = page.get_by_label("Ce qui a été dit et fait")
    notes.fill(NOTE)
    entries = Entry.objects.count()

    # She is interrupted; the idle limit passes; she comes back and saves.
    move_session_clock(page, IDLE + 1)
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    expect(page.get_by_role("alert")).to_contain_text(
        "Votre session s'est fermée après 15 minutes sans activité")
    expect(page.get_by_text("Ce que vous veniez d'envoyer n'est pas perdu")).to_be_visible()
    if javascript:  # axe runs as a script in the page
        assert_accessible(page)
    assert Entry.objects.count() == entries
    assert KeptForm.objects.filter(user=w.intervener).count() == 1

    _sign_in_steps(page, w)
    # Back on the same form, her note restored, nothing saved.
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.locator("#messages")).to_contain_text(
        "Votre session avait pris fin : ce que vous aviez écrit est rétabli ci-dessous. "
        "Relisez-le, puis enregistrez.")
    expect(notes).to_have_value(NOTE)  # as she typed it
    expect(page.get_by_label("Étape", exact=True)).to_have_value("meeting_victim")
    if javascript:
        assert_accessible(page)
    assert Entry.objects.count() == entries
    assert not KeptForm.objects.exists()

    # She saves it: once.
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("Enregistré.")
    assert Entry.objects.count() == entries + 1
    assert Entry.objects.latest("created_at").notes == NOTE.strip()
    page.goto(url)
    expect(notes).to_have_value("")
    assert browser_errors == []


# --- The warning before the idle limit ------------------------------------------------------


def _dialog(page: Page):
    return page.locator("#session-timeout")


def _status_answered(page: Page):
    return page.expect_response(lambda response: "/session/" in response.url)


def _warn_after(page: Page, seconds: float) -> None:
    """As if `seconds` passed with nobody at work, on the server and in the page."""
    move_session_clock(page, seconds)
    with _status_answered(page):
        page.clock.run_for(int(seconds * 1000))


def test_the_warning_comes_before_the_idle_limit_and_keeps_the_session(jade, page,
                                                                       browser_errors):
    w = jade
    page.clock.install()
    _sign_in(page, w)
    url = _meeting_url(w)
    page.goto(url)
    notes = page.get_by_label("Ce qui a été dit et fait")
    notes.fill("Début de note (fictif).")
    dialog = _dialog(page)

    # 13 minutes here, but someone was at work in another tab (the server's clock did not
    # move): the page asks, and says nothing.
    with _status_answered(page):
        page.clock.run_for((IDLE - 120 + 5) * 1000)
    expect(dialog).to_be_hidden()

    # 13 minutes with nobody at work anywhere: the warning, two minutes before the limit.
    _warn_after(page, IDLE - 120 + 5)
    warning = page.get_by_role("alertdialog", name="Votre session va bientôt se fermer")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("elle se fermera dans 2 minutes")
    stay = warning.get_by_role("button", name="Rester connecté")
    expect(stay).to_be_focused()
    assert_accessible(page)

    # The keyboard alone: Enter on the focused button.
    with page.expect_response(lambda response: "rester-connecte" in response.url) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    expect(dialog).to_be_hidden()
    expect(notes).to_be_focused()  # the focus is back where she was
    expect(page.locator("[data-session-announce]")).to_have_text("Vous restez connecté.")
    assert time.time() - browser_session(page)[mfa.SEEN_AT_KEY] < 10  # idle clock restarted
    # The session is kept: 10 more minutes idle are fine, though 23 have passed since the page.
    move_session_clock(page, 600)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Noter une rencontre ou un soutien offert")

    # Nobody answers the next warning: once the limit passes, the dialog says it ended.
    _warn_after(page, IDLE - 120 + 5)
    expect(page.get_by_role("alertdialog", name="Votre session va bientôt se fermer")
           ).to_be_visible()
    move_session_clock(page, 120)
    with _status_answered(page):
        page.clock.run_for(20_000)
    ended = page.get_by_role("alertdialog", name="Votre session a pris fin")
    expect(ended).to_be_visible()
    expect(ended).to_contain_text("enregistrez quand même")
    expect(ended.get_by_role("button", name="Revenir à la page")).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert browser_errors == []


def test_the_warning_in_english_is_accessible(jade, page, browser_errors):
    w = jade
    page.clock.install()
    _sign_in(page, w)
    page.goto(translate_url(_meeting_url(w), "en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _warn_after(page, IDLE - 120 + 5)
    expect(page.get_by_role("alertdialog")).to_be_visible()
    # "Rester connecté" reads "Stay signed in" once the catalogue is merged.
    expect(_dialog(page).locator("form button")).to_be_focused()
    assert_accessible(page)
    move_session_clock(page, 120)
    with _status_answered(page):
        page.clock.run_for(20_000)
    expect(_dialog(page).locator('[data-session-mode="ended"]')).to_be_visible()
    assert_accessible(page)
    assert browser_errors == []


def test_near_the_absolute_limit_it_says_when_and_that_it_cannot_be_extended(
        jade, page, browser_errors):
    w = jade
    page.clock.install()
    _sign_in(page, w)
    url = _meeting_url(w)
    page.goto(url)
    notes = page.get_by_label("Ce qui a été dit et fait")
    notes.focus()
    # She has been signed in for 7 h 56 min: 4 minutes left, whatever she does. The page
    # learns it when it next asks the server.
    move_session_clock(page, settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS - 240,
                       keys=(mfa.SIGNED_IN_AT_KEY,))
    ends_at = browser_session(page)[mfa.SIGNED_IN_AT_KEY] + settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS
    shown = timezone.localtime(datetime.datetime.fromtimestamp(ends_at, tz=datetime.UTC))
    with _status_answered(page):
        page.clock.run_for((IDLE - 120 + 5) * 1000)
    warning = page.get_by_role("alertdialog",
                               name=f"Votre session se fermera à {shown:%H:%M}")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("ne peut pas être prolongée")
    expect(warning).to_contain_text("Enregistrez maintenant")
    expect(page.get_by_role("button", name="Rester connecté")).to_be_hidden()
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(_dialog(page)).to_be_hidden()
    expect(notes).to_be_focused()
    # Once that time has passed, the dialog says the session ended.
    move_session_clock(page, 241)
    with _status_answered(page):
        page.clock.run_for(241_000)
    expect(page.get_by_role("alertdialog", name="Votre session a pris fin")).to_be_visible()
    assert browser_errors == []

