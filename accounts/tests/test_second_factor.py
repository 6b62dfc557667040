"""The second factor: enrolment, the second step of signing in, lockout, recovery codes."""

import html
import json
import re
import time

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import SecondFactorLock
from accounts.selectors import personal_data
from accounts.services import recovery_codes_generate, totp_device_create
from audit.models import AuditEvent
from core.exceptions import ApplicationError


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows (`steps_ahead` 30-second steps later).

    Read with the drift the device last learned: a code verified just after a 30-second step
    ended sets it to -1, and the next code must follow, or a slow run refuses it.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def text(response) -> str:
    """The page as a person reads it (apostrophes and the like unescaped)."""
    return html.unescape(response.content.decode())


def password_step(client, user, password, next_url=None):
    data = {"username": user.email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def second_step(client, method, value, next_url=None):
    field = {"totp": "otp_token", "recovery_code": "recovery_code",
             "passkey": "passkey_assertion"}[method]
    data = {"method": method, field: value}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:second_factor"), data)


def sign_in_with_totp(client, user, password, device, *, steps_ahead=0):
    response = password_step(client, user, password)
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    response = second_step(client, "totp", totp_code(device, steps_ahead=steps_ahead))
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


@pytest.fixture
def principal_totp(world):
    device, _secret = totp_device_create(user=world.principal, name="Téléphone")
    return device


@pytest.fixture
def no_throttle(settings):
    # django-otp waits 1, 2, 4... seconds after each wrong code; tests do not.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


# --- The service the demo data uses ----------------------------------------------------------


def test_totp_device_create_with_a_given_key(world):
    device, secret = totp_device_create(user=world.learner, name="Démo",
                                        key_hex="3132333435363738393031323334353637383930")
    assert device.confirmed and device.name == "Démo"
    assert secret == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # RFC 6238's test key, in base32
    assert AuditEvent.objects.filter(action="auth.device_added", data={"kind": "totp"}).exists()
    other, other_secret = totp_device_create(user=world.learner, name="Autre", confirmed=False)
    assert not other.confirmed and len(other_secret) == 32 and other_secret != secret
    with pytest.raises(ApplicationError):
        totp_device_create(user=world.learner, name="x", key_hex="not hexadecimal")


# --- Enrolment ---------------------------------------------------------------------------------


def test_security_page_in_both_languages(client, world):
    client.force_login(world.learner)
    response = client.get(reverse("accounts:security"))
    assert response.status_code == 200
    assert "Sécurité du compte" in response.content.decode()
    with translation.override("en"):
        url = reverse("accounts:security")
    assert url == "/en/account/security/"
    body = client.get(url).content.decode()
    assert "Account security" in body and "Add an authenticator app" in body


def test_security_pages_need_a_login(client, world):
    for name in ("security", "totp_add", "passkey_add", "recovery_codes", "reauthenticate"):
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == 302 and "/connexion/" in response["Location"], name


def test_totp_enrolment_then_recovery_codes_shown_once(client, world):
    client.force_login(world.learner)
    url = reverse("accounts:totp_add")
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert '<svg role="img" aria-label="Code QR' in body
    device = TOTPDevice.objects.get(user=world.learner, confirmed=False)
    secret = "".join(re.search(r'class="totp-secret"[^>]*>([A-Z2-7 ]+)<', body).group(1).split())
    from base64 import b32decode
    assert b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    field = re.search(r'<input[^>]*name="otp_token"[^>]*>', body).group(0)
    assert 'autocomplete="one-time-code"' in field and 'inputmode="numeric"' in field
    assert 'aria-describedby="id_otp_token_helptext"' in field
    # Reloading keeps the same secret (the person may have scanned it already).
    client.get(url)
    assert TOTPDevice.objects.filter(user=world.learner).count() == 1

    # A wrong code: the name typed stays, the code does not, the error is tied to the field.
    response = client.post(url, {"name": "Mon téléphone", "otp_token": "000000"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ce code ne correspond pas" in body
    field = re.search(r'<input[^>]*name="otp_token"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in field and "id_otp_token_error" in field
    assert 'value="000000"' not in body
    assert 'value="Mon téléphone"' in body
    # Bad shape: said plainly, nothing checked.
    response = client.post(url, {"name": "Mon téléphone", "otp_token": "12ab56"})
    assert "6 chiffres, sans lettres" in response.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp's wait after the wrong code
    device.save()
    response = client.post(url, {"name": "Mon téléphone", "otp_token": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:recovery_codes")
    device.refresh_from_db()
    assert device.confirmed and device.name == "Mon téléphone"
    # Adding it verifies this session.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    response = client.get(response["Location"])
    assert "no-store" in response["Cache-Control"]
    codes = re.findall(r"<code translate=\"no\">([a-z2-7]{8})</code>", response.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=world.learner)
                             .values_list("token", flat=True))
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert "Il vous reste 10 codes de secours" in again
    actions = list(AuditEvent.objects.filter(target_id=str(world.learner.pk))
                   .values_list("action", flat=True))
    assert "auth.device_added" in actions and "auth.recovery_codes_generated" in actions
    for event in AuditEvent.objects.all():
        text = json.dumps(event.data)
        assert secret not in text and not any(code in text for code in codes)


def test_enrolment_returns_to_next(client, world):
    client.force_login(world.principal)
    next_url = reverse("accounts:people")
    url = reverse("accounts:totp_add") + f"?next={next_url}"
    client.get(url)
    device = TOTPDevice.objects.get(user=world.principal)
    response = client.post(url, {"name": "", "otp_token": totp_code(device),
                                 "next": next_url})
    assert response["Location"] == mfa.url_with_next(reverse("accounts:recovery_codes"), next_url)
    body = client.get(response["Location"]).content.decode()
    assert f'href="{next_url}"' in body
    device.refresh_from_db()
    assert device.name == "Application d'authentification"


# --- Signing in --------------------------------------------------------------------------------


def test_password_then_totp(client, world, principal_totp):
    next_url = reverse("accounts:profile")
    response = password_step(client, world.principal, world.password, next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:second_factor") + "?next=%2Ffr%2Fcompte%2F"
    # Not signed in yet: the password alone opens nothing.
    assert "_auth_user_id" not in client.session
    assert client.get(next_url).status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert world.principal.email in body
    assert "Vérification en deux étapes" in body
    assert "autofocus" in re.search(r'<input[^>]*name="otp_token"[^>]*>', body).group(0)

    response = second_step(client, "totp", totp_code(principal_totp), next_url)
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert client.session["_auth_user_id"] == str(world.principal.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == principal_totp.persistent_id
    assert AuditEvent.objects.filter(action="auth.login", actor=world.principal).count() == 1
    assert AuditEvent.objects.filter(action="auth.second_factor_verified",
                                     data={"method": "totp", "purpose": "login"}).exists()
    # The verified session shows the quick-hide control.
    body = client.get(next_url).content.decode()
    assert "data-quick-hide" in body and "js/quick-hide.js" in body


def test_the_same_code_does_not_serve_twice(client, world, principal_totp, no_throttle):
    code = totp_code(principal_totp)
    password_step(client, world.principal, world.password)
    assert second_step(client, "totp", code).status_code == 302
    client.logout()
    password_step(client, world.principal, world.password)
    assert second_step(client, "totp", code).status_code == 200


def test_login_continues_in_the_preferred_language(client, world, principal_totp):
    world.principal.preferred_language = "en"
    world.principal.save()
    response = password_step(client, world.principal, world.password)
    with translation.override("en"):
        assert response["Location"].startswith(reverse("accounts:second_factor"))
        home = reverse(settings.LOGIN_REDIRECT_URL)
    assert response["Location"].startswith("/en/account/verification/")
    response = second_step(client, "totp", totp_code(principal_totp))
    assert response["Location"] == home


def test_wrong_code_is_refused_and_audited(client, world, principal_totp):
    password_step(client, world.principal, world.password)
    response = second_step(client, "totp", "123456")
    assert response.status_code == 200
    body = text(response)
    assert "Ce code n'est pas valide" in body
    assert "Encore 4 essais avant un blocage de 1\xa0heure." in body
    assert 'value="123456"' not in body
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.second_factor_failed")
    assert event.actor == world.principal
    assert event.data == {"method": "totp", "reason": "invalid", "purpose": "login",
                          "failures": 1}
    assert "123456" not in json.dumps(event.data)


def test_codes_too_close_together_are_throttled_not_counted(client, world, principal_totp):
    password_step(client, world.principal, world.password)
    second_step(client, "totp", "123456")
    # django-otp's throttling: right after a wrong code, even the right one waits.
    response = second_step(client, "totp", totp_code(principal_totp))
    assert "Trop d'essais rapprochés" in text(response)
    assert AuditEvent.objects.filter(action="auth.second_factor_failed",
                                     data__reason="throttled").count() == 1
    assert SecondFactorLock.objects.get(user=world.principal).failures == 1


def test_lockout_after_repeated_failures(client, world, principal_totp, no_throttle):
    password_step(client, world.principal, world.password)
    limit = settings.SEXTO_SECOND_FACTOR_FAILURE_LIMIT
    for attempt in range(limit):
        response = second_step(client, "totp", f"{attempt:06d}")
    assert response.status_code == 429
    body = text(response)
    assert "Connexion temporairement bloquée" in body
    assert f"après {limit} tentatives infructueuses" in body
    assert "1\xa0heure" in body
    assert "votre clé d'accès ni vos codes de secours" in body
    lock = SecondFactorLock.objects.get(user=world.principal)
    assert lock.failures == limit
    assert lock.locked_until > timezone.now() + timezone.timedelta(minutes=59)
    assert AuditEvent.objects.filter(action="auth.second_factor_locked").count() == 1

    # Locked: the right code, and even the right password, change nothing for an hour.
    assert second_step(client, "totp", totp_code(principal_totp)).status_code in (302, 429)
    response = password_step(client, world.principal, world.password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session

    # An hour later, it works again.
    past = timezone.now() - timezone.timedelta(hours=1, minutes=1)
    SecondFactorLock.objects.filter(user=world.principal).update(locked_until=past,
                                                                 last_failure_at=past)
    sign_in_with_totp(client, world.principal, world.password, principal_totp)
    assert client.session["_auth_user_id"] == str(world.principal.pk)
    assert not SecondFactorLock.objects.filter(user=world.principal).exists()


def test_lockout_in_english(client, world, principal_totp, no_throttle):
    world.principal.preferred_language = "en"
    world.principal.save()
    password_step(client, world.principal, world.password)
    with translation.override("en"):
        url = reverse("accounts:second_factor")
    for attempt in range(settings.SEXTO_SECOND_FACTOR_FAILURE_LIMIT):
        response = client.post(url, {"method": "totp", "otp_token": f"{attempt:06d}"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Sign-in temporarily blocked" in body and "1\xa0hour" in body


def test_recovery_code_works_once(client, world, principal_totp, no_throttle):
    codes = recovery_codes_generate(user=world.principal)
    password_step(client, world.principal, world.password)
    response = second_step(client, "recovery_code", codes[0].upper()[:4] + " " + codes[0][4:])
    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("otp_static.staticdevice/")
    assert StaticToken.objects.filter(device__user=world.principal).count() == 9
    client.logout()
    password_step(client, world.principal, world.password)
    response = second_step(client, "recovery_code", codes[0])
    assert response.status_code == 200
    body = text(response)
    assert "n'est pas valide, ou il a déjà servi" in body
    # The recovery form opens by itself to show its error, and takes the focus.
    assert "<details open>" in body
    assert "autofocus" in re.search(r'<input[^>]*name="recovery_code"[^>]*>', body).group(0)
    assert AuditEvent.objects.filter(action="auth.second_factor_failed",
                                     data__method="recovery_code").count() == 1
    response = second_step(client, "recovery_code", "pas-un-code!")
    assert "8 caractères" in response.content.decode()


def test_password_step_expires(client, world, principal_totp):
    password_step(client, world.principal, world.password)
    session = client.session
    session[mfa.PENDING_LOGIN_KEY]["at"] -= mfa.PENDING_SECONDS + 1
    session.save()
    response = client.get(reverse("accounts:second_factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_second_factor_page_without_a_password_step(client, world):
    response = client.get(reverse("accounts:second_factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.put(reverse("accounts:second_factor")).status_code == 405


def test_case_role_without_a_second_factor_is_sent_to_add_one(client, world):
    response = password_step(client, world.principal, world.password)
    assert response.status_code == 302
    expected_next = reverse(settings.LOGIN_REDIRECT_URL).replace("/", "%2F")
    assert response["Location"] == reverse("accounts:security") + f"?next={expected_next}"
    assert client.session["_auth_user_id"] == str(world.principal.pk)
    body = text(client.get(response["Location"]))
    assert "Votre rôle donne accès aux dossiers d'incident" in body
    # A learner holding no case role goes on as before.
    client.logout()
    response = password_step(client, world.learner, world.password)
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_a_learner_who_chose_a_second_factor_uses_it(client, world):
    device, _secret = totp_device_create(user=world.learner, name="Téléphone")
    response = password_step(client, world.learner, world.password)
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert second_step(client, "totp", totp_code(device)).status_code == 302


def test_personal_data_names_devices_never_secrets(world, principal_totp):
    recovery_codes_generate(user=world.principal)
    data = personal_data(world.principal)
    assert data["second_factor"][0]["kind"] == "totp"
    assert data["second_factor"][0]["name"] == "Téléphone"
    assert data["recovery_codes_remaining"] == 10
    assert principal_totp.key not in json.dumps(data)


def test_models_say_whether_they_hold_personal_information():
    from accounts.models import PasskeyDevice

    for model in (PasskeyDevice, SecondFactorLock):
        assert "Personal information: yes" in model.__doc__


def test_static_devices_go_with_the_last_second_factor(world, principal_totp):
    from accounts.services import second_factor_device_remove

    recovery_codes_generate(user=world.principal)
    second_factor_device_remove(user=world.principal, device=principal_totp)
    assert not StaticDevice.objects.filter(user=world.principal).exists()
    assert AuditEvent.objects.filter(action="auth.device_removed", data={"kind": "totp"}).exists()


# --- Helping a person locked out: the command line ------------------------------------------


def test_unlock_and_reset_commands(world, principal_totp, no_throttle):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from accounts.models import PasskeyDevice
    from accounts.services import second_factor_verify

    recovery_codes_generate(user=world.principal)
    for _attempt in range(settings.SEXTO_SECOND_FACTOR_FAILURE_LIMIT):
        with pytest.raises(ApplicationError):
            second_factor_verify(request=None, user=world.principal, method="totp",
                                 value="000000", purpose="login")
    assert SecondFactorLock.objects.get(user=world.principal).locked_until is not None

    out = StringIO()
    call_command("second_factor", "unlock", world.principal.email, "--reason", "ticket 12",
                 stdout=out)
    assert "lock lifted" in out.getvalue()
    assert not SecondFactorLock.objects.filter(user=world.principal).exists()
    assert TOTPDevice.objects.filter(user=world.principal).exists()

    call_command("second_factor", "reset", world.principal.email.upper(), "--reason",
                 "lost phone, ticket 13", stdout=out)
    assert not TOTPDevice.objects.filter(user=world.principal).exists()
    assert not PasskeyDevice.objects.filter(user=world.principal).exists()
    assert not StaticDevice.objects.filter(user=world.principal).exists()
    event = AuditEvent.objects.get(action="auth.second_factor_reset")
    assert event.data["reason"] == "lost phone, ticket 13" and event.data["totp"] == 1
    with pytest.raises(CommandError):
        call_command("second_factor", "reset", "nobody@example.test", "--reason", "x")
