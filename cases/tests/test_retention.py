"""The retention schedule and `purge()`: what goes, what stays, what is left behind."""

import dataclasses
import datetime
import importlib

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_chain_verify
from cases import retention
from cases.models import (
    Case,
    CustodyTransfer,
    DestructionRecord,
    Device,
    Entry,
    Grid,
    PoliceFollowUp,
    PoliceHandoff,
    RetentionSchedule,
    SharedInformation,
    Student,
    SupportAction,
)
from cases.tests.factories import (
    case_create,
    follow_up_add,
    handoff_add,
    shared_add,
    student_add,
    support_action_add,
)

DAY = datetime.timedelta(days=1)
NARRATIVE = "Récit fictif très reconnaissable"


@pytest.fixture
def now():
    return timezone.now()


def _full_case(world, *, closed_at, created_at=None, shared_at=None, **fields):
    """A closed case with something under every relation the purge must take away."""
    case = case_create(world.school, status=Case.Status.CLOSED, closed_at=closed_at,
                       created_at=created_at or closed_at - 4 * DAY, account=NARRATIVE,
                       **fields)
    victim = student_add(case, Student.Part.VICTIM, "Léa Fictive")
    Entry.objects.create(case=case, kind=Entry.Kind.NOTE, student=victim,
                         happened_at=closed_at, notes="Note fictive")
    device = Device.objects.create(case=case, description="Téléphone fictif", owner=victim,
                                   seized_at=closed_at, seized_by="Direction",
                                   envelope_number="E-1", locked_in="Coffre")
    CustodyTransfer.objects.create(device=device, handed_by="Direction", handed_to="Police",
                                   handed_at=closed_at)
    Grid.objects.create(case=case)
    handoff = handoff_add(case, force=world.force_ok)
    follow_up_add(handoff, qualification="impulsive")
    shared_add(handoff, created_at=shared_at or closed_at)
    support_action_add(case)
    return case


# --- schedule_for -----------------------------------------------------------------------------

def test_schedule_defaults_come_from_the_model(world):
    schedule = retention.schedule_for(world.school)
    assert (schedule.closed_case_days, schedule.police_information_days) == (730, 365)
    assert schedule.organisation is None and schedule.code == ""


def test_schedule_of_the_parent_then_of_the_school_itself(world):
    RetentionSchedule.objects.create(organisation=world.centre, closed_case_days=100,
                                     police_information_days=50)
    schedule = retention.schedule_for(world.school)
    assert (schedule.closed_case_days, schedule.police_information_days) == (100, 50)
    assert schedule.organisation == world.centre

    RetentionSchedule.objects.create(organisation=world.school, closed_case_days=10,
                                     police_information_days=5)
    schedule = retention.schedule_for(world.school)
    assert (schedule.closed_case_days, schedule.organisation) == (10, world.school)
    assert (schedule.code, schedule.days("police_information")) == ("ecole-pionniers", 5)
    # The sibling school still follows its service centre.
    assert retention.schedule_for(world.school_no_agreement).closed_case_days == 100


# --- purge of closed cases --------------------------------------------------------------------

def test_purge_destroys_an_expired_closed_case_and_everything_under_it(world, now):
    case = _full_case(world, closed_at=now - 731 * DAY)
    # Its police information is recent: nothing of it is due either.
    kept = _full_case(world, closed_at=now - 729 * DAY, shared_at=now - 10 * DAY)
    before = AuditEvent.objects.count()

    report = retention.purge(now=now)

    assert [item.case_id for item in report.items] == [str(case.pk)]
    assert report.cases_destroyed == 1 and report.shared_rows_destroyed == 1
    assert not Case.objects.filter(pk=case.pk).exists()
    for model in (Student, Entry, Device, CustodyTransfer, Grid, PoliceHandoff, PoliceFollowUp,
                  SharedInformation, SupportAction):
        assert model.objects.count() == 1, model  # only the kept case's row is left
    assert Case.objects.filter(pk=kept.pk).exists()

    destruction = DestructionRecord.objects.get()
    assert destruction.case_id_destroyed == case.pk
    assert destruction.school == world.school
    assert destruction.what == "case"
    assert destruction.opened_on == timezone.localdate(case.created_at)
    assert destruction.closed_on == timezone.localdate(case.closed_at)
    assert (destruction.schedule_code, destruction.kept_days) == ("", 730)

    event = AuditEvent.objects.order_by("sequence").last()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.target_type, event.target_id) == (
        "case.destroyed", "cases.case", str(case.pk))
    assert event.data == {"schedule": "", "kept_days": 730}
    assert audit_chain_verify().ok


def test_purge_follows_each_schools_schedule(world, now):
    RetentionSchedule.objects.create(organisation=world.school, closed_case_days=30)
    ours = case_create(world.school, status=Case.Status.CLOSED, closed_at=now - 31 * DAY)
    theirs = case_create(world.school_no_agreement, status=Case.Status.CLOSED,
                         closed_at=now - 31 * DAY)
    report = retention.purge(now=now)
    assert [item.case_id for item in report.items] == [str(ours.pk)]
    assert (report.items[0].schedule_code, report.items[0].kept_days) == ("ecole-pionniers", 30)
    assert report.items[0].rule == "schedule ecole-pionniers: kept 30 days"
    destruction = DestructionRecord.objects.get()
    assert (destruction.schedule_code, destruction.kept_days) == ("ecole-pionniers", 30)
    assert Case.objects.filter(pk=theirs.pk).exists()


def test_legal_hold_keeps_everything(world, now):
    case = _full_case(world, closed_at=now - 1000 * DAY, legal_hold=True,
                      legal_hold_reason="Enquête en cours")
    report = retention.purge(now=now)
    assert report.items == []
    assert Case.objects.filter(pk=case.pk).exists()
    assert SharedInformation.objects.filter(handoff__case=case).exists()
    assert not DestructionRecord.objects.exists()


def test_open_cases_are_not_destroyed_however_old(world, now):
    case_create(world.school, status=Case.Status.IN_PROGRESS, created_at=now - 2000 * DAY)
    assert retention.purge(now=now).items == []
    assert Case.objects.count() == 1


def test_a_hold_set_after_the_plan_wins(world, now, monkeypatch):
    case = case_create(world.school, status=Case.Status.CLOSED, closed_at=now - 800 * DAY)
    planned = retention._closed_cases_due

    def plan_then_hold(when):
        due = planned(when)
        Case.objects.filter(pk=case.pk).update(legal_hold=True)  # someone else, meanwhile
        return due

    monkeypatch.setattr(retention, "_closed_cases_due", plan_then_hold)
    assert retention.purge(now=now).items == []
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_hold_set_after_the_plan_keeps_its_case_and_only_it(world, now, monkeypatch):
    # Both in one batch: the row locks and the rule checked again sort them out.
    held = case_create(world.school, status=Case.Status.CLOSED, closed_at=now - 800 * DAY)
    due = case_create(world.school, status=Case.Status.CLOSED, closed_at=now - 900 * DAY)
    planned = retention._closed_cases_due

    def plan_then_hold(when):
        plan = planned(when)
        Case.objects.filter(pk=held.pk).update(legal_hold=True)
        return plan

    monkeypatch.setattr(retention, "_closed_cases_due", plan_then_hold)
    report = retention.purge(now=now)
    assert [item.case_id for item in report.items] == [str(due.pk)]
    assert list(Case.objects.all()) == [held]
    assert list(DestructionRecord.objects.values_list("case_id_destroyed", flat=True)) == [due.pk]
    assert AuditEvent.objects.filter(action="case.destroyed").count() == 1


def test_cases_are_destroyed_in_batches(world, now, monkeypatch):
    monkeypatch.setattr(retention, "DESTROY_BATCH", 2)
    cases = [case_create(world.school, status=Case.Status.CLOSED, closed_at=now - (800 + i) * DAY)
             for i in range(5)]
    report = retention.purge(now=now)
    assert report.cases_destroyed == 5 and not Case.objects.exists()
    assert {item.case_id for item in report.items} == {str(case.pk) for case in cases}
    assert DestructionRecord.objects.count() == 5
    assert audit_chain_verify().ok


# --- police information -----------------------------------------------------------------------

def test_police_information_goes_first_even_on_an_open_case(world, now):
    case = case_create(world.school, status=Case.Status.WITH_POLICE, account=NARRATIVE)
    handoff = handoff_add(case, force=world.force_ok)
    old = shared_add(handoff, created_at=now - 366 * DAY, content="Renseignement ancien")
    recent = shared_add(handoff, created_at=now - 10 * DAY)

    report = retention.purge(now=now)

    assert len(report.items) == 1
    item = report.items[0]
    assert (item.case_id, item.what, item.shared_rows) == (str(case.pk), "police_information", 1)
    assert (item.schedule_code, item.kept_days) == ("", 365)
    assert item.rule == "schedule default: kept 365 days"
    assert list(SharedInformation.objects.all()) == [recent]
    assert not SharedInformation.objects.filter(pk=old.pk).exists()
    assert Case.objects.filter(pk=case.pk).exists()
    destruction = DestructionRecord.objects.get()
    assert (destruction.what, destruction.closed_on) == ("police_information", None)
    event = AuditEvent.objects.order_by("sequence").last()
    assert (event.action, event.target_id) == ("case.police_information_destroyed", str(case.pk))
    assert event.data == {"schedule": "", "kept_days": 365, "rows": 1}
    assert (destruction.schedule_code, destruction.kept_days) == ("", 365)


def test_police_information_under_legal_hold_stays(world, now):
    case = case_create(world.school, status=Case.Status.WITH_POLICE, legal_hold=True)
    shared_add(handoff_add(case, force=world.force_ok), created_at=now - 900 * DAY)
    assert retention.purge(now=now).items == []
    assert SharedInformation.objects.count() == 1


def test_police_information_of_a_destroyed_case_is_counted_once(world, now):
    case = _full_case(world, closed_at=now - 800 * DAY)  # its shared row is 800 days old
    report = retention.purge(now=now)
    assert [(item.case_id, item.what) for item in report.items] == [(str(case.pk), "case")]
    assert DestructionRecord.objects.count() == 1


# --- dry run and report -----------------------------------------------------------------------

def test_dry_run_changes_nothing_and_reports_the_same(world, now):
    closed = _full_case(world, closed_at=now - 731 * DAY)
    open_case = case_create(world.school, status=Case.Status.WITH_POLICE)
    shared_add(handoff_add(open_case, force=world.force_ok), created_at=now - 400 * DAY)
    audit_before = AuditEvent.objects.count()

    dry = retention.purge(now=now, dry_run=True)

    assert dry.dry_run
    assert Case.objects.count() == 2 and SharedInformation.objects.count() == 2
    assert not DestructionRecord.objects.exists()
    assert AuditEvent.objects.count() == audit_before

    real = retention.purge(now=now)
    assert dry.items == real.items
    assert [(item.case_id, item.what) for item in real.items] == [
        (str(closed.pk), "case"), (str(open_case.pk), "police_information")]
    assert (real.cases_destroyed, real.police_information_cases,
            real.shared_rows_destroyed) == (1, 1, 2)
    # Nothing is left to do: the purge can run every night.
    assert retention.purge(now=now).items == []


def test_the_report_holds_no_content(world, now):
    _full_case(world, closed_at=now - 731 * DAY)
    report = retention.purge(now=now)
    text = repr(dataclasses.asdict(report))
    for secret in (NARRATIVE, "Léa Fictive", "Renseignement fictif", "Note fictive"):
        assert secret not in text


def test_migration_0003_reads_the_rules_0001_wrote():
    """The pattern 0003 reads the old sentences with (its forward and backward steps were run
    by hand on a database holding records: SQLite, 0002 → 0003 → 0002 → 0003)."""
    rule = importlib.import_module("cases.migrations.0003_destruction_rule_as_data")._RULE
    match = rule.match("calendrier par défaut : dossier fermé conservé 730 jours")
    assert (match["source"], match["days"]) == ("par défaut", "730")
    match = rule.match("calendrier ecole-pionniers : renseignements policiers conservés 5 jours")
    assert (match["source"], match["days"]) == ("ecole-pionniers", "5")
