"""The README's commands, as it writes them, in a newcomer's shell after `sexto demo`: no variable
set, a var/ folder of their own (SEXTO_VAR_DIR), the `sexto` script that `uv run sexto` starts.
Each works (exit 0, no traceback) on the demo's configuration and says so in one line on
standard error.

Each command is looked up in README.md first, so that the README and this test say the same.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SEXTO = Path(sys.executable).parent / "sexto"
DEMO_LINE = "sexto: no configuration given: using the demo's (DEBUG=1, "
CONFIGURATION = {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "EMAIL_BACKEND",
                 "AUDIT_KEY", "AUDIT_KEY_FILE", "SEXTO_SIGNING_KEYS", "SEXTO_SIGNING_KEYS_FILE",
                 "SEXTO_CASE_KEYS", "SEXTO_CASE_KEYS_FILE", "DJANGO_SETTINGS_MODULE",
                 "SITE_URL", "ALLOWED_HOSTS"}


def _in_readme(line: str) -> None:
    assert line in README, f"the README no longer shows {line!r}: keep this test in step"


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory):
    """A shell with none of the configuration, after `uv run sexto demo --no-serve`."""
    var_dir = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items() if k not in CONFIGURATION}
    env["SEXTO_VAR_DIR"] = str(var_dir)
    _in_readme("`uv run sexto demo --no-serve`")
    demo = _run(env, "demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    return env, var_dir


def _run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(SEXTO), *args], capture_output=True, text=True, env=env, timeout=300,
        check=False)


def _works_on_the_demo(result: subprocess.CompletedProcess, *, says: str = "") -> str:
    """Exit 0, no traceback, the demo's line first on stderr, then only what the command says
    there itself (`says`: `awards export -o` tells where it wrote, stdout being the document's
    place when there is no -o)."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    first, *rest = result.stderr.splitlines()
    assert first.startswith(DEMO_LINE)
    assert rest == ([says] if says else [])
    return result.stdout


def test_the_readme_commands_work_as_written_after_the_demo(newcomer):
    env, var_dir = newcomer

    _in_readme("(`uv run sexto help` lists Sexto's own")
    listing = _works_on_the_demo(_run(env, "help"))
    assert "Sexto's commands:" in listing
    assert all(f"\n  {name} " in listing for name in ("audit", "awards", "verify", "demo"))
    assert "makemigrations" not in listing  # Django's own are named on request only

    _in_readme("uv run sexto awards list [--json]")
    awards = _works_on_the_demo(_run(env, "awards", "list")).splitlines()
    award_id = awards[0].split("\t")[0]

    _in_readme("uv run sexto awards export AWARD_ID --format ob3|ob3-jwt|ob2|png|svg|ob2-png|pdf"
               " [--lang en] [-o FILE]")
    document = var_dir / "award.json"
    _works_on_the_demo(_run(env, "awards", "export", award_id, "--format", "ob3",
                            "-o", str(document)),
                       says=f"ob3 of award {award_id} written to {document}")
    _in_readme("uv run sexto verify FILE_OR_URL [--json] [--lang fr|en]")
    assert "Badge valide" in _works_on_the_demo(_run(env, "verify", str(document)))

    _in_readme("uv run sexto keys list")
    assert _works_on_the_demo(_run(env, "keys", "list")).startswith("Issuer: did:web:")

    _in_readme("```sh\nuv run sexto audit verify\n```")
    assert "Audit chain intact" in _works_on_the_demo(_run(env, "audit", "verify"))
    _in_readme("uv run sexto audit checkpoint")
    checkpoint = _works_on_the_demo(_run(env, "audit", "checkpoint")).strip()
    _in_readme("uv run sexto audit verify --checkpoint 42:ab12…")
    _works_on_the_demo(_run(env, "audit", "verify", "--checkpoint", checkpoint))

    _in_readme("uv run sexto awards revoke AWARD_ID... --reason TEXT [--by EMAIL]")
    revoked = _works_on_the_demo(_run(env, "awards", "revoke", award_id, "--reason",
                                      "Attribuée par erreur."))
    assert f"{award_id}\trevoked" in revoked  # and the member's email printed (the console)
    # And the README's exit status for a revoked badge.
    _in_readme("`sexto verify` exits 0 when the badge is valid, 1 when it is not")
    assert _run(env, "verify", str(document)).returncode == 1


def test_the_readme_sqlite_backup_restores_a_database_that_verifies_and_decrypts(newcomer,
                                                                                 tmp_path):
    """README "Backup and restore", with the embedded database: SQLite's online backup of the
    demo's database, put in place of another var/ folder's, verifies and opens its cases."""
    env, var_dir = newcomer
    _in_readme('sqlite3 var/sexto.sqlite3 ".backup var/sexto-$(date +%F).sqlite3"')
    if shutil.which("sqlite3") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the sqlite3 command is missing; CI must run the backup test")
        pytest.skip("the sqlite3 command is missing")
    restored = tmp_path / "restored"
    restored.mkdir()
    subprocess.run(["sqlite3", str(var_dir / "sexto.sqlite3"),  # noqa: S603, S607
                    f".backup {restored / 'sexto.sqlite3'}"], check=True, timeout=120)
    there = {**env, "SEXTO_VAR_DIR": str(restored)}
    assert "Audit chain intact" in _works_on_the_demo(_run(there, "audit", "verify"))
    code = ("from cases.models import Case; "
            "print(sum(bool(case.account) for case in Case.objects.all()))")
    opened = int(_works_on_the_demo(_run(there, "shell", "--no-imports", "-c", code)))
    assert opened > 0
