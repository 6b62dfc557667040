"""Settings that matter for security, read in a fresh process where the environment matters."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import config.settings

# Each test runs a process of its own with its own configuration: once, on SQLite.
pytestmark = pytest.mark.subprocess

SCRIPT = Path(sys.executable).parent / "sexto"


def sexto_shell(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "AUDIT_KEY", "AUDIT_KEY_FILE"}
    }
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(SCRIPT), "shell", "--no-imports", "-c", code], capture_output=True, text=True,
        env={**clean, **env}, timeout=120, check=False,
    )


def test_passwords_are_hashed_with_argon2():
    # Read from the module: tests may swap hashers in django.conf.settings for speed.
    assert config.settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_production_never_falls_back_to_the_development_key():
    result = sexto_shell("from django.conf import settings; print(settings.SECRET_KEY)",
                         {"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr
    assert "insecure" not in result.stdout


def test_audit_key_defaults_to_the_secret_key_and_can_be_set_apart(tmp_path):
    code = "from django.conf import settings; print(settings.AUDIT_KEY)"
    result = sexto_shell(code, {"DEBUG": "0", "SECRET_KEY": "k" * 60})
    assert result.stdout.strip() == "k" * 60, result.stderr
    key_file = tmp_path / "audit_key"
    key_file.write_text("audit-key-from-a-file\n", encoding="utf-8")
    result = sexto_shell(
        code, {"DEBUG": "0", "SECRET_KEY": "k" * 60, "AUDIT_KEY_FILE": str(key_file)}
    )
    assert result.stdout.strip() == "audit-key-from-a-file", result.stderr
