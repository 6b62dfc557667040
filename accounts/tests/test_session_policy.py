"""accounts.middleware: idle and absolute limits for case-file readers, written sparingly."""

import html
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import translation

from accounts import mfa
from accounts.services import totp_device_create
from accounts.tests.test_second_factor import sign_in_with_totp
from audit.models import AuditEvent


def _age(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


@pytest.fixture
def principal_signed_in(client, world):
    device, _secret = totp_device_create(user=world.principal, name="Téléphone")
    sign_in_with_totp(client, world.principal, world.password, device)
    return client


def test_idle_session_ends_with_a_message(principal_signed_in, world, settings):
    client = principal_signed_in
    profile = reverse("accounts:profile")
    assert client.get(profile).status_code == 200
    _age(client, **{mfa.SEEN_AT_KEY: settings.SEXTO_IDLE_TIMEOUT_SECONDS + 1})
    response = client.get(profile)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=%2Ffr%2Fcompte%2F"
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.session_expired")
    assert event.actor == world.principal and event.data == {"reason": "idle"}
    body = html.unescape(client.get(response["Location"]).content.decode())
    assert "Votre session s'est fermée après 15 minutes sans activité" in body
    # Said once.
    body = html.unescape(client.get(reverse("accounts:login")).content.decode())
    assert "sans activité" not in body


def test_active_session_goes_on(principal_signed_in, settings):
    client = principal_signed_in
    _age(client, **{mfa.SEEN_AT_KEY: settings.SEXTO_IDLE_TIMEOUT_SECONDS - 60})
    assert client.get(reverse("accounts:profile")).status_code == 200
    # The visit counted: the idle clock starts again.
    assert time.time() - client.session[mfa.SEEN_AT_KEY] < 5


def test_absolute_limit(principal_signed_in, settings):
    client = principal_signed_in
    _age(client, **{mfa.SIGNED_IN_AT_KEY: settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS + 1,
                    mfa.SEEN_AT_KEY: 1})
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="auth.session_expired").data == {"reason": "absolute"}
    body = html.unescape(client.get(response["Location"]).content.decode())
    assert "elle dure au plus 8 heures" in body


def test_expiry_message_in_english(principal_signed_in, settings):
    client = principal_signed_in
    _age(client, **{mfa.SEEN_AT_KEY: settings.SEXTO_IDLE_TIMEOUT_SECONDS + 1})
    with translation.override("en"):
        url = reverse("accounts:profile")
    response = client.get(url)
    assert response["Location"].startswith("/en/account/sign-in/")
    body = html.unescape(client.get(response["Location"]).content.decode())
    assert "after 15 minutes without activity" in body


def test_case_role_holders_expire_even_without_a_verified_session(client, world, settings):
    client.force_login(world.principal)
    client.get(reverse("accounts:profile"))  # the policy starts counting
    _age(client, **{mfa.SEEN_AT_KEY: settings.SEXTO_IDLE_TIMEOUT_SECONDS + 1})
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_other_sessions_do_not_expire_when_idle(client, world, settings):
    client.force_login(world.learner)
    client.get(reverse("accounts:profile"))
    _age(client, **{mfa.SEEN_AT_KEY: settings.SEXTO_IDLE_TIMEOUT_SECONDS * 3,
                    mfa.SIGNED_IN_AT_KEY: settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS - 10})
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert not AuditEvent.objects.filter(action="auth.session_expired").exists()


def test_a_role_granted_mid_session_applies(client, world, settings):
    from accounts.models import Membership, Role

    client.force_login(world.learner)
    client.get(reverse("accounts:profile"))
    Membership.objects.create(user=world.learner, role=Role.INTERVENER,
                              organisation=world.school)
    _age(client, **{mfa.SEEN_AT_KEY: mfa.SEEN_REFRESH_SECONDS + 1})
    client.get(reverse("accounts:profile"))  # the refresh notices the role
    _age(client, **{mfa.SEEN_AT_KEY: settings.SEXTO_IDLE_TIMEOUT_SECONDS + 1})
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_htmx_request_on_an_expired_session_gets_hx_redirect(principal_signed_in, settings):
    client = principal_signed_in
    _age(client, **{mfa.SEEN_AT_KEY: settings.SEXTO_IDLE_TIMEOUT_SECONDS + 1})
    response = client.post("/fr/formation/quelque-chose/etape/", headers={
        "HX-Request": "true", "HX-Current-URL": "http://testserver/fr/compte/?onglet=2"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == (
        reverse("accounts:login") + "?next=%2Ffr%2Fcompte%2F%3Fonglet%3D2")


def test_the_session_is_not_written_when_nothing_changed(principal_signed_in, monkeypatch):
    client = principal_signed_in
    client.get(reverse("accounts:profile"))
    saves = []
    original = SessionStore.save

    def counting_save(self, *args, **kwargs):
        saves.append(self.session_key)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SessionStore, "save", counting_save)
    client.get(reverse("accounts:profile"))
    client.get(reverse("accounts:profile"))
    assert saves == []
    _age(client, **{mfa.SEEN_AT_KEY: mfa.SEEN_REFRESH_SECONDS + 1})
    saves.clear()
    client.get(reverse("accounts:profile"))
    assert len(saves) == 1  # the last-seen time, refreshed


def test_sessions_from_before_the_policy_start_counting_now(client, world):
    client.force_login(world.principal)
    session = client.session
    for key in (mfa.SIGNED_IN_AT_KEY, mfa.SEEN_AT_KEY):
        session.pop(key, None)
    session.save()
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert time.time() - client.session[mfa.SIGNED_IN_AT_KEY] < 5
