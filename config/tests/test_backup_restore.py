"""README "Backup and restore", done as written: a PostgreSQL database holding a case and audit
entries is dumped (`pg_dump -Fc`), the original dropped, the dump restored into an empty
database (`pg_restore`); there the audit chain verifies and the case decrypts with the keys that
were backed up, and neither does with other keys (what losing a key costs).

Its own databases, named for this run, on the machine's PostgreSQL; skipped only when the
PostgreSQL tools or server are missing, never in CI.
"""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet

pytestmark = pytest.mark.subprocess

SERVER = "postgres://postgres@127.0.0.1:5432"
SEXTO = Path(sys.executable).parent / "sexto"
NARRATIVE = "Récit fictif confié à la direction : une photo circule dans un groupe de classe."

SETUP = f"""
import datetime
from django.utils import timezone
from accounts.models import Organisation, Territory, User
from audit.services import record
from cases.services import case_report
force = Organisation.objects.create(kind=Organisation.Kind.POLICE_FORCE, code="sp-sauvegarde",
                                    name="Service de police fictif")
territory = Territory.objects.create(name="Territoire fictif", code="t-sauvegarde",
                                     police_force=force)
school = Organisation.objects.create(kind=Organisation.Kind.SCHOOL, code="ecole-sauvegarde",
                                     name="École fictive de la Sauvegarde", territory=territory)
reporter = User.objects.create_user(email="sauvegarde@example.test", password="x" * 20,
                                    full_name="Personne Fictive")
case = case_report(reporter=reporter, school=school, account={NARRATIVE!r},
                   told_at=timezone.now() - datetime.timedelta(hours=1), channels=[],
                   apps_other="", still_spreading="")
record(action="case.accessed", actor=reporter, target=case)
print(case.pk)
"""


def _admin(sql: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


@pytest.fixture
def databases():
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    reason = f"missing: {', '.join(missing)}" if missing else ""
    if not missing:
        try:
            _admin("SELECT 1")
        except psycopg.OperationalError:
            reason = "PostgreSQL is not reachable on 127.0.0.1:5432"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the backup and restore test")
        pytest.skip(reason)
    run = secrets.token_hex(4)
    names = (f"sexto_restore_src_{run}", f"sexto_restore_dst_{run}")
    for name in names:
        _admin(f'CREATE DATABASE "{name}"')
    yield names
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sexto(*args, database: str, keys: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_", "DJANGO_", "SEXTO_CASE_KEYS", "AUDIT_KEY"))}
    env.update(DEBUG="0", DATABASE_URL=f"{SERVER}/{database}", SECURE_SSL_REDIRECT="0",
               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", **keys)
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(SEXTO), *args], capture_output=True, text=True, env=env, timeout=300, check=False)


def _read_case(case_id: str, *, database: str, keys: dict) -> subprocess.CompletedProcess:
    code = ("from cases.models import Case; "
            f"print(Case.objects.get(pk={case_id!r}).account)")
    return _sexto("shell", "--no-imports", "-c", code, database=database, keys=keys)


def test_a_dump_restored_into_an_empty_database_verifies_and_decrypts(databases, tmp_path,
                                                                       signing_keyring):
    source, target = databases
    keys = {"SECRET_KEY": secrets.token_urlsafe(50), "AUDIT_KEY": secrets.token_urlsafe(50),
            "SEXTO_CASE_KEYS": Fernet.generate_key().decode()}
    assert _sexto("migrate", "-v0", database=source, keys=keys).returncode == 0
    made = _sexto("shell", "--no-imports", "-c", SETUP, database=source, keys=keys)
    assert made.returncode == 0, made.stderr
    case_id = made.stdout.strip().splitlines()[-1]

    # The README's commands, as written there.
    dump = tmp_path / "sexto.dump"
    subprocess.run(  # noqa: S603 - PostgreSQL's own tool, our arguments
        ["pg_dump", "-Fc", "-h", "127.0.0.1", "-U", "postgres", "-f", str(dump), source],  # noqa: S607
        check=True, timeout=120)
    _admin(f'DROP DATABASE "{source}" WITH (FORCE)')  # the restore stands on the dump alone
    subprocess.run(  # noqa: S603 - PostgreSQL's own tool, our arguments
        ["pg_restore", "--no-owner", "-h", "127.0.0.1", "-U", "postgres", "-d", target,  # noqa: S607
         str(dump)], check=True, timeout=120)

    verified = _sexto("audit", "verify", database=target, keys=keys)
    assert verified.returncode == 0, verified.stderr
    assert "Audit chain intact: " in verified.stdout
    assert int(verified.stdout.split("Audit chain intact: ")[1].split()[0]) >= 2
    read = _read_case(case_id, database=target, keys=keys)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == NARRATIVE
    # The database alone is not enough: without the audit key the chain no longer verifies,
    # without the case keys the case no longer opens.
    lost_audit_key = _sexto("audit", "verify", database=target,
                            keys={**keys, "AUDIT_KEY": secrets.token_urlsafe(50)})
    assert lost_audit_key.returncode == 1
    lost_case_key = _read_case(case_id, database=target,
                               keys={**keys, "SEXTO_CASE_KEYS": Fernet.generate_key().decode()})
    assert lost_case_key.returncode != 0
    assert NARRATIVE not in lost_case_key.stdout
