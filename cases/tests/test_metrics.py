"""The dashboard's measures: counts, late steps and the kit's durations, from the times the
events happened as entered; out-of-order entries set apart, never a negative duration."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from cases.metrics import (
    HANDOFF_TO_DECISION,
    MEASURES,
    REPORT_TO_CLOSURE,
    REPORT_TO_POLICE_CONTACT,
    Period,
    case_metrics,
    force_cases,
    measure_cases,
)
from cases.models import Case, Student
from cases.tests.factories import (
    case_create,
    follow_up_add,
    handoff_add,
    student_add,
    support_action_add,
)

MONTREAL = zoneinfo.ZoneInfo("America/Montreal")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=MONTREAL)


# Mid-March 2026 in Montreal: the default period runs from April 2025 to March 2026.
NOW = local(2026, 3, 15, 12, 0)


def incident(world, *, told, contacted=None, sent=None, decided=None, closed=None,
             created=None, force=None, school=None):
    """A case whose events happened at the given times, as people entered them. The record's
    own creation time (`created`) is left unrelated on purpose: no measure may read it."""
    status = (Case.Status.CLOSED if closed else
              Case.Status.WITH_POLICE if sent else Case.Status.IN_PROGRESS)
    case = case_create(school or world.school, status=status, closed_at=closed, told_at=told,
                       created_at=created or NOW - 2 * HOUR)
    if contacted is not None:
        handoff = handoff_add(case, force=force or world.force_ok, contacted_at=contacted,
                              sent_at=sent)
        if decided is not None:
            follow_up_add(handoff, qualification="impulsive", qualified_at=decided)
    return case


def metrics(world, period=None, cases=None):
    return case_metrics(cases if cases is not None else Case.objects.filter(school=world.school),
                        now=NOW, period=period)


def behind(world, spec, period, **figure):
    return measure_cases(Case.objects.filter(school=world.school), spec=spec, period=period,
                         **figure)


def test_the_default_period_is_the_last_twelve_months_in_montreal():
    assert Period.last_months(now=NOW) == Period(first=datetime.date(2025, 4, 1),
                                                 last=datetime.date(2026, 3, 1))
    # 23:30 on February 28 in Montreal is already March 1 in UTC: still February here.
    late_february = local(2026, 2, 28, 23, 30).astimezone(datetime.UTC)
    assert late_february.month == 3
    assert Period.last_months(now=late_february).last == datetime.date(2026, 2, 1)
    assert len(Period.last_months(now=NOW).months) == 12


def test_nothing_to_measure(world):
    result = metrics(world)
    assert result.open_total == 0 and result.overdue_steps == 0
    for measure in result.measures:
        assert measure.measured == 0 and measure.inconsistent == 0
        assert measure.median_hours is None and measure.within_percent is None
        assert [m.measured for m in measure.months] == [0] * 12
        assert sum(b.count for b in measure.buckets) == 0
    assert result.report_to_closure.expected_hours == 96


def test_open_cases_by_status_and_late_steps(world):
    now = NOW
    case_create(world.school, told_at=now - 30 * HOUR)  # no police contact after 30 h: late
    case_create(world.school, told_at=now - 2 * HOUR)  # not yet late
    # Entered in the tool 2 h ago, but told 26 h ago: the delay runs from the telling.
    case_create(world.school, told_at=now - 26 * HOUR, created_at=now - 2 * HOUR)
    case_create(world.school, status=Case.Status.DIRECTED_TO_POLICE,
                told_at=now - 50 * HOUR)  # the family went to the police: nothing to wait for
    case_create(world.school, status=Case.Status.CLOSED, told_at=now - 90 * HOUR)
    incident(world, told=now - 60 * HOUR, contacted=now - 59 * HOUR,
             sent=now - 58 * HOUR)  # sent 58 h ago, never acknowledged: late
    incident(world, told=now - 20 * HOUR, contacted=now - 19 * HOUR,
             sent=now - 18 * HOUR)  # sent 18 h ago: not yet late
    case_create(world.school_no_agreement, told_at=now - 30 * HOUR)  # another school

    result = metrics(world)

    assert result.open_by_status == {"reported": 3, "in_progress": 0, "with_police": 2,
                                     "directed": 1}
    assert result.open_total == 6
    assert result.no_police_contact == 2
    assert result.handoff_unacknowledged == 1
    assert result.overdue_steps == 3


def test_overdue_support_actions_of_open_cases(world):
    today = timezone.localdate(NOW)
    case = case_create(world.school)
    support_action_add(case, due_on=today - DAY)  # overdue
    support_action_add(case, due_on=today)  # due today: not yet overdue
    support_action_add(case, due_on=today - 3 * DAY, done_at=NOW)  # done
    support_action_add(case)  # no due date
    closed = case_create(world.school, status=Case.Status.CLOSED)
    support_action_add(closed, due_on=today - DAY)  # the plan of a closed case is over
    support_action_add(case_create(world.school_no_agreement), due_on=today - DAY)
    assert metrics(world).overdue_support_actions == 1


def test_the_kits_durations_median_mean_and_counts(world):
    told = local(2026, 1, 10, 9, 0)
    # Report to police contact: 1, 2, 3 and 10 hours -> median 2.5, mean 4.
    # Hand-off to DPCP decision: 20, 24 and 40 hours -> median 24, mean 28.
    # Report to closure: 72 and 120 hours -> median and mean 96.
    incident(world, told=told, contacted=told + HOUR, sent=told + 2 * HOUR,
             decided=told + 22 * HOUR, closed=told + 72 * HOUR)
    incident(world, told=told, contacted=told + 2 * HOUR, sent=told + 3 * HOUR,
             decided=told + 27 * HOUR, closed=told + 120 * HOUR)
    incident(world, told=told, contacted=told + 3 * HOUR, sent=told + 4 * HOUR,
             decided=told + 44 * HOUR)
    incident(world, told=told, contacted=told + 10 * HOUR)
    # Told before the period (March 2025): not measured, although entered today and
    # although the police were contacted within the period (a duration counts in the month
    # of its first event).
    before = local(2025, 3, 31, 23, 0)
    incident(world, told=before, contacted=before + 500 * HOUR)

    result = metrics(world)

    contact, decision, closure = result.measures
    assert (contact.measured, contact.median_hours, contact.mean_hours) == (4, 2.5, 4.0)
    assert (decision.measured, decision.median_hours, decision.mean_hours) == (3, 24.0, 28.0)
    assert (closure.measured, closure.median_hours, closure.mean_hours) == (2, 96.0, 96.0)
    # Within the kit's expectation: all four contacts (<= 24 h), two decisions of three
    # (24 h exactly counts), one closure of two (72 h; 120 h is past 96 h).
    assert (contact.within, decision.within, closure.within) == (4, 2, 1)
    assert (contact.within_percent, decision.within_percent, closure.within_percent) == (
        100, 67, 50)
    january = result.period.months.index(datetime.date(2026, 1, 1))
    assert contact.months[january].measured == 4
    assert contact.months[january].median_hours == 2.5
    assert sum(m.measured for m in contact.months) == 4

    longer = metrics(world, period=Period(first=datetime.date(2025, 3, 1),
                                          last=datetime.date(2026, 3, 1)))
    assert longer.report_to_police_contact.measured == 5
    assert longer.report_to_police_contact.median_hours == 3.0


def test_no_negative_duration_with_events_entered_out_of_order(world):
    told = local(2026, 2, 3, 14, 0)
    # Police contacted 42.6 h before the report (the figure the old dashboard showed).
    incident(world, told=told, contacted=told - 42.6 * HOUR)
    # The DPCP's decision entered before the hand-off.
    incident(world, told=told, contacted=told, sent=told + 2 * HOUR, decided=told - HOUR)
    # Closed before the incident was reported.
    incident(world, told=told, contacted=told, closed=told - DAY)
    # And one in order for each measure, all at 0 h: a real figure, shown as 0.
    incident(world, told=told, contacted=told, sent=told, decided=told, closed=told)

    result = metrics(world)
    contact, decision, closure = result.measures

    for measure in result.measures:
        assert measure.inconsistent == 1
        assert measure.median_hours == 0.0 and measure.mean_hours == 0.0
        assert all(m.median_hours is None or m.median_hours >= 0 for m in measure.months)
        assert all(bucket.count >= 0 for bucket in measure.buckets)
        assert measure.buckets[0].count == measure.measured
        february = measure.months[result.period.months.index(datetime.date(2026, 2, 1))]
        assert (february.measured, february.inconsistent, february.median_hours) == (
            measure.measured, 1, 0.0)
    # "N measured" is exactly the durations behind the figure: the out-of-order ones are out.
    assert (contact.measured, decision.measured, closure.measured) == (3, 1, 1)
    # The cases behind the "inconsistent" count are those to correct, and only those.
    period = result.period
    assert behind(world, REPORT_TO_POLICE_CONTACT, period, inconsistent=True).count() == 1
    wrong = behind(world, HANDOFF_TO_DECISION, period, inconsistent=True).get()
    assert wrong.hours == -3.0 and wrong.ended_at < wrong.started_at


def test_a_zero_median_is_zero_not_nothing(world):
    told = local(2026, 3, 2, 8, 0)
    incident(world, told=told, contacted=told)
    contact = metrics(world).report_to_police_contact
    assert contact.measured == 1
    assert contact.median_hours == 0.0 and contact.median_hours is not None
    assert contact.within == 1


def test_durations_are_to_the_second_at_the_bounds(world):
    told = local(2026, 1, 5, 10, 0)
    incident(world, told=told, contacted=told + 24 * HOUR)  # exactly the expectation: within
    incident(world, told=told, contacted=told + 24 * HOUR + SECOND)  # one second past it
    incident(world, told=told, contacted=told + 2 * HOUR)  # the first bucket's bound: in it
    contact = metrics(world).report_to_police_contact
    assert contact.within == 2
    assert [bucket.count for bucket in contact.buckets] == [1, 0, 1, 1, 0]
    assert [bucket.within_expectation for bucket in contact.buckets] == [
        True, True, True, False, False]
    assert (contact.buckets[2].lower_hours, contact.buckets[2].upper_hours) == (8.0, 24.0)
    assert (contact.buckets[4].lower_hours, contact.buckets[4].upper_hours) == (48.0, None)


def test_months_and_period_bounds_in_montreal_time(world):
    period = Period(first=datetime.date(2025, 12, 1), last=datetime.date(2026, 1, 1))
    edges = [
        local(2025, 11, 30, 23, 59, 59),  # before the period
        local(2025, 12, 1, 0, 0),  # December's first second
        local(2025, 12, 31, 23, 30),  # already January in UTC: December here
        local(2026, 1, 31, 23, 59, 59),  # January's last second
        local(2026, 2, 1, 0, 0),  # after the period
    ]
    for told in edges:
        incident(world, told=told, contacted=told + HOUR)
    contact = metrics(world, period=period).report_to_police_contact
    assert [m.month for m in contact.months] == period.months
    assert [m.measured for m in contact.months] == [2, 1]
    assert contact.measured == 3
    december = behind(world, REPORT_TO_POLICE_CONTACT, period, month=datetime.date(2025, 12, 1))
    assert sorted(c.started_at for c in december) == edges[1:3]


def test_month_bounds_across_daylight_saving_time(world):
    # Montreal is UTC-4 in summer: June ends at 04:00 UTC on July 1.
    period = Period(first=datetime.date(2025, 6, 1), last=datetime.date(2025, 7, 1))
    incident(world, told=local(2025, 6, 30, 23, 30), contacted=local(2025, 7, 1, 1, 0))
    incident(world, told=local(2025, 7, 1, 0, 0), contacted=local(2025, 7, 1, 1, 0))
    contact = metrics(world, period=period).report_to_police_contact
    assert [m.measured for m in contact.months] == [1, 1]


def test_the_decision_counts_in_the_month_of_the_hand_off(world):
    # Reported in January, handed off in February, decided in March.
    incident(world, told=local(2026, 1, 31, 20, 0), contacted=local(2026, 1, 31, 21, 0),
             sent=local(2026, 2, 2, 9, 0), decided=local(2026, 3, 2, 9, 0))
    result = metrics(world)
    months = result.period.months
    decision = result.handoff_to_decision
    assert decision.months[months.index(datetime.date(2026, 2, 1))].measured == 1
    assert decision.months[months.index(datetime.date(2026, 2, 1))].median_hours == 672.0
    assert result.report_to_police_contact.months[
        months.index(datetime.date(2026, 1, 1))].measured == 1
    assert decision.buckets[-1].count == 1 and decision.within == 0


def test_every_figure_has_exactly_its_cases_behind_it(world):
    told = local(2025, 11, 20, 9, 0)
    offsets = [0, 1, 5, 9, 23, 24, 30, 47, 50, 100, 200, -3]
    for i, hours in enumerate(offsets):
        incident(world, told=told + i * 9 * DAY, contacted=told + i * 9 * DAY + hours * HOUR,
                 sent=told + i * 9 * DAY + (hours + 1) * HOUR,
                 decided=told + i * 9 * DAY + (hours + 1 + offsets[-1 - i]) * HOUR,
                 closed=told + i * 9 * DAY + hours * 3 * HOUR)
    result = metrics(world)
    period = result.period
    for measure in result.measures:
        spec = MEASURES[measure.key]
        assert behind(world, spec, period).count() == measure.measured
        assert behind(world, spec, period, inconsistent=True).count() == measure.inconsistent
        for figure in measure.months:
            assert behind(world, spec, period, month=figure.month).count() == figure.measured
            assert behind(world, spec, period, month=figure.month,
                          inconsistent=True).count() == figure.inconsistent
        for bucket in measure.buckets:
            found = behind(world, spec, period, bucket=bucket.index)
            assert found.count() == bucket.count, (measure.key, bucket)
            assert all(c.hours >= 0 for c in found)
    assert result.report_to_closure.inconsistent == 1
    assert result.report_to_police_contact.measured == 11


def test_a_police_forces_view_of_its_hand_offs(world):
    told = local(2026, 2, 10, 9, 0)
    incident(world, told=told, contacted=told + 4 * HOUR, sent=told + 5 * HOUR,
             decided=told + 17 * HOUR)
    # Police contacted, hand-off not sent yet: the school measures it, the force has nothing.
    incident(world, told=told, contacted=told + 2 * HOUR)
    case_create(world.school, told_at=NOW - 30 * HOUR)  # not handed to any force
    force = metrics(world, cases=force_cases(world.force_ok.pk))
    school = metrics(world)
    assert force.open_total == 1 and school.open_total == 3
    assert force.no_police_contact == 0
    assert force.handoff_to_decision.median_hours == 12.0
    assert force.report_to_police_contact.measured == 1
    assert school.report_to_police_contact.measured == 2


def test_metrics_hold_no_names(world):
    case = case_create(world.school, account="Récit fictif", told_at=NOW - HOUR)
    student_add(case, Student.Part.VICTIM, "Léa Fictive")
    text = repr(metrics(world))
    assert "Léa" not in text and "Récit" not in text and case.reference not in text


@pytest.mark.parametrize("spec", [REPORT_TO_POLICE_CONTACT, HANDOFF_TO_DECISION,
                                  REPORT_TO_CLOSURE])
def test_each_measures_expectation_is_a_bucket_bound(spec):
    assert spec.expected_hours in spec.bounds
    within = [spec.bucket_within(i) for i in range(len(spec.bounds) + 1)]
    assert within == sorted(within, reverse=True) and within[0] and not within[-1]
