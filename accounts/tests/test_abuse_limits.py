"""Abuse limits behind the README's reverse proxy (issue 10): rate limits and lockout count
the client's address (core/client_ip.py), never the proxy's, and ignore an X-Forwarded-For
written by a client the settings do not trust. Each test runs on the local-memory cache and on
the machine's real Redis (the `shared_cache` fixture); the clock is moved, never waited for.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.services import password_changed
from core import ratelimit

pytestmark = pytest.mark.usefixtures("shared_cache")

PROXY = "127.0.0.1"  # every request reaches the application from the proxy
NOW = 1_800_000_000.0  # a fixed "now": windows of an hour start on the hour


@pytest.fixture
def clock(monkeypatch):
    """The limits' clock, moved by the test."""
    now = {"t": NOW + 60}
    monkeypatch.setattr(ratelimit, "clock", lambda: now["t"])
    return now


@pytest.fixture
def behind_proxy(settings):
    settings.SEXTO_TRUSTED_PROXIES = 1


def limits(settings, **rules):
    settings.SEXTO_RATE_LIMITS = {**settings.SEXTO_RATE_LIMITS, **rules}


def via_proxy(address: str, forged: str = "") -> dict:
    """What the proxy passes on for a client at `address` (who may have written a header)."""
    header = f"{forged}, {address}" if forged else address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": header}


def signup_form(world, email):
    return {"full_name": "Karine Fictive", "email": email,
            "password1": "une-longue-phrase-secrete-7", "password2": "une-longue-phrase-secrete-7",
            "preferred_language": "fr", "school": ""}


def login(client, email, password, **extra):
    return client.post(reverse("accounts:login"), {"username": email, "password": password},
                       **extra)


# --- Rate limits ------------------------------------------------------------------------------


def test_sign_up_is_limited_per_client_behind_the_proxy(client, world, behind_proxy, clock,
                                                        settings):
    limits(settings, signup=(3, 3600))
    url = reverse("accounts:signup")
    for n in range(3):
        response = client.post(url, signup_form(world, f"k{n}@example.test"),
                               **via_proxy("203.0.113.7"))
        assert response.status_code == 302
    # The fourth from that client is refused, whatever it writes in front of its address...
    for forged in ("", "198.51.100.99", "192.0.2.1, 192.0.2.2"):
        response = client.post(url, signup_form(world, "k9@example.test"),
                               **via_proxy("203.0.113.7", forged))
        assert response.status_code == 429
    # ...while another client behind the same proxy signs up.
    response = Client().post(url, signup_form(world, "other@example.test"),
                             **via_proxy("198.51.100.20"))
    assert response.status_code == 302
    assert not User.objects.filter(email="k9@example.test").exists()


def test_a_forged_header_from_a_client_that_is_not_a_trusted_proxy_is_ignored(
        client, world, clock, settings):
    settings.SEXTO_TRUSTED_PROXIES = 0  # the application faces clients directly
    limits(settings, signup=(2, 3600))
    url = reverse("accounts:signup")
    statuses = [client.post(url, signup_form(world, f"f{n}@example.test"),
                            REMOTE_ADDR="203.0.113.7",
                            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
                for n in range(4)]
    assert statuses == [302, 302, 429, 429]


def test_the_refusal_is_a_translated_429_with_retry_after_and_lifts_with_the_window(
        client, world, clock, settings):
    limits(settings, signup=(1, 3600))
    url = reverse("accounts:signup")
    client.post(url, signup_form(world, "a@example.test"))
    response = client.post(url, signup_form(world, "b@example.test"))
    assert response.status_code == 429
    # The window of an hour started at NOW; the clock stands a minute into it.
    assert response["Retry-After"] == "3540"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert '<html lang="fr">' in body and body.count("<h1") == 1
    assert "Trop de demandes en peu de temps" in body
    assert "Réessayez dans 59\xa0minutes." in body
    assert "Code d'erreur : 429" in body
    with translation.override("en"):
        english = reverse("accounts:signup")
    response = client.post(english, signup_form(world, "c@example.test"))
    assert response.status_code == 429
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Too many requests in a short time" in body
    assert "Try again in 59\xa0minutes." in body
    # The next window opens: the form is taken again.
    clock["t"] = NOW + 3600
    assert client.post(url, signup_form(world, "d@example.test")).status_code == 302


def test_password_reset_is_limited_per_address_typed_from_any_client(
        world, behind_proxy, clock, settings, mailoutbox):
    limits(settings, password_reset_email=(2, 3600))
    url = reverse("accounts:password_reset")
    statuses = [Client().post(url, {"email": world.learner.email},
                              **via_proxy(f"198.51.100.{n}")).status_code for n in range(4)]
    assert statuses == [302, 302, 429, 429]
    assert len(mailoutbox) == 2


def test_password_reset_is_limited_per_client(world, client, behind_proxy, clock, settings):
    limits(settings, password_reset=(2, 3600))
    url = reverse("accounts:password_reset")
    statuses = [client.post(url, {"email": f"p{n}@example.test"},
                            **via_proxy("203.0.113.7")).status_code for n in range(3)]
    assert statuses == [302, 302, 429]


def test_email_verification_is_limited(client, world, clock, settings):
    limits(settings, email_verification=(2, 3600))
    url = reverse("accounts:verify_email", args=["pas-un-jeton"])
    assert [client.post(url).status_code for _ in range(3)] == [400, 400, 429]
    client.force_login(world.learner)
    assert client.post(reverse("accounts:verify_email_resend")).status_code == 429


def test_sign_in_is_limited_per_client_right_or_wrong(client, world, behind_proxy, clock,
                                                      settings):
    limits(settings, login=(3, 600))
    statuses = [login(Client(), world.learner.email, world.password,
                      **via_proxy("203.0.113.7")).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert login(client, world.learner.email, world.password,
                 **via_proxy("198.51.100.20")).status_code == 302


# --- Lockout ----------------------------------------------------------------------------------


def test_failures_lock_the_attacker_behind_the_proxy_not_the_person(world, behind_proxy, clock,
                                                                    settings):
    """Issue 10: behind the proxy, five wrong passwords locked an account for everyone."""
    attacker, person = Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, world.learner.email, "pas-le-mot-de-passe", **via_proxy("203.0.113.66"))
    # The attacker's address is locked on that account, even with a forged header...
    response = login(attacker, world.learner.email, world.password,
                     **via_proxy("203.0.113.66", forged="198.51.100.20"))
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    # ...and the person, from their own address behind the same proxy, signs in.
    response = login(person, world.learner.email, world.password, **via_proxy("198.51.100.20"))
    assert response.status_code == 302
    assert person.session["_auth_user_id"] == str(world.learner.pk)


def test_rotating_a_forged_header_does_not_escape_the_lock_of_a_direct_client(
        client, world, clock, settings):
    settings.SEXTO_TRUSTED_PROXIES = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, world.learner.email, "faux", REMOTE_ADDR="203.0.113.66",
              HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = login(client, world.learner.email, world.password, REMOTE_ADDR="203.0.113.66",
                     HTTP_X_FORWARDED_FOR="198.51.100.250")
    assert response.status_code == 429


def test_one_address_failing_on_many_accounts_is_locked(world, behind_proxy, clock, settings):
    limits(settings, login_failures_address=(4, 3600))
    attacker = Client()
    for email in ("a@example.test", "b@example.test", "c@example.test", "d@example.test"):
        login(attacker, email, "faux", **via_proxy("203.0.113.66"))
    # Locked on every account now, the learner's included, though it never failed there...
    response = login(attacker, world.learner.email, world.password, **via_proxy("203.0.113.66"))
    assert response.status_code == 429
    # ...until the end of the hour's window, which the page and Retry-After say.
    assert response["Retry-After"] == "3540"
    body = response.content.decode()
    assert "après 4 tentatives infructueuses" in body and "59\xa0minutes" in body
    # ...not the person at another address.
    assert login(Client(), world.learner.email, world.password,
                 **via_proxy("198.51.100.20")).status_code == 302
    # The lock ends with its window.
    clock["t"] = NOW + 3600
    assert login(attacker, world.learner.email, world.password,
                 **via_proxy("203.0.113.66")).status_code == 302


def test_an_account_is_locked_only_by_failures_spread_over_many_addresses_and_its_owner_told(
        world, behind_proxy, clock, settings, mailoutbox):
    limits(settings, login_failures_account=(6, 86400))
    world.learner.preferred_language = "en"
    world.learner.save()
    # Two failures from each of three addresses: below every per-address limit.
    for n in range(3):
        for _ in range(2):
            login(Client(), world.learner.email, "faux", **via_proxy(f"203.0.113.{n}"))
    response = login(Client(), world.learner.email, world.password, **via_proxy("198.51.100.20"))
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.SEXTO_ACCOUNT_LOCKOUT_SECONDS)
    assert "Réinitialiser le mot de passe du compte lève ce blocage" in response.content.decode()
    # The owner is told once, in their language, how to get back in.
    [email] = mailoutbox
    assert email.to == [world.learner.email]
    assert email.subject == "Sign-in to your Sexto account blocked"
    assert "/en/account/password/forgotten/" in email.body
    assert "resetting your password lifts the block" in email.body
    login(Client(), world.learner.email, "faux", **via_proxy("203.0.113.9"))
    assert len(mailoutbox) == 1
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="auth.account_locked",
                                     target_id=str(world.learner.pk)).count() == 1
    # Resetting the password (the emailed way back) lifts the lock.
    password_changed(user=world.learner, via="reset")
    assert login(Client(), world.learner.email, world.password,
                 **via_proxy("198.51.100.20")).status_code == 302


def test_one_patient_address_never_locks_the_account(world, behind_proxy, clock, settings):
    from axes.utils import reset

    limits(settings, login_failures_account=(6, 86400))
    attacker = Client()
    for _hour in range(3):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(attacker, world.learner.email, "faux", **via_proxy("203.0.113.66"))
        reset()  # django-axes's hour has passed: the pair may try again
    # Fifteen failures from one address, six needed to lock the account: still open.
    assert login(Client(), world.learner.email, world.password,
                 **via_proxy("198.51.100.20")).status_code == 302


def test_below_the_spread_out_count_the_account_stays_open(world, behind_proxy, clock, settings):
    limits(settings, login_failures_account=(6, 86400))
    for n in range(5):
        login(Client(), world.learner.email, "faux", **via_proxy(f"203.0.113.{n}"))
    assert login(Client(), world.learner.email, world.password,
                 **via_proxy("198.51.100.20")).status_code == 302


# --- The audit log ----------------------------------------------------------------------------


def test_the_audit_log_records_the_client_behind_the_proxy(client, world, behind_proxy):
    from audit.models import AuditEvent

    login(client, world.learner.email, "faux", **via_proxy("203.0.113.66", forged="10.9.9.9"))
    login(client, world.learner.email, world.password, **via_proxy("198.51.100.20"))
    assert AuditEvent.objects.get(action="auth.login_failed").ip_address == "203.0.113.66"
    assert AuditEvent.objects.get(action="auth.login").ip_address == "198.51.100.20"


def test_no_key_in_the_cache_holds_an_email_or_an_address(world, clock, settings):
    from django.core.cache import cache

    login(Client(), world.learner.email, "faux", REMOTE_ADDR="203.0.113.66")
    key = ratelimit.cache_key("login_failures_account", world.learner.email, 0)
    assert not re.search(r"@|203\.0\.113", key)
    assert cache.get(ratelimit.cache_key(
        "login_failures_address", "203.0.113.66",
        int(NOW + 60) // 3600 * 3600)) == 1

