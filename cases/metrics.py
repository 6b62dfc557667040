"""The dashboard's measures: counts and durations over a set of cases, never a name.

`case_metrics(cases)` takes any queryset of cases: a school's (`Case.objects.filter(school=...)`)
or a police force's hand-offs (`Case.objects.filter(handoff__force=...)`). Counts are made by
the database. Durations are computed by the database too, in hours, for the cases reported in
the period shown (365 days unless told), and come back as one list of numbers per measure,
from a single query: median and mean are then taken in Python. Measured on SQLite at 100,000
cases, one pass returning the numbers costs less than the database's own AVG plus a second
sorted query for the median (two passes over the same joins), and a window-function median
was slower still.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Func, QuerySet
from django.utils import timezone

from cases.models import Case

# Steps the method expects within a delay; past it, the dashboard shows the case as late.
POLICE_CONTACT_WITHIN = datetime.timedelta(hours=24)  # contact the police "always", quickly
ACKNOWLEDGEMENT_WITHIN = datetime.timedelta(hours=48)  # the force confirms it received the file

# The kit's reference figures, shown beside ours: a prosecutor qualifies the act within about
# 24 h of the hand-off; files take about 4 days from report to closure.
DPCP_DECISION_EXPECTED_HOURS = 24.0
CLOSURE_EXPECTED_HOURS = 4 * 24.0

OPEN_STATUSES = [status for status in Case.Status.values if status != Case.Status.CLOSED]


@dataclass(frozen=True)
class Measure:
    """A duration over the cases that reached both ends of it."""

    median_hours: float | None
    mean_hours: float | None
    cases: int
    expected_hours: float | None = None  # the kit's figure, when it gives one


@dataclass(frozen=True)
class CaseMetrics:
    period_days: int
    open_by_status: dict[str, int]  # every open status, 0 included
    overdue_support_actions: int  # due before today and not done
    no_police_contact: int  # reported more than 24 h ago, police not contacted yet
    handoff_unacknowledged: int  # handed off more than 48 h ago, receipt not confirmed
    report_to_police_contact: Measure
    handoff_to_decision: Measure
    report_to_closure: Measure

    @property
    def open_total(self) -> int:
        return sum(self.open_by_status.values())

    @property
    def overdue_steps(self) -> int:
        return self.no_police_contact + self.handoff_unacknowledged


def case_metrics(cases: QuerySet[Case], *, now: datetime.datetime | None = None,
                 period_days: int = 365) -> CaseMetrics:
    now = now or timezone.now()
    # Ordering would only slow the grouped and counted queries below.
    cases = cases.order_by()
    open_cases = cases.filter(status__in=OPEN_STATUSES)
    counts = dict(open_cases.values_list("status").annotate(n=Count("pk")))
    to_contact, to_decision, to_closure = _durations(
        cases.filter(created_at__gte=now - datetime.timedelta(days=period_days)))
    return CaseMetrics(
        period_days=period_days,
        open_by_status={status: counts.get(status, 0) for status in OPEN_STATUSES},
        # Counted through the join from the cases (one row per action): about three times
        # faster on SQLite than `SupportAction.objects.filter(case__in=cases)`.
        overdue_support_actions=cases.filter(
            support_actions__done_at__isnull=True,
            support_actions__due_on__lt=timezone.localdate(now),
        ).count(),
        # A family sent to the police itself (step 7, no impact on the school) has no contact
        # of the school's to wait for.
        no_police_contact=open_cases.exclude(status=Case.Status.DIRECTED_TO_POLICE).filter(
            handoff__isnull=True, created_at__lte=now - POLICE_CONTACT_WITHIN,
        ).count(),
        handoff_unacknowledged=open_cases.filter(
            handoff__sent_at__lte=now - ACKNOWLEDGEMENT_WITHIN,
            handoff__acknowledged_at__isnull=True,
        ).count(),
        report_to_police_contact=to_contact,
        handoff_to_decision=to_decision,
        report_to_closure=to_closure,
    )


class HoursBetween(Func):
    """Hours from `start` to `end`, as a float computed by the database's own functions.

    Django's `F(end) - F(start)` is a Python function called once per row on SQLite
    (django_timestamp_diff): about ten times slower than julianday() over 100,000 cases.
    """

    output_field = FloatField()
    template = ("CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision) / 3600.0")
    arg_joiner = " - "

    def __init__(self, start: str, end: str, **extra):
        # The arguments in the order the subtraction needs them: end - start.
        super().__init__(F(end), F(start), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, arg_joiner=") - julianday(",
                           template="(julianday(%(expressions)s)) * 24.0", **extra)


def _measure(hours: list[float], *, expected_hours: float | None = None) -> Measure:
    if not hours:
        return Measure(median_hours=None, mean_hours=None, cases=0,
                       expected_hours=expected_hours)
    return Measure(median_hours=round(statistics.median(hours), 1),
                   mean_hours=round(statistics.fmean(hours), 1), cases=len(hours),
                   expected_hours=expected_hours)


def _durations(cases: QuerySet[Case]) -> tuple[Measure, Measure, Measure]:
    """The kit's three durations, from one pass over the cases (left joins: a case that has
    not reached both ends of a duration gives NULL for it, and is not counted in it)."""
    rows = cases.annotate(
        to_contact=HoursBetween("created_at", "handoff__contacted_at"),
        to_decision=HoursBetween("handoff__sent_at", "handoff__follow_up__qualified_at"),
        to_closure=HoursBetween("created_at", "closed_at"),
    ).values_list("to_contact", "to_decision", "to_closure")
    columns: tuple[list, list, list] = ([], [], [])
    for row in rows.iterator(chunk_size=5000):
        for column, value in zip(columns, row, strict=True):
            if value is not None:
                column.append(value)
    to_contact, to_decision, to_closure = columns
    return (_measure(to_contact),
            _measure(to_decision, expected_hours=DPCP_DECISION_EXPECTED_HOURS),
            _measure(to_closure, expected_hours=CLOSURE_EXPECTED_HOURS))
