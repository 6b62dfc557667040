"""`sexto cases purge|remind|rotate-keys|generate-key`."""

import datetime
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership, Role
from audit.models import AuditEvent
from cases import crypto, reminders
from cases.models import Case, Grid, PoliceHandoff, SharedInformation, Student, SupportAction
from cases.tests.factories import (
    case_create,
    handoff_add,
    shared_add,
    student_add,
    support_action_add,
)
from conftest import make_user

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


# --- remind -------------------------------------------------------------------------------------

def test_remind_emails_the_lead_only_a_link(world):
    today = timezone.localdate()
    lead = make_user("julie.intervention@example.test", "Julie Fictive")
    case = case_create(world.school, lead=lead, account=SECRET)
    student_add(case, Student.Part.VICTIM, "Léa Fictive")
    due = support_action_add(case, due_on=today, description="Appeler la famille de Léa")
    late = support_action_add(case, due_on=today - 3 * DAY)
    later = support_action_add(case, due_on=today + DAY)
    done = support_action_add(case, due_on=today - DAY, done_at=timezone.now())

    out, err = _run("remind")

    assert out.splitlines() == [f"{case.pk}\t2 action(s) due\t1 email(s)",
                                "1 case(s) with actions due; 1 email(s) sent"]
    assert err == ""
    [message] = mail.outbox  # one email per case and person, not per action
    assert message.to == [lead.email]
    assert message.subject == "Sexto : un suivi est dû dans un dossier"
    link = reminders.case_url(case)
    assert link.endswith(reverse("cases:case_detail", args=[case.pk]))
    assert link in message.body
    for secret in (SECRET, "Léa", "Appeler", case.reference, world.school.name):
        assert secret not in message.body and secret not in message.subject
    reminded = dict(SupportAction.objects.values_list("pk", "reminded_at"))
    assert reminded[due.pk] is not None and reminded[late.pk] is not None
    assert reminded[later.pk] is None and reminded[done.pk] is None


def test_remind_falls_back_to_the_principals_in_their_language(world):
    second = make_user("karim.direction@example.test", "Karim Fictif", preferred_language="en")
    Membership.objects.create(user=second, role=Role.PRINCIPAL, organisation=world.school)
    case = case_create(world.school)
    support_action_add(case, due_on=timezone.localdate())

    _run("remind")

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {world.principal.email, second.email}
    with translation.override("en"):
        english_link = reminders.case_url(case)
    assert english_link in by_address[second.email].body
    assert "/en/" in english_link
    assert reminders.case_url(case) in by_address[world.principal.email].body


def test_remind_skips_closed_cases(world):
    closed = case_create(world.school, status=Case.Status.CLOSED)
    support_action_add(closed, due_on=timezone.localdate())
    out, _ = _run("remind")
    assert mail.outbox == []
    assert out.splitlines()[-1].startswith("0 case(s)")


def test_remind_once_a_day(world):
    action = support_action_add(case_create(world.school), due_on=timezone.localdate())
    _run("remind")
    out, _ = _run("remind")  # the same day: a retry, not a second reminder
    assert len(mail.outbox) == 1
    assert out.splitlines() == ["0 case(s) with actions due; 0 email(s) sent"]

    SupportAction.objects.filter(pk=action.pk).update(reminded_at=timezone.now() - DAY)
    _run("remind")
    assert len(mail.outbox) == 2


def test_remind_with_nobody_to_tell_says_so_and_tries_again(world):
    case = case_create(world.school_no_agreement)  # no principal in that school
    action = support_action_add(case, due_on=timezone.localdate())
    out, err = _run("remind")
    assert mail.outbox == []
    assert err.startswith(f"{case.pk}\tnobody reminded")
    assert SupportAction.objects.get(pk=action.pk).reminded_at is None


def test_remind_ignores_an_inactive_lead(world):
    lead = make_user("luc.parti@example.test", "Luc Fictif", is_active=False)
    support_action_add(case_create(world.school, lead=lead), due_on=timezone.localdate())
    _run("remind")
    assert [message.to for message in mail.outbox] == [[world.principal.email]]


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


def test_rotate_keys_reencrypts_everything_under_the_newest_key(world, monkeypatch):
    old_key = crypto.case_keys()[0]
    case = case_create(world.school, account=SECRET, closure_summary="")
    student = student_add(case, Student.Part.VICTIM, "Léa Fictive")
    Grid.objects.create(case=case, notes="Précision fictive")
    handoff = handoff_add(case, force=world.force_ok, snapshot='{"fictif": true}')
    shared_add(handoff)
    old_updated_at = Case.objects.get(pk=case.pk).updated_at
    old_index = student.index

    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv("SEXTO_CASE_KEYS", f"{new_key},{old_key}")
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
    monkeypatch.setenv("SEXTO_CASE_KEYS", new_key)
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


def test_rotate_keys_never_double_encrypts_across_pages(world, monkeypatch):
    old_key = crypto.case_keys()[0]
    cases = [case_create(world.school, account=f"Récit fictif {n}") for n in range(7)]
    monkeypatch.setenv("SEXTO_CASE_KEYS", f"{Fernet.generate_key().decode()},{old_key}")
    from cases.rotation import case_keys_rotate

    report = case_keys_rotate(batch_size=2)
    assert report.reencrypted["cases.case.account"] == 7
    assert sorted(Case.objects.filter(pk__in=[c.pk for c in cases])
                  .values_list("account", flat=True)) == [f"Récit fictif {n}" for n in range(7)]


def test_a_row_edited_during_the_rotation_keeps_its_new_content(world, monkeypatch):
    from cases import rotation

    old_key = crypto.case_keys()[0]
    case = case_create(world.school, account="Version d'avant")
    monkeypatch.setenv("SEXTO_CASE_KEYS", f"{Fernet.generate_key().decode()},{old_key}")
    reencrypt = crypto.reencrypt

    def edited_meanwhile(token):
        Case.objects.filter(pk=case.pk).update(account="Version d'après")  # someone else
        return reencrypt(token)

    monkeypatch.setattr(crypto, "reencrypt", edited_meanwhile)
    report = rotation.case_keys_rotate()
    assert report.changed_meanwhile == 1
    case.refresh_from_db()
    assert case.account == "Version d'après"


def test_rotate_keys_stops_on_a_token_no_key_opens(world, monkeypatch):
    case_create(world.school, account=SECRET)
    monkeypatch.setenv("SEXTO_CASE_KEYS", Fernet.generate_key().decode())  # the old key lost
    with pytest.raises(CommandError, match="cannot be decrypted with any key"):
        _run("rotate-keys")
