"""Passkeys in Debian's Chromium, with its virtual authenticator (DevTools protocol, WebAuthn).

A principal, who must use a second factor, signs in with her password and is sent to add one;
she adds a passkey, keeps her recovery codes, hides the screen, signs out, and signs in again
with her password and the passkey. Every second-factor page is checked with axe, in French and
at the same address in English.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.urls import translate_url
from playwright.sync_api import Page, expect

from accounts.models import PasskeyDevice
from audit.models import AuditEvent
from tests.browser.accessibility import assert_accessible
from tests.browser.fixtures import watch_for_errors

pytestmark = pytest.mark.browser


def _virtual_authenticator(page: Page) -> tuple[object, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }})
    return cdp, added["authenticatorId"]


def _check_in_both_languages(page: Page, browser_errors: list[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
    path = urlsplit(page.url).path
    query = urlsplit(page.url).query
    english = translate_url(path, "en")
    assert english != path, f"no English address for {path}"
    tab = page.context.new_page()
    watch_for_errors(tab, browser_errors)
    response = tab.goto(english + (f"?{query}" if query else ""))
    assert response.status == 200, english
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    expect(tab.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(tab)
    tab.close()
    assert browser_errors == []


def _password_step(page: Page, email: str, password: str) -> None:
    page.goto("/fr/compte/connexion/")
    page.get_by_label("Adresse courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_passkey_enrolment_and_sign_in(page, world, browser_errors):
    cdp, authenticator_id = _virtual_authenticator(page)
    principal = world.principal

    # 1. The password alone: a case role without a second factor is sent to add one.
    _password_step(page, principal.email, world.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sécurité du compte")
    expect(page.get_by_text("Votre rôle donne accès aux dossiers d'incident")).to_be_visible()
    _check_in_both_languages(page, browser_errors)

    # 2. A passkey, through the browser's WebAuthn and the virtual authenticator.
    page.get_by_role("link", name="Ajouter une clé d'accès").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajouter une clé d'accès")
    _check_in_both_languages(page, browser_errors)
    expect(page.get_by_text("Les clés d'accès ont besoin de JavaScript")).to_be_hidden()
    page.get_by_label("Nom de cette clé d'accès").fill("Ordinateur de test")
    page.get_by_role("button", name="Créer ma clé d'accès").click()

    # 3. The first second factor comes with recovery codes, shown once.
    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    codes = page.get_by_role("list", name="Vos codes de secours").get_by_role("listitem")
    expect(codes).to_have_count(10)
    assert_accessible(page)
    passkey = PasskeyDevice.objects.get(user=principal)
    assert passkey.name == "Ordinateur de test"
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    assert credentials["credentials"][0]["isResidentCredential"] is True
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    # Landed on her home (the codes page has the same button: wait for the new page first).
    expect(page).to_have_title(re.compile("^Mon accueil"))
    page.wait_for_load_state()  # its scripts (deferred) listen for the keys from here

    # 4. The session is verified: the quick-hide control, by keyboard (Escape twice).
    hide = page.get_by_role("button", name=re.compile("^Masquer l'écran"))
    expect(hide).to_be_visible()
    hide.focus()
    expect(hide).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(page).to_have_title("Pause")
    expect(page).to_have_url(re.compile(r"/fr/compte/pause/$"))
    assert_accessible(page)

    # 5. Security pages in both languages, then sign out.
    page.goto("/fr/compte/securite/")
    expect(page.get_by_text("Ordinateur de test", exact=True)).to_be_visible()
    _check_in_both_languages(page, browser_errors)
    page.get_by_role("link", name="Ajouter une application d'authentification").click()
    # Another second factor: password and passkey again first (re-authentication).
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer votre identité")
    _check_in_both_languages(page, browser_errors)
    page.get_by_label("Mot de passe").fill(world.password)
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Votre mot de passe est confirmé.")).to_be_visible()
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ajouter une application d'authentification")
    assert AuditEvent.objects.filter(action="auth.reauthenticated", actor=principal).exists()
    expect(page.get_by_role("img", name=re.compile("^Code QR"))).to_be_visible()
    _check_in_both_languages(page, browser_errors)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()

    # 6. Password, then the passkey.
    _password_step(page, principal.email, world.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérification en deux étapes")
    _check_in_both_languages(page, browser_errors)
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Masquer l'écran"))).to_be_visible()
    assert AuditEvent.objects.filter(action="auth.second_factor_verified",
                                     data={"method": "passkey", "purpose": "login"}).exists()
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # 7. The same button clicked: the screen blanks and the neutral page replaces the page.
    page.goto("/fr/compte/")
    page.get_by_role("button", name=re.compile("^Masquer l'écran")).click()
    expect(page).to_have_title("Pause")
    assert browser_errors == []


def test_second_factor_page_with_an_authenticator_app(page, world, browser_errors):
    from accounts.services import totp_device_create
    from accounts.tests.test_second_factor import totp_code

    device, _secret = totp_device_create(user=world.principal, name="Téléphone")
    _password_step(page, world.principal.email, world.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérification en deux étapes")
    # Without a passkey, no passkey button; the code field has the focus.
    expect(page.get_by_role("button", name="Utiliser ma clé d'accès")).to_have_count(0)
    code = page.get_by_label("Code à 6 chiffres")
    expect(code).to_be_focused()
    code.fill("000000")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text("Ce code n'est pas valide")).to_be_visible()
    expect(code).to_have_value("")
    expect(code).to_have_attribute("aria-invalid", "true")
    _check_in_both_languages(page, browser_errors)
    # django-otp makes the device wait a second after a wrong code: move its clock instead.
    device.refresh_from_db()
    device.throttling_failure_timestamp -= datetime.timedelta(seconds=2)
    device.save(update_fields=["throttling_failure_timestamp"])
    code.fill(totp_code(device))
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    assert browser_errors == []
