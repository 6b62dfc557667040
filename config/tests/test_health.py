"""`/healthz` (config/health.py): 200 when the database, the cache and every key answer, 503
naming the failing check otherwise; no personal data, no session, no audit entry."""

import ast

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from audit.models import AuditEvent
from config.tests.test_settings import sexto_shell

pytestmark = pytest.mark.django_db
CHECKS = {"database", "cache", "signing_keys", "case_keys", "audit_key"}


@pytest.fixture(autouse=True)
def _keyring(signing_keyring):
    return signing_keyring


def test_all_well_is_200_with_every_check_named(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}
    assert "no-store" in response["Cache-Control"]


def test_a_probe_leaves_no_session_cookie_and_no_audit_entry(client):
    before = AuditEvent.objects.count()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies
    assert AuditEvent.objects.count() == before


@pytest.mark.usefixtures("shared_cache")
def test_a_flood_from_one_address_is_refused_and_a_probe_elsewhere_still_answers(settings):
    settings.SEXTO_TRUSTED_PROXIES = 1
    settings.SEXTO_RATE_LIMITS = {**settings.SEXTO_RATE_LIMITS, "healthz": (3, 60)}
    flood = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    statuses = [Client().get("/healthz", **flood).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = Client().head("/healthz", **flood)
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    probe = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert Client().get("/healthz", **probe).status_code == 200


def test_head_works_and_a_post_is_refused(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("check, broken", [
    ("signing_keys", {"SEXTO_SIGNING_KEYS": "", "SEXTO_SIGNING_KEYS_FILE": "/nonexistent/k.json"}),
    ("case_keys", {"SEXTO_CASE_KEYS": ["not-a-fernet-key"]}),
    ("audit_key", {"AUDIT_KEY": ""}),
    # A cache that keeps nothing (what a misconfigured or unreachable cache amounts to).
    ("cache", {"CACHES": {"default": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"}}}),
])
def test_a_failing_part_is_503_naming_it_and_nothing_else(client, settings, check, broken,
                                                          caplog):
    for name, value in broken.items():
        setattr(settings, name, value)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "checks": {
        **dict.fromkeys(CHECKS, "ok"), check: "failing"}}
    # The reason is in the server's log, on one line, not in the answer.
    assert [r.getMessage().split(":")[1].strip() for r in caplog.records
            if r.name == "config.health"] == [f"{check} failing"]


def test_the_case_keys_check_uses_the_configured_keys(client, settings):
    settings.SEXTO_CASE_KEYS = [Fernet.generate_key().decode()]
    assert client.get("/healthz").status_code == 200


@pytest.mark.subprocess
def test_production_settings_exempt_only_healthz_from_the_https_redirect(client, settings):
    result = sexto_shell(
        "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, "
        "settings.SECURE_REDIRECT_EXEMPT)", {"DEBUG": "0", "SECRET_KEY": "k" * 60})
    redirect, exempt = result.stdout.strip().split(" ", 1)
    assert redirect == "True", result.stderr
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = ast.literal_eval(exempt)
    assert client.get("/healthz").status_code == 200
    home = client.get("/fr/")
    assert home.status_code == 301 and home["Location"].startswith("https://")
