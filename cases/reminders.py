"""Reminders of support actions that fell due (`sexto cases remind`, run daily by cron).

An email leaves the platform and may be read anywhere, so a reminder says only that something
is due and gives a link to the case page, behind login and second factor: no name, no
reference, no description, not even the kind of action.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from cases.models import Case, SupportAction

logger = logging.getLogger(__name__)

# A reminder already sent is not sent again before this: a daily cron job then reminds once a
# day, and a second run on the same day (a retry after a failure) sends nothing twice.
REMIND_AGAIN_AFTER = datetime.timedelta(days=1)


def case_url(case: Case) -> str:
    """The absolute address of a case's page, in the active language."""
    return settings.SITE_URL + reverse("cases:case_detail", args=[case.pk])


def support_actions_due(*, now: datetime.datetime) -> list[SupportAction]:
    """Actions due today or earlier, not done, not reminded in the last day."""
    return list(
        SupportAction.objects
        .filter(due_on__lte=timezone.localdate(now), done_at__isnull=True)
        # A closed case's plan is over: nobody is left to act on it.
        .exclude(case__status=Case.Status.CLOSED)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_AGAIN_AFTER))
        .select_related("case", "case__lead")
        # The description is encrypted and never used here: not decrypted for nothing.
        .only("id", "case_id", "due_on", "case__id", "case__school_id", "case__lead")
        .order_by("case__created_at", "case_id", "due_on")
    )


def reminder_recipients(case: Case) -> list[User]:
    """The case's lead, else the school's principals: the people who must act on it."""
    if case.lead is not None and case.lead.is_active:
        return [case.lead]
    return list(
        User.objects.filter(is_active=True, memberships__role=Role.PRINCIPAL,
                            memberships__organisation_id=case.school_id)
        .distinct().order_by("email")
    )


@dataclass(frozen=True)
class CaseReminder:
    case_id: str
    actions: int
    recipients: int  # emails sent for this case; 0 when nobody could be reached


@dataclass
class ReminderReport:
    reminders: list[CaseReminder] = field(default_factory=list)

    @property
    def emails_sent(self) -> int:
        return sum(reminder.recipients for reminder in self.reminders)

    @property
    def unreachable(self) -> list[CaseReminder]:
        return [reminder for reminder in self.reminders if reminder.recipients == 0]


def support_reminders_send(*, now: datetime.datetime | None = None) -> ReminderReport:
    """One email per case and recipient, whatever the number of actions due in the case.

    `reminded_at` is set only when at least one email went out: a case nobody could be told
    about (no lead, no principal, mail server down) is tried again on the next run.
    """
    now = now or timezone.now()
    by_case: dict = defaultdict(list)
    cases = {}
    for action in support_actions_due(now=now):
        by_case[action.case_id].append(action.pk)
        cases[action.case_id] = action.case
    report = ReminderReport()
    for case_id, action_ids in by_case.items():
        case = cases[case_id]
        sent = sum(_remind(case=case, recipient=recipient)
                   for recipient in reminder_recipients(case))
        if sent:
            SupportAction.objects.filter(pk__in=action_ids).update(reminded_at=now)
        report.reminders.append(CaseReminder(case_id=str(case_id), actions=len(action_ids),
                                             recipients=sent))
    return report


def _remind(*, case: Case, recipient: User) -> bool:
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        context = {"recipient": recipient, "link": case_url(case)}
        subject = render_to_string("cases/email/support_due_subject.txt", context)
        body = render_to_string("cases/email/support_due_body.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [recipient.email])
    except OSError:
        # Logged without the address or the case: the next run tries again.
        logger.exception("Could not send a support action reminder")
        return False
    return True
