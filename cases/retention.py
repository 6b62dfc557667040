"""The retention schedule of case files, and the purge that applies it (`sexto cases purge`).

Law 25 asks that personal information be destroyed once its purpose is achieved, following the
organisation's retention schedule; the Youth Criminal Justice Act (s. 125(7)) asks that what the
police shared with a school be destroyed once no longer needed. Two rules follow:

- a closed case is destroyed, whole, `closed_case_days` after its closure;
- police information (SharedInformation) is destroyed `police_information_days` after it was
  shared, even while the case stays open.

A case under legal hold loses nothing. What was destroyed leaves a DestructionRecord and an
audit entry (opaque ids, dates, the rule applied) and nothing of its content.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Organisation
from audit.services import record
from cases.models import Case, DestructionRecord, RetentionSchedule, SharedInformation

WHAT_CASE = DestructionRecord.What.CASE
WHAT_POLICE_INFORMATION = DestructionRecord.What.POLICE_INFORMATION


@dataclass(frozen=True)
class Schedule:
    """The schedule that applies to a school, and where it comes from."""

    closed_case_days: int
    police_information_days: int
    organisation: Organisation | None  # None: the defaults, no organisation set one

    @property
    def code(self) -> str:
        # The code, not the name: short, stable and unique. Empty for the defaults.
        return self.organisation.code if self.organisation is not None else ""

    def days(self, what: str) -> int:
        return self.closed_case_days if what == WHAT_CASE else self.police_information_days


def _default_schedule() -> Schedule:
    # The model's field defaults are the one place the default durations are written.
    meta = RetentionSchedule._meta
    return Schedule(closed_case_days=meta.get_field("closed_case_days").default,
                    police_information_days=meta.get_field("police_information_days").default,
                    organisation=None)


def _schedule_from(row: RetentionSchedule) -> Schedule:
    return Schedule(closed_case_days=row.closed_case_days,
                    police_information_days=row.police_information_days,
                    organisation=row.organisation)


def schedule_for(school: Organisation) -> Schedule:
    """The school's own schedule, else the nearest ancestor's (service centre, network), else
    the defaults."""
    return schedules_for([school])[school.pk]


def inherited_schedule(organisation: Organisation) -> Schedule:
    """The schedule `organisation` would follow without one of its own."""
    parent = organisation.parent
    return schedule_for(parent) if parent is not None else _default_schedule()


def schedules_for(schools: list[Organisation]) -> dict:
    """Schedules of many schools (or other organisations) with two queries, whatever their
    number: for the purge and the privacy officer's retention page."""
    organisations = {school.pk: school for school in schools}
    # Walk up the parents once for all schools; a cycle (refused nowhere in the model) stops
    # the walk instead of looping.
    pending = {school.parent_id for school in schools} - set(organisations) - {None}
    while pending:
        found = list(Organisation.objects.filter(pk__in=pending))
        organisations.update({organisation.pk: organisation for organisation in found})
        pending = {o.parent_id for o in found} - set(organisations) - {None}
    rows = {row.organisation_id: row for row in
            RetentionSchedule.objects.filter(organisation__in=list(organisations))}
    result = {}
    for school in schools:
        current, seen = school, set()
        schedule = None
        while current is not None and current.pk not in seen:
            seen.add(current.pk)
            if current.pk in rows:
                row = rows[current.pk]
                row.organisation = current
                schedule = _schedule_from(row)
                break
            current = organisations.get(current.parent_id)
        result[school.pk] = schedule or _default_schedule()
    return result


@dataclass(frozen=True)
class ChangeImpact:
    """What a new schedule for an organisation would make due at once: counts only."""

    cases: int  # closed cases the next purge would destroy that the schedule now keeps
    police_information: int  # police information items, likewise

    @property
    def any(self) -> bool:
        return bool(self.cases or self.police_information)


def schedule_change_impact(organisation: Organisation, *, closed_case_days: int,
                           police_information_days: int,
                           now: datetime.datetime | None = None) -> ChangeImpact:
    """What giving `organisation` this schedule would make the next purge destroy, beyond what
    it destroys anyway: asked before a change that shortens retention takes effect.

    The schools concerned are those that would follow it: the organisation itself if it is a
    school, and its schools that have no schedule of their own.
    """
    now = now or timezone.now()
    schools = list(Organisation.objects.filter(
        Q(pk=organisation.pk) | Q(parent=organisation), kind=Organisation.Kind.SCHOOL))
    current = schedules_for(schools)
    cases = police = 0
    for school in schools:
        schedule = current[school.pk]
        if school.pk != organisation.pk and schedule.organisation == school:
            continue  # keeps its own schedule
        new_closed = now - datetime.timedelta(days=closed_case_days)
        kept_closed = now - datetime.timedelta(days=schedule.closed_case_days)
        if new_closed > kept_closed:
            cases += Case.objects.filter(
                school=school, **_closed_bound(),
                closed_at__lt=new_closed, closed_at__gte=kept_closed).count()
        new_police = now - datetime.timedelta(days=police_information_days)
        kept_police = now - datetime.timedelta(days=schedule.police_information_days)
        if new_police > kept_police:
            police += SharedInformation.objects.filter(
                handoff__case__school=school, handoff__case__legal_hold=False,
                created_at__lt=new_police, created_at__gte=kept_police).count()
    return ChangeImpact(cases=cases, police_information=police)


@dataclass(frozen=True)
class PurgeItem:
    """One case touched by the purge: ids, the rule and a count, never content."""

    case_id: str
    school_id: str
    what: str  # WHAT_CASE or WHAT_POLICE_INFORMATION
    schedule_code: str  # whose schedule applied; empty for the defaults
    kept_days: int  # the retention period it set
    shared_rows: int  # SharedInformation rows destroyed with it

    @property
    def rule(self) -> str:
        """The rule for the command's output (cron mail, logs): ids and numbers only."""
        return f"schedule {self.schedule_code or 'default'}: kept {self.kept_days} days"


@dataclass
class PurgeReport:
    now: datetime.datetime
    dry_run: bool
    items: list[PurgeItem] = field(default_factory=list)

    @property
    def cases_destroyed(self) -> int:
        return sum(1 for item in self.items if item.what == WHAT_CASE)

    @property
    def police_information_cases(self) -> int:
        return sum(1 for item in self.items if item.what == WHAT_POLICE_INFORMATION)

    @property
    def shared_rows_destroyed(self) -> int:
        return sum(item.shared_rows for item in self.items)


def purge(*, now: datetime.datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Destroy what the retention schedules say has been kept long enough.

    The plan is made first, then the cases are destroyed in batches, each in its own
    transaction that checks the rule again under row locks: a legal hold set, or a case
    reopened, between the plan and the destruction wins. A dry run reports the plan and changes
    nothing.
    """
    now = now or timezone.now()
    report = PurgeReport(now=now, dry_run=dry_run)
    closed = _closed_cases_due(now)
    police = _police_information_due(now, excluding={case.pk for case, _ in closed})
    shared_counts = _shared_counts_of_closed(now)
    for schedule, cases in _by_schedule(closed):
        for batch in _chunks(cases, DESTROY_BATCH):
            destroyed = ({case.pk for case in batch} if dry_run else
                         _cases_destroy(case_ids=[case.pk for case in batch], schedule=schedule,
                                        now=now))
            report.items.extend(
                PurgeItem(case_id=str(case.pk), school_id=str(case.school_id), what=WHAT_CASE,
                          schedule_code=schedule.code, kept_days=schedule.closed_case_days,
                          shared_rows=shared_counts.get(case.pk, 0))
                for case in batch if case.pk in destroyed)
    for case, schedule, shared_ids in police:
        item = PurgeItem(case_id=str(case.pk), school_id=str(case.school_id),
                         what=WHAT_POLICE_INFORMATION, schedule_code=schedule.code,
                         kept_days=schedule.police_information_days, shared_rows=len(shared_ids))
        if dry_run:
            report.items.append(item)
            continue
        destroyed = _police_information_destroy(case_id=case.pk, shared_ids=shared_ids,
                                                schedule=schedule, now=now)
        if destroyed:
            report.items.append(dataclasses.replace(item, shared_rows=destroyed))
    return report


def _candidate_cases(queryset):
    # Only what the purge needs: the narrative fields would be decrypted for nothing.
    return queryset.select_related("school").only(
        "id", "school", "created_at", "closed_at", "status", "legal_hold",
        "school__id", "school__parent_id", "school__code",
    )


def _closed_cases_due(now: datetime.datetime) -> list[tuple[Case, Schedule]]:
    # The shortest schedule anywhere bounds the candidates, so the database filters first and
    # each school's own schedule is applied to what is left.
    candidates = list(_candidate_cases(Case.objects.filter(
        **_closed_bound(),
        closed_at__lt=now - datetime.timedelta(days=_shortest("closed_case_days")),
    ).order_by("closed_at", "id")))
    schedules = schedules_for(list({case.school_id: case.school for case in candidates}.values()))
    due = []
    for case in candidates:
        schedule = schedules[case.school_id]
        if case.closed_at < now - datetime.timedelta(days=schedule.closed_case_days):
            due.append((case, schedule))
    return due


def _police_information_due(now: datetime.datetime, *, excluding: set
                            ) -> list[tuple[Case, Schedule, list]]:
    shortest = _shortest("police_information_days")
    rows = (SharedInformation.objects
            .filter(created_at__lt=now - datetime.timedelta(days=shortest),
                    handoff__case__legal_hold=False)
            .order_by("created_at", "id")
            .values_list("id", "created_at", "handoff__case_id"))
    by_case: dict = defaultdict(list)
    for shared_id, created_at, case_id in rows:
        # Cases destroyed whole take their police information with them. Filtered here, not
        # in SQL: the set can hold more ids than one statement accepts.
        if case_id not in excluding:
            by_case[case_id].append((shared_id, created_at))
    cases = {}
    for chunk in _chunks(list(by_case)):
        cases.update({case.pk: case for case in
                      _candidate_cases(Case.objects.filter(pk__in=chunk))})
    schedules = schedules_for(list({case.school_id: case.school for case in cases.values()}
                                   .values()))
    due = []
    for case_id, shared in by_case.items():
        case = cases[case_id]
        schedule = schedules[case.school_id]
        limit = now - datetime.timedelta(days=schedule.police_information_days)
        shared_ids = [shared_id for shared_id, created_at in shared if created_at < limit]
        if shared_ids:
            due.append((case, schedule, shared_ids))
    return due


def _shortest(field_name: str) -> int:
    """The shortest duration any schedule (or the default) sets for `field_name`."""
    values = list(RetentionSchedule.objects.values_list(field_name, flat=True))
    values.append(RetentionSchedule._meta.get_field(field_name).default)
    return min(values)


def _closed_bound() -> dict:
    """What a closed case needs for the purge to consider it, whatever its school."""
    return {"status": Case.Status.CLOSED, "legal_hold": False, "closed_at__isnull": False}


def _shared_counts_of_closed(now: datetime.datetime) -> dict:
    """SharedInformation rows per closed candidate case, in one grouped query."""
    bound = now - datetime.timedelta(days=_shortest("closed_case_days"))
    rows = (SharedInformation.objects
            .filter(**{f"handoff__case__{key}": value for key, value in _closed_bound().items()},
                    handoff__case__closed_at__lt=bound)
            .values("handoff__case_id").annotate(rows=Count("id"))
            .values_list("handoff__case_id", "rows"))
    return dict(rows)


def _chunks(values: list, size: int = 500):
    # Long IN lists are split: SQLite limits the number of parameters of one statement.
    for start in range(0, len(values), size):
        yield values[start:start + size]


# Cases destroyed per transaction: one delete cascades through a whole batch in a few
# statements, where one case at a time took about 16 (Django's deletion collector); a batch
# stays small enough to hold its row locks briefly.
DESTROY_BATCH = 100


def _by_schedule(due: list[tuple[Case, Schedule]]) -> list[tuple[Schedule, list[Case]]]:
    groups: dict[Schedule, list[Case]] = defaultdict(list)
    for case, schedule in due:
        groups[schedule].append(case)
    return list(groups.items())


@transaction.atomic
def _cases_destroy(*, case_ids: list, schedule: Schedule, now: datetime.datetime) -> set:
    """Destroy the cases among `case_ids` that are still due under a row lock; their ids.

    A case put under hold or reopened since the plan is no longer due and stays whole.
    """
    cases = list(Case.objects.select_for_update()
                 .filter(pk__in=case_ids, status=Case.Status.CLOSED, legal_hold=False,
                         closed_at__lt=now - datetime.timedelta(days=schedule.closed_case_days))
                 .only("id", "school_id", "created_at", "closed_at").order_by("closed_at", "id"))
    if not cases:
        return set()
    DestructionRecord.objects.bulk_create(
        [_destruction_record(case=case, what=WHAT_CASE, schedule=schedule) for case in cases])
    # One delete cascades to students, entries, devices and their transfers, the grid, the
    # hand-off with its follow-up and shared information, and the support actions.
    Case.objects.filter(pk__in=[case.pk for case in cases]).delete()
    for case in cases:
        record(action="case.destroyed", target_type="cases.case", target_id=str(case.pk),
               data=_rule_data(schedule, WHAT_CASE))
    return {case.pk for case in cases}


@transaction.atomic
def _police_information_destroy(*, case_id, shared_ids: list, schedule: Schedule,
                                now: datetime.datetime) -> int:
    case = (Case.objects.select_for_update().filter(pk=case_id, legal_hold=False)
            .only("id", "school_id", "created_at", "closed_at").first())
    if case is None:
        return 0
    limit = now - datetime.timedelta(days=schedule.police_information_days)
    deleted, _ = SharedInformation.objects.filter(pk__in=shared_ids, handoff__case=case,
                                                  created_at__lt=limit).delete()
    if not deleted:
        return 0
    _destruction_record(case=case, what=WHAT_POLICE_INFORMATION, schedule=schedule).save()
    record(action="case.police_information_destroyed", target_type="cases.case",
           target_id=str(case_id),
           data={**_rule_data(schedule, WHAT_POLICE_INFORMATION), "rows": deleted})
    return deleted


def _rule_data(schedule: Schedule, what: str) -> dict:
    return {"schedule": schedule.code, "kept_days": schedule.days(what)}


def _destruction_record(*, case: Case, what: str, schedule: Schedule) -> DestructionRecord:
    return DestructionRecord(
        case_id_destroyed=case.pk, school_id=case.school_id,
        opened_on=timezone.localdate(case.created_at),
        closed_on=timezone.localdate(case.closed_at) if case.closed_at else None,
        what=what, schedule_code=schedule.code, kept_days=schedule.days(what),
    )
