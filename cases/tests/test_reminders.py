"""`sexto cases remind`: follow-ups due, hand-offs waiting 24 h and 48 h, cases without a lead
after 4 working hours. Each told once to exactly the people who must act, whatever the number
of runs (cron every 5 minutes): the clock is moved with `now=`, never waited for."""

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership, Role
from cases import notifications
from cases.models import Case, SupportAction
from cases.reminders import LOOK_BACK, reminders_send
from cases.tests.factories import case_create, handoff_add, student_add, support_action_add
from conftest import make_user
from notifications.models import Notification
from notifications.tests.mail import mail_server_down

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)
MONTREAL = zoneinfo.ZoneInfo("America/Montreal")
SECRET = "Récit fictif qui ne doit jamais sortir"


def _run() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("cases", "remind", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind)
                  .values_list("recipient__email", flat=True))


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=MONTREAL)


def _created(case: Case, at: datetime.datetime) -> Case:
    Case.objects.filter(pk=case.pk).update(created_at=at)
    case.created_at = at
    return case


def assert_content_free(messages, *secrets) -> None:
    assert messages
    for message in messages:
        for secret in secrets:
            assert secret not in message.subject and secret not in message.body, secret
        assert "/notifications/" in message.body


# --- Follow-ups due ---------------------------------------------------------------------------


def test_a_follow_up_due_tells_the_lead_once_with_only_a_link(cw):
    today = timezone.localdate()
    case = case_create(cw.school, lead=cw.intervener, account=SECRET)
    student_add(case, "victim", "Léa Fictive")
    due = support_action_add(case, due_on=today, description="Appeler la famille de Léa")
    late = support_action_add(case, due_on=today - 3 * DAY)
    later = support_action_add(case, due_on=today + DAY)
    done = support_action_add(case, due_on=today - DAY, done_at=timezone.now())

    out, err = _run()

    assert out.splitlines() == [
        f"{case.pk}\tsupport_due\t2 action(s) due\t1 person(s) notified",
        "1 reminder(s) in 1 case(s); 1 person(s) notified; 1 email(s) sent"]
    assert err == ""
    [message] = mail.outbox  # one per case and person, not one per action
    assert message.to == [cw.intervener.email]
    assert message.subject == "Sexto : un suivi est dû dans un dossier"
    assert_content_free(mail.outbox, SECRET, "Léa", "Appeler", case.reference, cw.school.name,
                        cw.intervener.full_name)
    assert told(notifications.SUPPORT_DUE) == [cw.intervener.email]
    notice = Notification.objects.get()
    assert (notice.url_name, notice.url_args) == ("cases:case_detail", [str(case.pk)])
    reminded = dict(SupportAction.objects.values_list("pk", "reminded_at"))
    assert reminded[due.pk] is not None and reminded[late.pk] is not None
    assert reminded[later.pk] is None and reminded[done.pk] is None

    # The next run, 5 minutes later: nothing more.
    out, _ = _run()
    assert out.splitlines() == ["0 reminder(s) in 0 case(s); 0 person(s) notified; "
                                "0 email(s) sent"]
    # The next day, `later` falls due: a reminder of its own; the others are not told again.
    report = reminders_send(now=timezone.now() + DAY)
    assert [(r.what, r.detail) for r in report.reminders] == [("support_due", "1 action(s) due")]
    assert [m.to for m in mail.outbox] == [[cw.intervener.email]] * 2
    # The day after, with nothing new falling due: nothing, although nothing was done.
    reminders_send(now=timezone.now() + 2 * DAY)
    assert len(mail.outbox) == 2


def test_follow_ups_fall_back_to_the_principals_in_their_language(cw):
    second = make_user("karim.direction@example.test", "Karim Fictif", preferred_language="en")
    Membership.objects.create(user=second, role=Role.PRINCIPAL, organisation=cw.school)
    case = case_create(cw.school)
    support_action_add(case, due_on=timezone.localdate())

    reminders_send()

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {cw.principal.email, second.email}  # not the other school's
    english = Notification.objects.get(recipient=second)
    with translation.override("en"):
        english_link = reverse("notifications:open", args=[english.pk])
    assert english_link.startswith("/en/") and english_link in by_address[second.email].body
    french = Notification.objects.get(recipient=cw.principal)
    assert reverse("notifications:open", args=[french.pk]) in by_address[cw.principal.email].body


def test_a_lead_who_left_or_lost_access_is_replaced_by_the_principals(cw):
    gone = make_user("luc.parti@example.test", "Luc Fictif", is_active=False)
    support_action_add(case_create(cw.school, lead=gone), due_on=timezone.localdate())
    unbadged = make_user("sam.intervention@example.test", "Sam Fictif")
    Membership.objects.create(user=unbadged, organisation=cw.school, role=Role.INTERVENER)
    support_action_add(case_create(cw.school, lead=unbadged), due_on=timezone.localdate())
    reminders_send()
    assert [message.to for message in mail.outbox] == [[cw.principal.email]] * 2


def test_closed_cases_are_not_reminded(cw):
    closed = case_create(cw.school, status=Case.Status.CLOSED)
    support_action_add(closed, due_on=timezone.localdate())
    handoff_add(closed, force=cw.force_ok, sent_at=timezone.now() - 3 * DAY)
    _created(closed, timezone.now() - 3 * DAY)
    out, _ = _run()
    assert mail.outbox == [] and not Notification.objects.exists()
    assert out.splitlines()[-1].startswith("0 reminder(s)")


def test_with_nobody_to_tell_it_says_so_and_tries_again(cw):
    case = case_create(cw.school_no_agreement)  # no principal in that school
    action = support_action_add(case, due_on=timezone.localdate())
    out, err = _run()
    assert mail.outbox == []
    assert err.splitlines() == [
        f"{case.pk}\tsupport_due\t1 action(s) due\tnobody to notify (no lead, principal or "
        "liaison officer); tried again next run"]
    assert SupportAction.objects.get(pk=action.pk).reminded_at is None

    principal = make_user("vera.direction@example.test", "Véra Fictive")
    Membership.objects.create(user=principal, organisation=cw.school_no_agreement,
                              role=Role.PRINCIPAL)
    _out, err = _run()
    assert err == "" and [m.to for m in mail.outbox] == [[principal.email]]


# --- Hand-offs not acknowledged ---------------------------------------------------------------


@pytest.fixture
def waiting(cw):
    """A hand-off sent to the school's force a while ago, not acknowledged; a second liaison
    officer of that force; and a hand-off of the other school to the other force."""
    cw.second_police = make_user("rita.liaison@example.test", "Rita Fictive")
    Membership.objects.create(user=cw.second_police, organisation=cw.force_ok,
                              role=Role.POLICE_LIAISON)
    cw.sent_at = timezone.now() - 2 * HOUR
    cw.case = case_create(cw.school, status=Case.Status.WITH_POLICE, lead=cw.intervener,
                          account=SECRET)
    cw.handoff = handoff_add(cw.case, force=cw.force_ok, sent_at=cw.sent_at,
                             sent_by=cw.intervener, police_file_number="PF-0001")
    other = case_create(cw.other_school, status=Case.Status.WITH_POLICE,
                        lead=cw.other_intervener)
    handoff_add(other, force=cw.other_force, sent_at=cw.sent_at + 10 * DAY)  # not yet due
    return cw


def test_24_hours_without_acknowledgement_tells_the_forces_liaison_officers_again(waiting):
    w = waiting
    reminders_send(now=w.sent_at + 24 * HOUR - SECOND)
    assert not Notification.objects.exists()

    report = reminders_send(now=w.sent_at + 24 * HOUR)
    assert [(r.what, r.notified) for r in report.reminders] == [
        ("handoff_unacknowledged_24h", 2)]
    assert told(notifications.HANDOFF_WAITING_24H) == sorted([w.police.email,
                                                               w.second_police.email])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w.police.email,
                                                           w.second_police.email])
    assert_content_free(mail.outbox, SECRET, w.case.reference, "PF-0001", w.school.name,
                        w.force_ok.name)
    assert {m.subject for m in mail.outbox} == {
        "Sexto : un dossier remis attend votre confirmation depuis 24 heures"}
    assert Notification.objects.filter(url_name="cases:police_handoff").count() == 2

    for minutes in (5, 10, 60, 23 * 60):  # cron keeps running: nothing twice
        reminders_send(now=w.sent_at + 24 * HOUR + minutes * 60 * SECOND)
    assert len(mail.outbox) == 2


def test_48_hours_without_acknowledgement_tells_the_principal(waiting):
    w = waiting
    reminders_send(now=w.sent_at + 24 * HOUR)
    mail.outbox.clear()
    reminders_send(now=w.sent_at + 48 * HOUR - SECOND)
    assert told(notifications.HANDOFF_WAITING_48H) == [] and mail.outbox == []

    reminders_send(now=w.sent_at + 48 * HOUR)
    assert told(notifications.HANDOFF_WAITING_48H) == [w.principal.email]
    assert [m.to for m in mail.outbox] == [[w.principal.email]]
    assert_content_free(mail.outbox, SECRET, w.case.reference, w.school.name, w.force_ok.name)
    reminders_send(now=w.sent_at + 48 * HOUR + 5 * 60 * SECOND)
    assert len(mail.outbox) == 1
    # The lead is not part of this escalation: it is the principal's to take up with the force.
    assert told(notifications.HANDOFF_WAITING_24H) == sorted([w.police.email,
                                                               w.second_police.email])


def test_a_hand_off_found_late_is_escalated_both_ways_at_once(waiting):
    w = waiting
    reminders_send(now=w.sent_at + 50 * HOUR)  # cron was down for two days
    assert told(notifications.HANDOFF_WAITING_24H) == sorted([w.police.email,
                                                               w.second_police.email])
    assert told(notifications.HANDOFF_WAITING_48H) == [w.principal.email]


def test_an_acknowledged_hand_off_is_not_escalated(waiting):
    w = waiting
    w.handoff.acknowledged_at = w.sent_at + 23 * HOUR
    w.handoff.acknowledged_by = w.police
    w.handoff.save()
    reminders_send(now=w.sent_at + 49 * HOUR)
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_delay_that_ran_out_long_ago_is_not_reminded(waiting):
    w = waiting
    reminders_send(now=w.sent_at + 24 * HOUR + LOOK_BACK + SECOND)
    assert told(notifications.HANDOFF_WAITING_24H) == []
    assert told(notifications.HANDOFF_WAITING_48H) == [w.principal.email]  # 48 h + 7 d not yet


# --- Cases without a lead ---------------------------------------------------------------------


@pytest.mark.parametrize(("created", "just_before", "at"), [
    # Monday 9:00 → Monday 13:00.
    ("2026-03-02T09:00", "2026-03-02T12:59:59", "2026-03-02T13:00"),
    # Friday 15:00: 2 h on Friday, the weekend counts nothing, 2 h on Monday → 10:00.
    ("2026-03-06T15:00", "2026-03-09T09:59:59", "2026-03-09T10:00"),
    # Reported at night: the count starts at 8:00.
    ("2026-03-03T22:30", "2026-03-04T11:59:59", "2026-03-04T12:00"),
])
def test_a_case_without_a_lead_after_4_working_hours_tells_the_principal(
        cw, created, just_before, at):
    case = _created(case_create(cw.school, account=SECRET), local(created))
    other = _created(case_create(cw.other_school), local(created))  # each school its own

    reminders_send(now=local(just_before))
    assert told(notifications.CASE_UNASSIGNED) == []

    report = reminders_send(now=local(at))
    assert sorted((r.case_id, r.what, r.notified) for r in report.reminders) == sorted([
        (str(case.pk), "case_unassigned", 1), (str(other.pk), "case_unassigned", 1)])
    key = f"{notifications.CASE_UNASSIGNED}:"
    assert Notification.objects.get(key=key + str(case.pk)).recipient == cw.principal
    assert Notification.objects.get(key=key + str(other.pk)).recipient == cw.other_principal
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cw.principal.email,
                                                           cw.other_principal.email])
    assert_content_free(mail.outbox, SECRET, case.reference, other.reference, cw.school.name,
                        cw.other_school.name)

    reminders_send(now=local(at) + 5 * 60 * SECOND)
    reminders_send(now=local(at) + DAY)
    assert len(mail.outbox) == 2


def test_a_case_with_a_lead_or_closed_is_not_unassigned(cw):
    monday = local("2026-03-02T09:00")
    _created(case_create(cw.school, lead=cw.intervener), monday)
    _created(case_create(cw.school, status=Case.Status.CLOSED), monday)
    reminders_send(now=monday + 2 * DAY)
    assert not Notification.objects.exists()


# --- The mail server, and the report --------------------------------------------------------


def test_with_the_mail_server_down_the_notices_stand_and_the_emails_go_later(
        waiting, settings):
    w = waiting
    mail_server_down(settings)
    # The hand-off has waited 25 hours.
    type(w.handoff).objects.filter(pk=w.handoff.pk).update(sent_at=timezone.now() - 25 * HOUR)

    out, err = _run()  # does not raise

    assert told(notifications.HANDOFF_WAITING_24H) == sorted([w.police.email,
                                                               w.second_police.email])
    assert out.splitlines()[-1] == ("1 reminder(s) in 1 case(s); 2 person(s) notified; "
                                    "0 email(s) sent")
    assert err.splitlines() == ["2 email(s) could not be sent (is the mail server up?); the "
                                "notices are in the app; tried again at the next runs for a day"]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out, err = _run()
    assert err == ""
    assert out.splitlines() == ["0 reminder(s) in 0 case(s); 0 person(s) notified; "
                                "2 email(s) sent"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w.police.email,
                                                           w.second_police.email])
    _run()
    assert len(mail.outbox) == 2


def test_the_report_gives_one_line_per_reminder_by_opaque_id(waiting):
    w = waiting
    type(w.handoff).objects.filter(pk=w.handoff.pk).update(sent_at=timezone.now() - 25 * HOUR)
    due = case_create(w.school, lead=w.intervener, account=SECRET)
    support_action_add(due, due_on=timezone.localdate())
    # Three days always hold more than 4 working hours, whatever day the test runs.
    unassigned = _created(case_create(w.school), timezone.now() - 3 * DAY)

    out, err = _run()

    assert err == ""
    assert out.splitlines() == [
        f"{due.pk}\tsupport_due\t1 action(s) due\t1 person(s) notified",
        f"{w.case.pk}\thandoff_unacknowledged_24h\t24 h without acknowledgement\t"
        "2 person(s) notified",
        f"{unassigned.pk}\tcase_unassigned\tno lead after 4 working hours\t1 person(s) notified",
        "3 reminder(s) in 3 case(s); 4 person(s) notified; 4 email(s) sent",
    ]
    for secret in (SECRET, w.case.reference, due.reference, w.school.name):
        assert secret not in out
