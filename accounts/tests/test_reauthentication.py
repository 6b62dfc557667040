"""Re-authentication (password and second factor again), and what needs it: removing or adding
a second factor, new recovery codes. Also the quick-hide control and its neutral page."""

import html
import re
import time

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import PasskeyDevice
from accounts.services import recovery_codes_generate, totp_device_create
from accounts.tests.test_second_factor import sign_in_with_totp, totp_code
from audit.models import AuditEvent


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def device(world):
    device, _secret = totp_device_create(user=world.principal, name="Téléphone")
    return device


@pytest.fixture
def signed_in(client, world, device):
    sign_in_with_totp(client, world.principal, world.password, device)
    return client


def _forget_reauth(client):
    session = client.session
    session[mfa.REAUTH_AT_KEY] = time.time() - 3600
    session.save()


def _reauthenticate(client, world, device, next_url, *, steps_ahead=1):
    url = mfa.reauth_url(next_url)
    assert client.get(url).status_code == 200
    response = client.post(url, {"password": world.password, "next": next_url})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    page = text(client.get(response["Location"]))
    assert "Votre mot de passe est confirmé" in page
    return client.post(reverse("accounts:second_factor"), {
        "method": "totp", "otp_token": totp_code(device, steps_ahead=steps_ahead),
        "next": next_url,
    })


def test_signing_in_with_a_second_factor_counts_as_recent(signed_in, rf):
    assert time.time() - signed_in.session[mfa.REAUTH_AT_KEY] < 5


def test_reauthentication_password_then_second_factor(signed_in, world, device):
    client = signed_in
    _forget_reauth(client)
    next_url = "/fr/dossiers/42/nom/"
    # A wrong password: said next to the field, counted by django-axes, audited.
    response = client.post(mfa.reauth_url(next_url), {"password": "nope", "next": next_url})
    assert response.status_code == 200
    body = text(response)
    assert "Ce mot de passe n'est pas le bon" in body
    assert 'aria-invalid="true"' in re.search(r'<input[^>]*name="password"[^>]*>',
                                              response.content.decode()).group(0)
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 1

    old_session_key = client.session.session_key
    response = _reauthenticate(client, world, device, next_url)
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert client.session.session_key != old_session_key
    assert time.time() - client.session[mfa.REAUTH_AT_KEY] < 5
    event = AuditEvent.objects.get(action="auth.reauthenticated")
    assert event.actor == world.principal
    assert AuditEvent.objects.filter(action="auth.second_factor_verified",
                                     data={"method": "totp", "purpose": "reauth"}).exists()


def test_reauthentication_refuses_an_outside_next(signed_in, world, device):
    response = _reauthenticate(signed_in, world, device, "https://elsewhere.example/")
    assert response["Location"] == reverse("accounts:profile")


def test_reauthentication_with_a_wrong_second_factor(signed_in, world, device):
    client = signed_in
    _forget_reauth(client)
    client.post(mfa.reauth_url("/fr/"), {"password": world.password, "next": "/fr/"})
    response = client.post(reverse("accounts:second_factor"),
                           {"method": "totp", "otp_token": "000000", "next": "/fr/"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="auth.second_factor_failed",
                                     data__purpose="reauth").count() == 1
    assert not AuditEvent.objects.filter(action="auth.reauthenticated").exists()


def test_reauthentication_without_a_second_factor(client, world):
    client.force_login(world.learner)
    response = client.post(mfa.reauth_url("/fr/compte/"), {"password": world.password,
                                                           "next": "/fr/compte/"})
    assert response["Location"] == "/fr/compte/"
    assert AuditEvent.objects.get(action="auth.reauthenticated").data == {"method": "password"}


def test_reauthentication_page_in_english(signed_in):
    from django.utils import translation

    with translation.override("en"):
        url = reverse("accounts:reauthenticate")
    assert url == "/en/account/confirm-identity/"
    body = text(signed_in.get(url))
    assert "Confirm your identity" in body


def test_removing_a_device_needs_reauthentication(signed_in, world, device):
    client = signed_in
    _forget_reauth(client)
    remove_url = reverse("accounts:device_remove", args=["totp", device.pk])
    response = client.get(remove_url)
    assert response.status_code == 302
    assert response["Location"] == mfa.reauth_url(remove_url)
    assert client.post(remove_url)["Location"] == mfa.reauth_url(remove_url)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    response = _reauthenticate(client, world, device, remove_url)
    assert response["Location"] == remove_url
    page = text(client.get(remove_url))
    assert "Retirer « Téléphone » ?" in page
    assert "C'est votre dernier second facteur" in page
    response = client.post(remove_url)
    assert response["Location"] == reverse("accounts:security")
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(action="auth.device_removed").count() == 1
    assert not StaticDevice.objects.filter(user=world.principal).exists()


def test_removing_the_device_that_verified_the_session_keeps_it_verified(
        signed_in, world, device):
    client = signed_in
    other, _secret = totp_device_create(user=world.principal, name="Tablette")
    client.post(reverse("accounts:device_remove", args=["totp", device.pk]))
    assert client.session[DEVICE_ID_SESSION_KEY] == other.persistent_id


def test_nobody_removes_someone_else_s_device(signed_in, world):
    theirs, _secret = totp_device_create(user=world.police, name="Le sien")
    url = reverse("accounts:device_remove", args=["totp", theirs.pk])
    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url).status_code == 404
    assert signed_in.get(reverse("accounts:device_remove",
                                 args=["other", theirs.pk])).status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_adding_another_device_needs_a_verified_session_and_reauthentication(
        client, world, device):
    client.force_login(world.principal)  # password only, as from an older session
    add = reverse("accounts:totp_add")
    response = client.get(add)
    assert response["Location"] == mfa.second_factor_url(add)
    client.post(reverse("accounts:second_factor"),
                {"method": "totp", "otp_token": totp_code(device), "next": add})
    _forget_reauth(client)
    assert client.get(add)["Location"] == mfa.reauth_url(add)
    assert client.get(reverse("accounts:passkey_add"))["Location"] == mfa.reauth_url(
        reverse("accounts:passkey_add"))
    assert client.post(reverse("accounts:passkey_register_options")).status_code == 403
    _reauthenticate(client, world, device, add)
    assert client.get(add).status_code == 200


def test_new_recovery_codes_need_reauthentication(signed_in, world, device):
    client = signed_in
    url = reverse("accounts:recovery_codes")
    _forget_reauth(client)
    assert client.post(url)["Location"] == mfa.reauth_url(url)
    _reauthenticate(client, world, device, url)
    response = client.post(url)
    assert response["Location"] == url
    codes = re.findall(r'<code translate="no">([a-z2-7]{8})</code>',
                       client.get(url).content.decode())
    assert len(codes) == 10
    assert AuditEvent.objects.filter(action="auth.recovery_codes_generated").count() == 1


def test_security_page_lists_devices(signed_in, world, device):
    recovery_codes_generate(user=world.principal)
    PasskeyDevice.objects.create(user=world.principal, name="Ordinateur du bureau",
                                 credential_id="abc", public_key=b"key")
    body = text(signed_in.get(reverse("accounts:security")))
    assert "Téléphone" in body and "Ordinateur du bureau" in body
    assert reverse("accounts:device_remove", args=["totp", device.pk]) in body
    assert "Il vous reste 10 codes de secours" in body


def test_quick_hide_only_in_verified_sessions(client, world, device):
    client.force_login(world.learner)
    assert "data-quick-hide" not in client.get(reverse("accounts:profile")).content.decode()
    client.logout()
    sign_in_with_totp(client, world.principal, world.password, device)
    body = client.get(reverse("accounts:profile")).content.decode()
    control = re.search(r'<form class="quick-hide".*?</form>', body, re.S).group(0)
    assert 'action="/fr/compte/pause/"' in control
    button = re.search(r"<button[^>]*>", control).group(0)
    assert 'type="submit"' in button and "aria-label=" in button
    assert "Échap deux fois" in html.unescape(button)


def test_neutral_page(client, world):
    response = client.get(reverse("accounts:quick_hide"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Pause</title>" in body
    assert "Sexto" not in body and "site-header" not in body and "<script" not in body
