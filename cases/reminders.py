"""Reminders and escalations about cases (`sexto cases remind`, run every 5 minutes by cron).

What is found here, each told once to the people who must act (cases.notifications):
- a follow-up of the support plan fell due: the case's lead, else the principals;
- a hand-off still unacknowledged 24 hours after it was sent: the force's liaison officers
  again; after 48 hours: the school's principals;
- a case still without a lead after 4 working hours (notifications.working_hours): the
  school's principals.

Each reminder has a key naming the event and the delay; notifications.services.notify makes
at most one notice per person and key, so running this every few minutes, twice at once, or
again after a failure never tells anybody twice. Something nobody could be told about (a school
with no principal) is tried again at each run and reported on stderr.

Emails say only that something is due and give a link, as every case email.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases import kit
from cases import notifications as case_notifications
from cases.models import Case, PoliceHandoff, SupportAction
from notifications.selectors import emails_unsent, keys_notified
from notifications.services import notices_make, notification_emails_send
from notifications.working_hours import working_time_between

# The police are asked to acknowledge a hand-off within the day (the DPCP decides in about
# 24 hours): past each delay, the next people up are told.
HANDOFF_ESCALATIONS = (
    (kit.ACKNOWLEDGEMENT_WITHIN, case_notifications.HANDOFF_WAITING_24H),
    (kit.ACKNOWLEDGEMENT_LATE, case_notifications.HANDOFF_WAITING_48H),
)
# The kit expects the meetings, the grid and the police contact the day of the report.
UNASSIGNED_AFTER = kit.LEAD_WITHIN_WORKING_TIME
# Delays that ran out longer ago than this are not reminded: the first run after installing
# this (or after cron stopped for days) would otherwise flood people with stale escalations.
# Follow-ups are not bounded by it: a due follow-up is reminded until someone is told.
LOOK_BACK = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Reminder:
    case_id: str
    what: str  # the kind of notice, without its "cases." prefix
    detail: str  # for the operator: "2 action(s) due", "24 h without acknowledgement"
    reachable: bool  # somebody may be told (else: no lead, principal or liaison officer)
    notified: int  # people given a notice now (0 also when all of them had it already)


@dataclass
class ReminderReport:
    reminders: list[Reminder] = field(default_factory=list)
    emails_sent: int = 0  # this run's notices, and earlier ones whose email had failed
    emails_failed: int = 0  # tried again at the next runs, for a day

    @property
    def notified(self) -> int:
        return sum(reminder.notified for reminder in self.reminders)

    @property
    def unreachable(self) -> list[Reminder]:
        return [reminder for reminder in self.reminders if not reminder.reachable]


def reminders_send(*, now: datetime.datetime | None = None) -> ReminderReport:
    """Find what fell due or waited too long at `now`, and tell the people who must act.

    Each reminder is made in a transaction of its own; the emails leave at the end, once all
    are committed, together with those that could not be sent at earlier runs or requests: a
    mail server that is down costs one warning per run, and nothing is lost.
    """
    now = now or timezone.now()
    report = ReminderReport()
    made: list = []
    for remind in (_support_due, _handoffs_waiting, _cases_unassigned):
        remind(now=now, report=report, made=made)
    emails = notification_emails_send(
        notification_ids=list(dict.fromkeys([*made, *emails_unsent(now=now)])))
    report.emails_sent, report.emails_failed = emails.sent, emails.failed
    return report


def _tell(*, report: ReminderReport, made: list, case_id, kind: str, detail: str,
          recipients, key: str, url_name: str, url_args) -> bool:
    """One reminder's notices; False when there is nobody to tell."""
    recipients = list(recipients)
    notices = notices_make(kind=kind, recipients=recipients, key=key, url_name=url_name,
                           url_args=url_args) if recipients else []
    made.extend(notice.pk for notice in notices)
    report.reminders.append(Reminder(case_id=str(case_id), what=kind.removeprefix("cases."),
                                     detail=detail, reachable=bool(recipients),
                                     notified=len(notices)))
    return bool(recipients)


def _support_due(*, now, report, made) -> None:
    """Follow-ups due today or earlier, not done, nobody told yet: one notice per case."""
    actions = (
        SupportAction.objects
        .filter(due_on__lte=timezone.localdate(now), done_at__isnull=True,
                reminded_at__isnull=True)
        # A closed case's plan is over: nobody is left to act on it.
        .exclude(case__status=Case.Status.CLOSED)
        .select_related("case", "case__lead", "case__school")
        # The description is encrypted and never used here: not decrypted for nothing.
        .only("id", "case_id", "due_on", "case__id", "case__school", "case__lead")
        .order_by("case__created_at", "case_id", "due_on")
    )
    by_case: dict = defaultdict(list)
    cases = {}
    for action in actions:
        by_case[action.case_id].append(action.pk)
        cases[action.case_id] = action.case
    today = timezone.localdate(now)
    for case_id, action_ids in by_case.items():
        case = cases[case_id]
        # One a day at most per case: a follow-up added later the same day joins this one.
        with transaction.atomic():
            told = _tell(report=report, made=made, case_id=case_id,
                         kind=case_notifications.SUPPORT_DUE,
                         detail=f"{len(action_ids)} action(s) due",
                         recipients=case_notifications.lead_else_principals(case),
                         key=f"{case_notifications.SUPPORT_DUE}:{case_id}:{today.isoformat()}",
                         url_name="cases:case_detail", url_args=[case_id])
            if told:
                SupportAction.objects.filter(pk__in=action_ids).update(reminded_at=now)


def _handoffs_waiting(*, now, report, made) -> None:
    """Hand-offs sent and not acknowledged past 24 h (liaison officers), 48 h (principals)."""
    for delay, kind in HANDOFF_ESCALATIONS:
        handoffs = list(
            PoliceHandoff.objects
            .filter(sent_at__isnull=False, acknowledged_at__isnull=True,
                    sent_at__lte=now - delay, sent_at__gt=now - delay - LOOK_BACK)
            .exclude(case__status=Case.Status.CLOSED)
            .only("id", "case_id", "force_id", "sent_at", "case__school_id")
            .select_related("case")
            .order_by("sent_at")
        )
        keys = {handoff.pk: f"{kind}:{handoff.pk}:{handoff.sent_at.isoformat()}"
                for handoff in handoffs}
        done = keys_notified(keys.values())
        hours = int(delay.total_seconds() // 3600)
        for handoff in handoffs:
            if keys[handoff.pk] in done:
                continue
            if kind == case_notifications.HANDOFF_WAITING_24H:
                recipients = case_notifications.liaison_officers(handoff.force_id)
                url_name = "cases:police_handoff"
            else:
                recipients = case_notifications.principals(handoff.case.school_id)
                url_name = "cases:case_detail"
            _tell(report=report, made=made, case_id=handoff.case_id, kind=kind,
                  detail=f"{hours} h without acknowledgement", recipients=recipients,
                  key=keys[handoff.pk], url_name=url_name, url_args=[handoff.case_id])


def _cases_unassigned(*, now, report, made) -> None:
    """Open cases still without a lead after 4 working hours: the school's principals."""
    cases = list(
        Case.objects
        # Working time is never more than the time elapsed: the database narrows it first.
        .filter(lead__isnull=True, created_at__lte=now - UNASSIGNED_AFTER,
                created_at__gt=now - LOOK_BACK)
        .exclude(status=Case.Status.CLOSED)
        .only("id", "school_id", "created_at")
        .order_by("created_at")
    )
    keys = {case.pk: f"{case_notifications.CASE_UNASSIGNED}:{case.pk}" for case in cases}
    done = keys_notified(keys.values())
    for case in cases:
        if keys[case.pk] in done or working_time_between(case.created_at, now) < UNASSIGNED_AFTER:
            continue
        _tell(report=report, made=made, case_id=case.pk, kind=case_notifications.CASE_UNASSIGNED,
              detail="no lead after 4 working hours",
              recipients=case_notifications.principals(case.school_id),
              key=keys[case.pk], url_name="cases:case_detail", url_args=[case.pk])
