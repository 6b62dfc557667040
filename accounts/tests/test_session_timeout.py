"""The session warning's server side: what pages tell the script, the status it asks for, and
"Rester connecté" (accounts/session_views.py, accounts/templatetags/session_timeout.py)."""

import html
import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import mfa
from audit.models import AuditEvent
from conftest import login_verified


def _age(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def _dialog_data(body: str) -> dict[str, str]:
    dialog = re.search(r'<dialog id="session-timeout"[^>]*>', body, re.S)
    assert dialog, "no session warning on the page"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', dialog.group(0)))


@pytest.fixture
def principal(world):
    return login_verified(Client(), world.principal)


def test_a_page_of_a_limited_session_says_when_it_ends(principal, settings):
    _age(principal, **{mfa.SEEN_AT_KEY: 10, mfa.SIGNED_IN_AT_KEY: 3600})
    body = principal.get(reverse("accounts:profile")).content.decode()
    data = _dialog_data(body)
    # Counted from the last request the server counted (10 s ago: within SEEN_REFRESH_SECONDS,
    # so this one did not move it); a slow machine takes a few seconds more.
    idle_limit = settings.SEXTO_IDLE_TIMEOUT_SECONDS
    assert idle_limit - 30 <= int(data["idle-seconds"]) <= idle_limit - 10
    absolute = int(data["absolute-seconds"])
    assert -30 <= absolute - (settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS - 3600) <= 0
    assert data["idle-warning-seconds"] == "120"
    assert data["status-url"] == reverse("accounts:session_status")
    assert 'src="/static/js/session-timeout.js"' in body
    text = html.unescape(body)
    assert "Rester connecté" in text
    assert "ne peut pas être prolongée" in text
    # The dialog is closed: without JavaScript nobody sees it.
    assert re.search(r'<dialog id="session-timeout"[^>]*\bopen\b', body) is None


def test_pages_without_an_idle_limit_have_no_warning(client, world):
    assert 'id="session-timeout"' not in client.get(reverse("accounts:login")).content.decode()
    client.force_login(world.learner)  # no case role, no second factor: no idle limit
    assert 'id="session-timeout"' not in client.get(reverse("accounts:profile")).content.decode()


def test_the_warning_in_english(principal):
    with translation.override("en"):
        url = reverse("accounts:profile")
    body = principal.get(url).content.decode()
    data = _dialog_data(body)
    with translation.override("en"):
        assert data["status-url"] == reverse("accounts:session_status")
    assert data["status-url"].startswith("/en/")


def test_status_gives_numbers_and_does_not_count_as_activity(principal, settings):
    _age(principal, **{mfa.SEEN_AT_KEY: 600, mfa.SIGNED_IN_AT_KEY: 3600})
    seen_at = principal.session[mfa.SEEN_AT_KEY]
    response = principal.get(reverse("accounts:session_status"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    state = response.json()
    assert state["signed_in"] and state["limited"] and not state["ended"]
    assert -30 <= state["idle_seconds"] - (settings.SEXTO_IDLE_TIMEOUT_SECONDS - 600) <= 0
    assert -30 <= state["absolute_seconds"] - (settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS - 3600) <= 0
    assert re.fullmatch(r"\d\d:\d\d", state["absolute_end"])  # a time of day, "H:i" in French
    assert principal.session[mfa.SEEN_AT_KEY] == seen_at


def test_status_after_the_limit_says_ended_without_ending_it(principal, settings):
    _age(principal, **{mfa.SEEN_AT_KEY: settings.SEXTO_IDLE_TIMEOUT_SECONDS + 5})
    state = principal.get(reverse("accounts:session_status")).json()
    assert state["ended"] and state["idle_seconds"] == 0
    assert not AuditEvent.objects.filter(action="auth.session_expired").exists()
    # The next real request ends it (and a form sent then is kept: accounts.typed_work).
    assert principal.get(reverse("accounts:profile")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.session_expired").exists()


def test_status_of_an_anonymous_visitor(client):
    assert client.get(reverse("accounts:session_status")).json() == {
        "signed_in": False, "limited": False}


def test_keep_alive_starts_the_idle_clock_again_but_not_the_absolute_one(principal, settings):
    _age(principal, **{mfa.SEEN_AT_KEY: settings.SEXTO_IDLE_TIMEOUT_SECONDS - 60,
                       mfa.SIGNED_IN_AT_KEY: 7200})
    signed_in_at = principal.session[mfa.SIGNED_IN_AT_KEY]
    response = principal.post(reverse("accounts:session_keep_alive"),
                              headers={"Accept": "application/json"})
    assert response.status_code == 200
    state = response.json()
    assert state["idle_seconds"] >= settings.SEXTO_IDLE_TIMEOUT_SECONDS - 2
    assert -30 <= state["absolute_seconds"] - (settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS - 7200) <= 0
    assert time.time() - principal.session[mfa.SEEN_AT_KEY] < 5
    assert principal.session[mfa.SIGNED_IN_AT_KEY] == signed_in_at
    # Not audited (see accounts/session_views.py).
    assert not AuditEvent.objects.filter(actor_ref=str(principal.session["_auth_user_id"]),
                                         action__startswith="auth.session").exists()


def test_keep_alive_cannot_revive_an_ended_session(principal, settings):
    _age(principal, **{mfa.SEEN_AT_KEY: settings.SEXTO_IDLE_TIMEOUT_SECONDS + 1})
    response = principal.post(reverse("accounts:session_keep_alive"),
                              headers={"Accept": "application/json"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in principal.session


def test_keep_alive_cannot_push_back_the_absolute_limit(principal, settings):
    _age(principal, **{mfa.SIGNED_IN_AT_KEY: settings.SEXTO_ABSOLUTE_TIMEOUT_SECONDS + 1,
                       mfa.SEEN_AT_KEY: 1})
    response = principal.post(reverse("accounts:session_keep_alive"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_keep_alive_is_protected_against_csrf(world):
    client = login_verified(Client(enforce_csrf_checks=True), world.principal)
    seen_at = client.session[mfa.SEEN_AT_KEY]
    response = client.post(reverse("accounts:session_keep_alive"))
    assert response.status_code == 403
    assert client.session[mfa.SEEN_AT_KEY] == seen_at
    assert client.get(reverse("accounts:session_keep_alive")).status_code == 405


def test_keep_alive_without_the_script_goes_back_to_the_page(principal):
    next_url = reverse("accounts:security")
    response = principal.post(reverse("accounts:session_keep_alive"), {"next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    response = principal.post(reverse("accounts:session_keep_alive"),
                              {"next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("accounts:profile")
