"""The dashboard's measures: counts and durations over a set of cases, never a name.

`case_metrics(cases, period=...)` takes any queryset of cases: a school's
(`Case.objects.filter(school=...)`) or a police force's hand-offs (`force_cases(force)`).

Durations are the kit's three (MEASURES), each from the times the events happened, as people
entered them: the incident reported (Case.told_at), the police contacted
(PoliceHandoff.contacted_at), the hand-off sent (PoliceHandoff.sent_at), the DPCP's decision
(PoliceFollowUp.qualified_at), the case closed (Case.closed_at); never from when a record was
created. A duration counts in the month (America/Montreal) of its first event. A pair entered
out of order (its end before its start) is never shown as a negative duration: it is left out
of the figures and counted apart as inconsistent, so that someone can correct the entries;
"N measured" is exactly the number of durations behind a median or a share.

Performance: one query per dashboard. The database computes, for each case of the period and
each open case, the durations in whole seconds (julianday() on SQLite, EXTRACT(EPOCH) on
PostgreSQL), the month of each (a CASE over the month boundaries), the late-step flags and,
for open cases only, the overdue support actions (a correlated count on the action's case
index); the rows come straight from the cursor and one Python pass takes the counts, the
medians, the shares and the buckets. Measured on SQLite at 100,000 cases (bench/dashboard.py),
this costs about a third less CPU than the former five queries (durations, then counts),
although it computes per month and per bucket: 270 against 420 ms for a school of 22,250
cases, 670 against 1,070 ms for a force that received 83,000 hand-offs. What remains is the
join itself (an index lookup of each case and hand-off by its uuid), linear in the cases of the
period. One pass returning the numbers costs less than the database's own AVG plus a second
sorted query for the median (two passes over the same joins), and a window-function median
was slower still. `measure_cases` lists the cases behind any figure with the same
expressions, so a list and its count always agree.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import statistics
import zoneinfo
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.db import connections, models
from django.db.models import (
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from accounts.models import Organisation
from cases import kit
from cases.access import CaseRoles, cases_for_police, cases_readable
from cases.models import Case, SupportAction

# Steps the method expects within a delay; past it, the dashboard shows the case as late.
# Late steps: the police not contacted within the day; a hand-off still without its receipt
# once the principal is told of it (cases/kit.py).
POLICE_CONTACT_WITHIN = kit.SCHOOL_STEPS_WITHIN
ACKNOWLEDGEMENT_WITHIN = kit.ACKNOWLEDGEMENT_LATE

OPEN_STATUSES = [status for status in Case.Status.values if status != Case.Status.CLOSED]

# The longest period the dashboard computes at once (the period form refuses more).
PERIOD_MONTHS_MAX = 36
DEFAULT_PERIOD_MONTHS = 12


@dataclass(frozen=True)
class MeasureSpec:
    """One of the kit's durations: from `start` to `end` (paths from Case), its expectation
    and the upper bounds (hours, included) of the buckets its distribution is counted in; the
    last bucket has no upper bound. The expectation is one of the bounds."""

    key: str
    start: str
    end: str
    expected_hours: float
    bounds: tuple[float, ...]

    def hours(self) -> HoursBetween:
        return HoursBetween(self.start, self.end)

    def bucket_range(self, index: int) -> tuple[float | None, float | None]:
        """(lower bound excluded, upper bound included) of bucket `index`: bucket i holds
        bounds[i-1] < hours <= bounds[i]. None: unbounded (the first starts at 0 h, included)."""
        lower = self.bounds[index - 1] if index > 0 else None
        upper = self.bounds[index] if index < len(self.bounds) else None
        return lower, upper

    def bucket_within(self, index: int) -> bool:
        _lower, upper = self.bucket_range(index)
        return upper is not None and upper <= self.expected_hours


# The kit: the police contacted the same day the incident is reported (within 24 h, as the
# late-steps count says), the DPCP's decision about 24 h after the hand-off, the file closed
# in about 4 days. Measured cases "within the expectation" took at most that long.
def _hours(delay: datetime.timedelta) -> float:
    return delay.total_seconds() / 3600


REPORT_TO_POLICE_CONTACT = MeasureSpec(
    key="contact", start="told_at", end="handoff__contacted_at",
    expected_hours=_hours(kit.SCHOOL_STEPS_WITHIN),
    bounds=(2.0, 8.0, 24.0, 48.0))
HANDOFF_TO_DECISION = MeasureSpec(
    key="decision", start="handoff__sent_at", end="handoff__follow_up__qualified_at",
    expected_hours=_hours(kit.DPCP_DECISION_EXPECTED), bounds=(12.0, 24.0, 48.0, 96.0))
REPORT_TO_CLOSURE = MeasureSpec(
    key="closure", start="told_at", end="closed_at",
    expected_hours=_hours(kit.CLOSURE_WITHIN),
    bounds=(48.0, 96.0, 168.0, 720.0))
MEASURES = {spec.key: spec for spec in
            (REPORT_TO_POLICE_CONTACT, HANDOFF_TO_DECISION, REPORT_TO_CLOSURE)}


# --- The period: whole months in the site's time zone --------------------------------------


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> int:
    """How many months from `first` to `last`, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class Period:
    """The months from `first` to `last`, both included (first days of months)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def ending(cls, last: datetime.date, count: int = DEFAULT_PERIOD_MONTHS) -> Period:
        """The `count` months up to `last`'s, included."""
        last = _month_start(last)
        return cls(first=_add_months(last, -(count - 1)), last=last)

    @classmethod
    def last_months(cls, count: int = DEFAULT_PERIOD_MONTHS, *,
                    now: datetime.datetime | None = None) -> Period:
        """The current month (in the site's time zone) and the `count - 1` before it."""
        return cls.ending(timezone.localdate(now or timezone.now()), count)

    @property
    def months(self) -> list[datetime.date]:
        return [_add_months(self.first, i) for i in range(months_between(self.first, self.last))]

    def boundaries(self) -> list[datetime.datetime]:
        """Midnight of the first day of each month, then of the month after the last, in the
        site's time zone (so that a case told at 23:30 on January 31 in Montreal is January's)."""
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return [datetime.datetime.combine(month, datetime.time(), tzinfo=zone)
                for month in [*self.months, _add_months(self.last, 1)]]

    def month_bounds(self, month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return (datetime.datetime.combine(month, datetime.time(), tzinfo=zone),
                datetime.datetime.combine(_add_months(month, 1), datetime.time(), tzinfo=zone))


# --- The figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigure:
    month: datetime.date
    measured: int  # durations whose both ends were entered in order
    median_hours: float | None
    within: int  # of those, how many took no longer than the kit's expectation
    inconsistent: int  # end entered before the start: left out of the figures

    @property
    def within_percent(self) -> int | None:
        return round(100 * self.within / self.measured) if self.measured else None


@dataclass(frozen=True)
class BucketFigure:
    index: int
    lower_hours: float | None  # excluded; None: from 0 h, included
    upper_hours: float | None  # included; None: no upper bound
    within_expectation: bool
    count: int


@dataclass(frozen=True)
class Measure:
    """One duration over the period: the figures shown, and those left out."""

    key: str
    expected_hours: float
    measured: int
    median_hours: float | None
    mean_hours: float | None
    within: int
    inconsistent: int
    months: tuple[MonthFigure, ...]
    buckets: tuple[BucketFigure, ...]

    @property
    def within_percent(self) -> int | None:
        return round(100 * self.within / self.measured) if self.measured else None


@dataclass(frozen=True)
class CaseMetrics:
    period: Period
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

    @property
    def measures(self) -> tuple[Measure, Measure, Measure]:
        return (self.report_to_police_contact, self.handoff_to_decision,
                self.report_to_closure)


def case_metrics(cases: QuerySet[Case], *, period: Period | None = None,
                 now: datetime.datetime | None = None) -> CaseMetrics:
    """Every figure of one dashboard, from one query over its cases (see the module's
    docstring): the cases of the period, for the durations, and the open ones, for the
    counts of open cases and late steps."""
    now = now or timezone.now()
    period = period or Period.last_months(now=now)
    bounds = period.boundaries()
    start, end = bounds[0], bounds[-1]
    is_open = Q(status__in=OPEN_STATUSES)
    rows = cases.order_by().filter(
        Q(told_at__gte=start, told_at__lt=end)
        | Q(handoff__sent_at__gte=start, handoff__sent_at__lt=end)
        | is_open
    ).annotate(
        told_month=_month_index("told_at", bounds),
        sent_month=_month_index("handoff__sent_at", bounds),
        to_contact=REPORT_TO_POLICE_CONTACT.hours(),
        to_decision=HANDOFF_TO_DECISION.hours(),
        to_closure=REPORT_TO_CLOSURE.hours(),
        # A family sent to the police itself (step 7, no impact on the school) has no contact
        # of the school's to wait for. The delay runs from the incident reported, as entered.
        late_contact=_flag(is_open & ~Q(status=Case.Status.DIRECTED_TO_POLICE)
                           & Q(handoff__isnull=True, told_at__lte=now - POLICE_CONTACT_WITHIN)),
        late_acknowledgement=_flag(is_open & Q(
            handoff__sent_at__lte=now - ACKNOWLEDGEMENT_WITHIN,
            handoff__acknowledged_at__isnull=True)),
        # Open cases only: a closed case's plan is over, and nobody is reminded of it
        # (cases.reminders). Asked only of open cases, by the index on the action's case.
        overdue_support=models.Case(
            When(is_open, then=Subquery(
                SupportAction.objects.filter(case=OuterRef("pk"), done_at__isnull=True,
                                             due_on__lt=timezone.localdate(now))
                .order_by().values("case").annotate(n=Count("pk")).values("n"))),
            default=Value(None), output_field=IntegerField()),
    ).values_list("status", "told_month", "sent_month", "to_contact", "to_decision",
                  "to_closure", "late_contact", "late_acknowledgement", "overdue_support")
    months = len(period.months)
    contact = _Accumulator(REPORT_TO_POLICE_CONTACT, months)
    decision = _Accumulator(HANDOFF_TO_DECISION, months)
    closure = _Accumulator(REPORT_TO_CLOSURE, months)
    open_by_status = dict.fromkeys(OPEN_STATUSES, 0)
    late_contacts = late_acknowledgements = overdue_support = 0
    # The values straight from the cursor: Django's per-value converters (float(), int() on
    # what SQLite and PostgreSQL already return as such) cost a third of this loop.
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            for (status, told_month, sent_month, to_contact, to_decision, to_closure,
                 late, unacknowledged, support) in batch:
                if told_month is not None:
                    if to_contact is not None:
                        contact.add(told_month, to_contact)
                    if to_closure is not None:
                        closure.add(told_month, to_closure)
                if sent_month is not None and to_decision is not None:
                    decision.add(sent_month, to_decision)
                if status in open_by_status:
                    open_by_status[status] += 1
                    late_contacts += late
                    late_acknowledgements += unacknowledged
                    overdue_support += support or 0
    return CaseMetrics(
        period=period, open_by_status=open_by_status,
        overdue_support_actions=overdue_support, no_police_contact=late_contacts,
        handoff_unacknowledged=late_acknowledgements,
        report_to_police_contact=contact.measure(period),
        handoff_to_decision=decision.measure(period),
        report_to_closure=closure.measure(period),
    )


def _flag(condition: Q) -> models.Case:
    return models.Case(When(condition, then=Value(1)), default=Value(0),
                       output_field=IntegerField())


class HoursBetween(Func):
    """Hours from `start` to `end`, to the second, computed by the database's own functions.

    Negative when the end was entered before the start (the callers set those apart). Rounded
    to the second so that the database and Python agree on a bound: 24 h is 24.0, not
    23.999999 (julianday works in floating-point days).
    Django's `F(end) - F(start)` is a Python function called once per row on SQLite
    (django_timestamp_diff): about ten times slower than julianday() over 100,000 cases.
    """

    output_field = FloatField()
    template = ("CAST(ROUND(EXTRACT(EPOCH FROM (%(expressions)s))) AS double precision)"
                " / 3600.0")
    arg_joiner = " - "

    def __init__(self, start: str, end: str, **extra):
        # The arguments in the order the subtraction needs them: end - start.
        super().__init__(F(end), F(start), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, arg_joiner=") - julianday(",
                           template="ROUND((julianday(%(expressions)s)) * 86400.0) / 3600.0",
                           **extra)


def _month_index(field: str, boundaries: list[datetime.datetime]) -> models.Case:
    """The index of the month `field` falls in (None outside the period), by the database:
    comparisons with the months' bounds, which an index or a plain scan answers alike."""
    return models.Case(
        When(**{f"{field}__lt": boundaries[0]}, then=Value(None)),
        *(When(**{f"{field}__lt": bound}, then=Value(index))
          for index, bound in enumerate(boundaries[1:])),
        default=Value(None), output_field=IntegerField(),
    )


class _Accumulator:
    """The durations of one measure, per month, as they come: those entered in order (a
    rounded -0.0 is an instant, 0 h), and how many were entered out of order."""

    def __init__(self, spec: MeasureSpec, months: int):
        self.spec = spec
        self.values: list[list[float]] = [[] for _ in range(months)]
        self.inconsistent = [0] * months

    def add(self, month: int, hours: float) -> None:
        if hours < 0:
            self.inconsistent[month] += 1
        else:
            self.values[month].append(hours or 0.0)  # -0.0 (a rounded instant) is 0

    def measure(self, period: Period) -> Measure:
        # Sorted once: medians, shares and buckets are then positions in the sorted lists.
        expected, bounds = self.spec.expected_hours, self.spec.bounds
        for values in self.values:
            values.sort()
        months = tuple(
            MonthFigure(month=month, measured=len(values), median_hours=_median(values),
                        within=bisect.bisect_right(values, expected),
                        inconsistent=inconsistent)
            for month, values, inconsistent in zip(period.months, self.values,
                                                   self.inconsistent, strict=True))
        every = sorted(itertools.chain.from_iterable(self.values))
        at_most = [bisect.bisect_right(every, bound) for bound in bounds]  # values <= bound
        counts = [b - a for a, b in zip([0, *at_most], [*at_most, len(every)], strict=True)]
        buckets = tuple(
            BucketFigure(index=index, lower_hours=self.spec.bucket_range(index)[0],
                         upper_hours=self.spec.bucket_range(index)[1],
                         within_expectation=self.spec.bucket_within(index), count=count)
            for index, count in enumerate(counts))
        return Measure(
            key=self.spec.key, expected_hours=expected, measured=len(every),
            median_hours=_median(every),
            mean_hours=round(statistics.fmean(every), 1) if every else None,
            within=sum(month.within for month in months),
            inconsistent=sum(self.inconsistent), months=months, buckets=buckets)


def _median(ordered: list[float]) -> float | None:
    """The median of values already sorted, to a tenth of an hour."""
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return round(ordered[middle], 1)
    return round((ordered[middle - 1] + ordered[middle]) / 2, 1)


# --- The cases behind a figure ------------------------------------------------------------


def measure_cases(cases: QuerySet[Case], *, spec: MeasureSpec, period: Period,
                  month: datetime.date | None = None, bucket: int | None = None,
                  inconsistent: bool = False) -> QuerySet[Case]:
    """The cases behind one figure of `spec` over `period`: its measured cases, or those of
    one `month`, or of one `bucket`, or the `inconsistent` ones; with `started_at`,
    `ended_at` and `hours` annotated, the most recent first event first. The same expressions
    as `case_metrics`: the list has exactly as many cases as the figure counts."""
    bounds = period.boundaries()
    start, end = (bounds[0], bounds[-1]) if month is None else period.month_bounds(month)
    found = cases.order_by().filter(**{f"{spec.start}__gte": start, f"{spec.start}__lt": end})
    found = found.annotate(hours=spec.hours()).filter(hours__isnull=False)
    if inconsistent:
        found = found.filter(hours__lt=0)
    else:
        found = found.filter(hours__gte=0)
        if bucket is not None:
            lower, upper = spec.bucket_range(bucket)
            if lower is not None:
                found = found.filter(hours__gt=lower)
            if upper is not None:
                found = found.filter(hours__lte=upper)
    return found.annotate(started_at=F(spec.start), ended_at=F(spec.end)).order_by(
        f"-{spec.start}", "reference")


# --- Whose dashboards --------------------------------------------------------------------


@dataclass(frozen=True)
class Board:
    """One dashboard: a school's cases (for its principal) or the hand-offs a police force
    received (for its liaison officers)."""

    kind: str  # "school" or "force"
    organisation_id: UUID
    name: str

    def cases(self) -> QuerySet[Case]:
        if self.kind == "school":
            return Case.objects.filter(school_id=self.organisation_id)
        return force_cases(self.organisation_id)

    def readable_by(self, roles: CaseRoles) -> bool:
        """Whether `roles` may open the cases behind the board's figures (cases.access)."""
        if self.kind == "school":
            return self.organisation_id in roles.case_schools
        return self.organisation_id in roles.police_forces

    def readable_cases(self, roles: CaseRoles) -> QuerySet[Case]:
        """The board's cases among those `roles` may read: a school's, its principal's
        (cases_readable); a force's hand-offs, its liaison officers' (cases_for_police)."""
        if self.kind == "school":
            return cases_readable(roles).filter(school_id=self.organisation_id)
        return cases_for_police(roles).filter(handoff__force_id=self.organisation_id)


def force_cases(force_id) -> QuerySet[Case]:
    """The hand-offs sent to a force: what its liaison officers read (cases_for_police)."""
    return Case.objects.filter(handoff__force_id=force_id, handoff__sent_at__isnull=False)


def boards_for(roles: CaseRoles) -> list[Board]:
    """The person's dashboards: each school they lead, then each force they liaise for."""
    schools = Organisation.objects.filter(pk__in=roles.principal_schools).order_by("name")
    forces = Organisation.objects.filter(pk__in=roles.police_forces).order_by("name")
    return ([Board(kind="school", organisation_id=o.pk, name=o.name)
             for o in schools.only("id", "name")]
            + [Board(kind="force", organisation_id=o.pk, name=o.name)
               for o in forces.only("id", "name")])


def board_for(roles: CaseRoles, *, kind: str, organisation_id) -> Board | None:
    """One of the person's dashboards, or None when it is not theirs."""
    return next((board for board in boards_for(roles)
                 if board.kind == kind and str(board.organisation_id) == str(organisation_id)),
                None)


def figure_cases(roles: CaseRoles, *, board: Board, spec: MeasureSpec, period: Period,
                 month: datetime.date | None = None, bucket: int | None = None,
                 inconsistent: bool = False) -> QuerySet:
    """The cases behind one figure of `board` that `roles` may read, as rows of their
    reference, the two times of the measure and the hours between them: nothing else."""
    return measure_cases(board.readable_cases(roles), spec=spec, period=period, month=month,
                         bucket=bucket, inconsistent=inconsistent).values(
        "pk", "reference", "started_at", "ended_at", "hours")
