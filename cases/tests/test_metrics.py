"""The dashboard's measures: counts, late steps and the kit's durations."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from cases.metrics import case_metrics
from cases.models import Case, Student
from cases.tests.factories import (
    case_create,
    follow_up_add,
    handoff_add,
    student_add,
    support_action_add,
)

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def now():
    return timezone.now()


def _with_police(world, now, *, reported_hours_ago, contact_after, sent_after=None,
                 decided_after=None, acknowledged=True, status=Case.Status.WITH_POLICE,
                 closed_after=None):
    created = now - reported_hours_ago * HOUR
    closed_at = created + closed_after * HOUR if closed_after is not None else None
    case = case_create(world.school, status=Case.Status.CLOSED if closed_at else status,
                       closed_at=closed_at, created_at=created)
    sent_at = created + sent_after * HOUR if sent_after is not None else None
    handoff = handoff_add(case, force=world.force_ok, contacted_at=created + contact_after * HOUR,
                          sent_at=sent_at, acknowledged_at=sent_at if acknowledged else None)
    if decided_after is not None:
        follow_up_add(handoff, qualification="impulsive",
                      qualified_at=sent_at + decided_after * HOUR)
    return case


def test_nothing_to_measure(world, now):
    metrics = case_metrics(Case.objects.filter(school=world.school), now=now)
    assert metrics.open_total == 0 and metrics.overdue_steps == 0
    assert metrics.report_to_closure.cases == 0
    assert metrics.report_to_closure.median_hours is None
    assert metrics.report_to_closure.expected_hours == 96


def test_open_cases_by_status_and_late_steps(world, now):
    case_create(world.school, created_at=now - 30 * HOUR)  # no police contact after 30 h: late
    case_create(world.school, created_at=now - 2 * HOUR)  # not yet late
    case_create(world.school, status=Case.Status.DIRECTED_TO_POLICE,
                created_at=now - 50 * HOUR)  # the family went to the police: nothing to wait for
    case_create(world.school, status=Case.Status.CLOSED, created_at=now - 90 * HOUR)
    _with_police(world, now, reported_hours_ago=60, contact_after=1, sent_after=2,
                 acknowledged=False)  # sent 58 h ago, never acknowledged: late
    _with_police(world, now, reported_hours_ago=20, contact_after=1, sent_after=2,
                 acknowledged=False)  # sent 18 h ago: not yet late
    case_create(world.school_no_agreement, created_at=now - 30 * HOUR)  # another school

    metrics = case_metrics(Case.objects.filter(school=world.school), now=now)

    assert metrics.open_by_status == {"reported": 2, "in_progress": 0, "with_police": 2,
                                      "directed": 1}
    assert metrics.open_total == 5
    assert metrics.no_police_contact == 1
    assert metrics.handoff_unacknowledged == 1
    assert metrics.overdue_steps == 2


def test_overdue_support_actions(world, now):
    today = timezone.localdate(now)
    case = case_create(world.school)
    support_action_add(case, due_on=today - DAY)  # overdue
    support_action_add(case, due_on=today)  # due today: not yet overdue
    support_action_add(case, due_on=today - 3 * DAY, done_at=now)  # done
    support_action_add(case)  # no due date
    support_action_add(case_create(world.school_no_agreement), due_on=today - DAY)
    metrics = case_metrics(Case.objects.filter(school=world.school), now=now)
    assert metrics.overdue_support_actions == 1


def test_the_kits_durations_median_and_mean(world, now):
    # Report to police contact: 1, 2, 3 and 10 hours -> median 2.5, mean 4.
    # Hand-off to DPCP decision: 20, 24 and 40 hours -> median 24, mean 28.
    # Report to closure: 72 and 120 hours -> median and mean 96.
    _with_police(world, now, reported_hours_ago=300, contact_after=1, sent_after=2,
                 decided_after=20, closed_after=72)
    _with_police(world, now, reported_hours_ago=300, contact_after=2, sent_after=3,
                 decided_after=24, closed_after=120)
    _with_police(world, now, reported_hours_ago=300, contact_after=3, sent_after=4,
                 decided_after=40)
    _with_police(world, now, reported_hours_ago=300, contact_after=10)
    # Reported before the period: not measured.
    _with_police(world, now, reported_hours_ago=400 * 24, contact_after=500, sent_after=501,
                 decided_after=500, closed_after=900)

    metrics = case_metrics(Case.objects.filter(school=world.school), now=now)

    assert dataclasses.astuple(metrics.report_to_police_contact) == (2.5, 4.0, 4, None)
    assert dataclasses.astuple(metrics.handoff_to_decision) == (24.0, 28.0, 3, 24.0)
    assert dataclasses.astuple(metrics.report_to_closure) == (96.0, 96.0, 2, 96.0)

    longer = case_metrics(Case.objects.filter(school=world.school), now=now, period_days=500)
    assert longer.report_to_police_contact.cases == 5
    assert longer.report_to_police_contact.median_hours == 3.0


def test_a_police_forces_view_of_its_hand_offs(world, now):
    _with_police(world, now, reported_hours_ago=100, contact_after=4, sent_after=5,
                 decided_after=12, acknowledged=False)
    case_create(world.school, created_at=now - 30 * HOUR)  # not handed to any force
    metrics = case_metrics(Case.objects.filter(handoff__force=world.force_ok), now=now)
    assert metrics.open_total == 1
    assert metrics.no_police_contact == 0
    assert metrics.handoff_unacknowledged == 1
    assert metrics.handoff_to_decision.median_hours == 12.0


def test_metrics_hold_no_names(world, now):
    case = case_create(world.school, account="Récit fictif")
    student_add(case, Student.Part.VICTIM, "Léa Fictive")
    text = repr(case_metrics(Case.objects.filter(school=world.school), now=now))
    assert "Léa" not in text and "Récit" not in text and case.reference not in text
