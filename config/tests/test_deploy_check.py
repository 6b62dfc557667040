"""`sexto check --deploy` under production settings (DEBUG=0), in a fresh process each time.

Settings are read once per process, so production settings can only be tested in a subprocess.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

# Each test runs a process of its own with its own configuration: once, on SQLite.
pytestmark = pytest.mark.subprocess

SCRIPT = Path(sys.executable).parent / "sexto"
PRODUCTION = {
    "DEBUG": "0",
    "SITE_URL": "https://sexto.example.org",
    "ALLOWED_HOSTS": "sexto.example.org",
    # Rate limits and lockouts shared by every server process (not contacted by the check).
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
# Variables of the developer's or CI's shell that would change what is being tested; the
# browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE in this process, which the deploy check
# rightly refuses.
_CLEARED = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "SITE_URL", "ALLOWED_HOSTS", "DATABASE_URL",
    "AUDIT_KEY", "AUDIT_KEY_FILE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SEXTO_SIGNING_KEYS", "SEXTO_SIGNING_KEYS_FILE", "SEXTO_CASE_KEYS", "SEXTO_CASE_KEYS_FILE",
    "REDIS_URL", "CACHE_URL", "SEXTO_TRUSTED_PROXIES",
}


def deploy_check(extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(extra_env)
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(SCRIPT), "check", "--deploy", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


@pytest.fixture
def secret_key() -> str:
    return secrets.token_urlsafe(64)


@pytest.fixture
def keys(signing_keyring) -> dict[str, str]:
    """A production deployment signs credentials and encrypts case files: its keys are part of
    the configuration."""
    return {"SEXTO_SIGNING_KEYS_FILE": os.environ["SEXTO_SIGNING_KEYS_FILE"],
            "SEXTO_CASE_KEYS": Fernet.generate_key().decode()}


def test_missing_secret_key_stops_start_up_with_a_clear_message():
    result = deploy_check(PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_short_secret_key_fails_the_deploy_check():
    result = deploy_check({**PRODUCTION, "SECRET_KEY": "too-short"}, "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_production_configuration_passes_the_deploy_check(secret_key, keys):
    result = deploy_check({**PRODUCTION, "SECRET_KEY": secret_key, **keys},
                          "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_a_cache_of_each_process_s_own_is_reported(secret_key, keys):
    production = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = deploy_check({**production, "SECRET_KEY": secret_key, **keys},
                          "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "core.W001" in result.stderr + result.stdout


def test_a_cache_url_that_is_not_redis_stops_start_up(secret_key, keys):
    result = deploy_check({**PRODUCTION, "SECRET_KEY": secret_key, **keys,
                           "REDIS_URL": "memcached://127.0.0.1:11211"})
    assert result.returncode != 0
    assert "REDIS_URL (or CACHE_URL) must be a redis://" in result.stderr


def test_missing_signing_keys_fail_the_check_loudly(secret_key):
    result = deploy_check({**PRODUCTION, "SECRET_KEY": secret_key})
    assert result.returncode != 0
    assert "credentials.E001" in result.stderr
    assert "No credential signing key is configured" in result.stderr


def test_malformed_signing_keys_fail_the_check(secret_key):
    result = deploy_check({**PRODUCTION, "SECRET_KEY": secret_key,
                           "SEXTO_SIGNING_KEYS": '{"keys": [{"type": "Ed25519"}]}'})
    assert result.returncode != 0
    assert "credentials.E002" in result.stderr and "malformed" in result.stderr


def test_missing_case_keys_fail_the_check_loudly(secret_key, keys):
    without = {k: v for k, v in keys.items() if k != "SEXTO_CASE_KEYS"}
    result = deploy_check({**PRODUCTION, "SECRET_KEY": secret_key, **without})
    assert result.returncode != 0
    assert "cases.E001" in result.stderr and "encrypt case files" in result.stderr


def test_malformed_case_keys_fail_the_check(secret_key, keys):
    result = deploy_check({**PRODUCTION, "SECRET_KEY": secret_key, **keys,
                           "SEXTO_CASE_KEYS": keys["SEXTO_CASE_KEYS"] + ",not-a-key"})
    assert result.returncode != 0
    assert "cases.E002" in result.stderr and "Key #2" in result.stderr


def test_secret_key_file_is_accepted(secret_key, keys, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secret_key + "\n", encoding="utf-8")
    result = deploy_check(
        {**PRODUCTION, "SECRET_KEY_FILE": str(key_file), **keys}, "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_disabling_https_redirect_is_reported(secret_key, keys):
    result = deploy_check(
        {**PRODUCTION, "SECRET_KEY": secret_key, "SECURE_SSL_REDIRECT": "0", **keys},
        "--fail-level", "WARNING",
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_debug_in_production_is_reported(secret_key, keys):
    result = deploy_check(
        {**PRODUCTION, "SECRET_KEY": secret_key, "DEBUG": "1", **keys}, "--fail-level", "WARNING"
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout
