"""`sexto cases purge|rotate-keys|generate-key` (`remind`: test_reminders.py)."""

import datetime
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from cases import crypto
from cases.models import Case, Grid, PoliceHandoff, SharedInformation, Student
from cases.tests.factories import (
    case_create,
    handoff_add,
    shared_add,
    student_add,
)

DAY = datetime.timedelta(days=1)
SECRET = "Récit fictif qui ne doit jamais sortir"


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("cases", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- purge --------------------------------------------------------------------------------------

def test_purge_prints_one_line_per_case_then_totals(world):
    now = timezone.now()
    closed = case_create(world.school, status=Case.Status.CLOSED, closed_at=now - 800 * DAY,
                         account=SECRET)
    open_case = case_create(world.school, status=Case.Status.WITH_POLICE)
    shared_add(handoff_add(open_case, force=world.force_ok), created_at=now - 400 * DAY)

    out, err = _run("purge", "--dry-run")
    assert out.splitlines() == [
        f"{closed.pk}\tcase\tschedule default: kept 730 days",
        f"{open_case.pk}\tpolice_information\tschedule default: kept 365 days",
        "1 case(s) would be destroyed; police information would be destroyed in 1 case(s) "
        "(1 item(s) in all) (dry run: nothing changed)",
    ]
    assert err == ""
    assert Case.objects.count() == 2 and SharedInformation.objects.count() == 1

    out, _ = _run("purge")
    assert out.splitlines()[-1] == (
        "1 case(s) destroyed; police information destroyed in 1 case(s) (1 item(s) in all)")
    assert SECRET not in out
    assert list(Case.objects.all()) == [open_case]
    assert not SharedInformation.objects.exists()

    out, _ = _run("purge")
    assert out.splitlines() == [
        "0 case(s) destroyed; police information destroyed in 0 case(s) (0 item(s) in all)"]


# --- remind: cases/tests/test_reminders.py -------------------------------------------------

# --- keys ---------------------------------------------------------------------------------------

def _raw(model, column: str, pk) -> str:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s",  # noqa: S608 - test names
                       [model._meta.pk.get_db_prep_value(pk, connection)])
        return cursor.fetchone()[0]


def test_generate_key_prints_a_fernet_key():
    out, _ = _run("generate-key")
    key = out.strip()
    assert Fernet(key.encode())  # refused with ValueError if it were not a key
    assert key != _run("generate-key")[0].strip()


def test_rotate_keys_reencrypts_everything_under_the_newest_key(world, settings):
    old_key = crypto.case_keys()[0]
    case = case_create(world.school, account=SECRET, closure_summary="")
    student = student_add(case, Student.Part.VICTIM, "Léa Fictive")
    Grid.objects.create(case=case, notes="Précision fictive")
    handoff = handoff_add(case, force=world.force_ok, snapshot='{"fictif": true}')
    shared_add(handoff)
    old_updated_at = Case.objects.get(pk=case.pk).updated_at
    old_index = student.index

    new_key = Fernet.generate_key().decode()
    settings.SEXTO_CASE_KEYS = [new_key, old_key]
    out, _ = _run("rotate-keys")

    assert "cases.case.account\t1" in out.splitlines()
    assert "cases.student.name\t1" in out.splitlines()
    assert out.splitlines()[-1] == (
        "5 value(s) re-encrypted under the newest key; 0 already under it; "
        "0 edited meanwhile and left as written; 1 student index(es) recomputed")
    newest = Fernet(new_key.encode())
    for model, column in ((Case, "account"), (Student, "name"), (Grid, "notes"),
                          (PoliceHandoff, "snapshot")):
        pk = {Case: case.pk, Student: student.pk, Grid: case.grid.pk,
              PoliceHandoff: handoff.pk}[model]
        newest.decrypt(_raw(model, column, pk).encode())  # raises if not under the new key
    assert _raw(Case, "closure_summary", case.pk) == ""  # empty stays empty

    # Only the new key is needed now, and the content reads the same through the ORM.
    settings.SEXTO_CASE_KEYS = [new_key]
    case.refresh_from_db()
    assert case.account == SECRET
    assert case.updated_at == old_updated_at  # the content did not change
    student.refresh_from_db()
    assert student.name == "Léa Fictive"
    assert student.index == crypto.blind_index(str(world.school.pk), "Léa Fictive") != old_index
    assert AuditEvent.objects.filter(action="cases.keys_rotated").count() == 1

    # A second run has nothing left to do.
    out, _ = _run("rotate-keys")
    assert out.splitlines()[-1].startswith("0 value(s) re-encrypted under the newest key; "
                                           "5 already under it;")


def test_rotate_keys_never_double_encrypts_across_pages(world, settings):
    old_key = crypto.case_keys()[0]
    cases = [case_create(world.school, account=f"Récit fictif {n}") for n in range(7)]
    settings.SEXTO_CASE_KEYS = [Fernet.generate_key().decode(), old_key]
    from cases.rotation import case_keys_rotate

    report = case_keys_rotate(batch_size=2)
    assert report.reencrypted["cases.case.account"] == 7
    assert sorted(Case.objects.filter(pk__in=[c.pk for c in cases])
                  .values_list("account", flat=True)) == [f"Récit fictif {n}" for n in range(7)]


def test_a_row_edited_during_the_rotation_keeps_its_new_content(world, settings, monkeypatch):
    from cases import rotation

    old_key = crypto.case_keys()[0]
    case = case_create(world.school, account="Version d'avant")
    settings.SEXTO_CASE_KEYS = [Fernet.generate_key().decode(), old_key]
    reencrypt = crypto.reencrypt

    def edited_meanwhile(token):
        Case.objects.filter(pk=case.pk).update(account="Version d'après")  # someone else
        return reencrypt(token)

    monkeypatch.setattr(crypto, "reencrypt", edited_meanwhile)
    report = rotation.case_keys_rotate()
    assert report.changed_meanwhile == 1
    case.refresh_from_db()
    assert case.account == "Version d'après"


def test_rotate_keys_stops_on_a_token_no_key_opens(world, settings):
    case_create(world.school, account=SECRET)
    settings.SEXTO_CASE_KEYS = [Fernet.generate_key().decode()]  # the old key lost
    with pytest.raises(CommandError, match="cannot be decrypted with any key"):
        _run("rotate-keys")
