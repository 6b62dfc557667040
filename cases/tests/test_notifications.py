"""Each case event is told to exactly the people who must act, in the app and by email, once,
never to the person who caused it, never with content (issue 9, "Nobody left unalerted").

The periodic reminders and escalations are in test_reminders.py.
"""

import logging

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from badges.models import Award
from cases import notifications, services
from cases.tests.conftest import hand_off, reported_case
from conftest import make_user
from notifications.models import Notification
from notifications.tests.mail import mail_server_down

ACCOUNT = "Une élève dit qu'une photo intime circule dans le groupe (récit fictif)."


@pytest.fixture
def people(cw):
    """cw, plus the people who must NOT be told: a second liaison officer of the school's force
    (who must be), an intervener of the school without a badge, a principal who left."""
    cw.second_police = make_user("rita.liaison@example.test", "Rita Fictive")
    Membership.objects.create(user=cw.second_police, organisation=cw.force_ok,
                              role=Role.POLICE_LIAISON)
    cw.unbadged = make_user("sam.intervention@example.test", "Sam Fictif")
    Membership.objects.create(user=cw.unbadged, organisation=cw.school, role=Role.INTERVENER)
    cw.former_principal = make_user("tom.parti@example.test", "Tom Fictif", is_active=False)
    Membership.objects.create(user=cw.former_principal, organisation=cw.school,
                              role=Role.PRINCIPAL)
    return cw


def everyone(w) -> list:
    return [w.principal, w.intervener, w.reporter, w.privacy_officer, w.police, w.org_admin,
            w.platform_admin, w.other_principal, w.other_intervener, w.other_staff,
            w.other_police, w.other_privacy_officer, w.second_police, w.unbadged,
            w.former_principal]


def told(kind: str) -> set[str]:
    """Emails of the people with a notice of `kind`."""
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def mailed(messages) -> list[str]:
    return sorted(address for message in messages for address in message.to)


def assert_content_free(messages, case, w) -> None:
    """No student, no reference, nothing told, no school, no force, no person's name."""
    assert messages
    secrets = ["Zoé", "Imaginaire", case.reference, "photo", "intime", "Agente Fictive",
               "PF-0001", w.school.name, w.force_ok.name, "Pionniers", "Val-Bleu",
               *(person.full_name for person in everyone(w))]
    for message in messages:
        for secret in secrets:
            assert secret not in message.subject, (secret, message.subject)
            assert secret not in message.body, (secret, message.body)
        assert "/notifications/" in message.body  # the link, and nothing else to read


def _report(w, capture):
    with capture(execute=True):
        return reported_case(w, account=ACCOUNT)


# --- A new report ---------------------------------------------------------------------------


def test_a_new_report_tells_the_principal_and_the_interveners_who_may_act(
        people, django_capture_on_commit_callbacks):
    w = people
    case = _report(w, django_capture_on_commit_callbacks)

    expected = {w.principal.email, w.intervener.email}
    assert told(notifications.CASE_REPORTED) == expected
    assert mailed(mail.outbox) == sorted(expected)
    assert_content_free(mail.outbox, case, w)
    assert {m.subject for m in mail.outbox} == {
        "Sexto : un incident a été déclaré dans votre école"}
    notice = Notification.objects.get(recipient=w.principal)
    assert notice.url_name == "cases:case_detail" and notice.url_args == [str(case.pk)]

    # Sent once: the same event again tells nobody anew.
    with django_capture_on_commit_callbacks(execute=True):
        notifications.case_reported_notify(case)
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2


def test_the_reporter_is_not_told_of_their_own_report(people, django_capture_on_commit_callbacks):
    w = people
    w.reporter = w.principal  # the principal reports an incident herself
    _report(w, django_capture_on_commit_callbacks)
    assert told(notifications.CASE_REPORTED) == {w.intervener.email}


def test_an_intervener_whose_badge_was_revoked_is_not_told(people,
                                                           django_capture_on_commit_callbacks):
    w = people
    Award.objects.filter(recipient=w.intervener).update(
        revoked=True, revoked_at=timezone.now(), revocation_reason="Fictif")
    _report(w, django_capture_on_commit_callbacks)
    assert told(notifications.CASE_REPORTED) == {w.principal.email}


def test_a_report_with_the_mail_server_down_still_notifies_in_the_app(
        people, settings, caplog, django_capture_on_commit_callbacks):
    w = people
    mail_server_down(settings)
    with caplog.at_level(logging.WARNING):
        case = _report(w, django_capture_on_commit_callbacks)  # does not raise
    assert case.pk
    assert told(notifications.CASE_REPORTED) == {w.principal.email, w.intervener.email}
    warnings = [r for r in caplog.records if r.name == "notifications.services"]
    assert len(warnings) == 1
    for secret in (w.principal.email, w.intervener.email, str(case.pk), case.reference):
        assert secret not in warnings[0].getMessage()
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2


def test_reporting_through_the_page_answers_normally_with_the_mail_server_down(
        people, settings, django_capture_on_commit_callbacks):
    from cases.tests.conftest import post_form, verified_client

    w = people
    mail_server_down(settings)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(verified_client(w.reporter), reverse("cases:case_report"), {
            "school": str(w.school.pk), "told_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "account": ACCOUNT, "channels": ["snapchat"], "still_spreading": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert told(notifications.CASE_REPORTED) == {w.principal.email, w.intervener.email}


# --- The hand-off and what the police say back ----------------------------------------------


def test_a_hand_off_tells_the_forces_liaison_officers_only(people,
                                                           django_capture_on_commit_callbacks):
    w = people
    case = reported_case(w, account=ACCOUNT)
    with django_capture_on_commit_callbacks(execute=True):
        case = hand_off(w, case)

    expected = {w.police.email, w.second_police.email}
    assert told(notifications.HANDOFF_SENT) == expected
    assert mailed(mail.outbox) == sorted(expected)
    assert_content_free(mail.outbox, case, w)
    assert Notification.objects.filter(kind=notifications.HANDOFF_SENT).first().url_name == (
        "cases:police_handoff")

    with django_capture_on_commit_callbacks(execute=True):
        notifications.handoff_sent_notify(case.handoff)
    assert len(mail.outbox) == 2


def test_a_hand_off_is_not_told_to_its_sender(people, django_capture_on_commit_callbacks):
    w = people
    # The sender also happens to be a liaison officer of the force (a school resource officer).
    Membership.objects.create(user=w.intervener, organisation=w.force_ok,
                              role=Role.POLICE_LIAISON)
    case = reported_case(w)
    with django_capture_on_commit_callbacks(execute=True):
        hand_off(w, case)
    assert told(notifications.HANDOFF_SENT) == {w.police.email, w.second_police.email}


def _with_lead(w):
    case = reported_case(w, account=ACCOUNT)
    services.case_lead_assign(case=case, lead=w.intervener, actor=w.principal)
    case.refresh_from_db()
    case = hand_off(w, case)
    mail.outbox.clear()
    return case


def test_the_acknowledgement_tells_the_lead_and_the_principal(
        people, django_capture_on_commit_callbacks):
    w = people
    case = _with_lead(w)
    with django_capture_on_commit_callbacks(execute=True):
        services.handoff_acknowledge(handoff=case.handoff, actor=w.police)

    expected = {w.intervener.email, w.principal.email}
    assert told(notifications.HANDOFF_ACKNOWLEDGED) == expected
    assert mailed(mail.outbox) == sorted(expected)
    assert_content_free(mail.outbox, case, w)

    with django_capture_on_commit_callbacks(execute=True):
        services.handoff_acknowledge(handoff=case.handoff, actor=w.second_police)
        notifications.handoff_acknowledged_notify(case.handoff)
    assert len(mail.outbox) == 2


def test_the_dpcp_decision_tells_the_lead_and_the_principal_once(
        people, django_capture_on_commit_callbacks):
    w = people
    case = _with_lead(w)
    with django_capture_on_commit_callbacks(execute=True):
        follow_up = services.follow_up_save(
            handoff=case.handoff, actor=w.police, qualification="impulsive",
            qualified_at=timezone.now(), notes="Note policière fictive")

    expected = {w.intervener.email, w.principal.email}
    assert told(notifications.POLICE_DECISION) == expected
    assert mailed(mail.outbox) == sorted(expected)
    assert_content_free(mail.outbox, case, w)
    for message in mail.outbox:
        assert "mpulsi" not in message.body + message.subject  # not the decision itself
        assert "Note policière" not in message.body

    with django_capture_on_commit_callbacks(execute=True):
        services.follow_up_save(handoff=case.handoff, actor=w.police,
                                qualification="malicious", qualified_at=timezone.now())
        notifications.police_decision_notify(follow_up)
    assert len(mail.outbox) == 2


def test_information_shared_tells_the_lead_and_the_principal(
        people, django_capture_on_commit_callbacks):
    w = people
    case = _with_lead(w)
    with django_capture_on_commit_callbacks(execute=True):
        shared = services.information_share(
            handoff=case.handoff, actor=w.police, purpose="follow_up",
            content="Renseignement fictif sur Zoé Imaginaire")

    expected = {w.intervener.email, w.principal.email}
    assert told(notifications.INFORMATION_SHARED) == expected
    assert mailed(mail.outbox) == sorted(expected)
    assert_content_free(mail.outbox, case, w)
    for message in mail.outbox:
        assert "Renseignement fictif" not in message.body

    with django_capture_on_commit_callbacks(execute=True):
        notifications.information_shared_notify(shared)
    assert len(mail.outbox) == 2
    # A second sharing is a second event.
    with django_capture_on_commit_callbacks(execute=True):
        services.information_share(handoff=case.handoff, actor=w.police, purpose="safety",
                                   content="Autre renseignement fictif")
    assert len(mail.outbox) == 4


def test_a_lead_who_may_no_longer_open_the_case_is_left_to_the_principal(
        people, django_capture_on_commit_callbacks):
    w = people
    case = _with_lead(w)
    Award.objects.filter(recipient=w.intervener).update(
        revoked=True, revoked_at=timezone.now(), revocation_reason="Fictif")
    with django_capture_on_commit_callbacks(execute=True):
        services.handoff_acknowledge(handoff=case.handoff, actor=w.police)
    assert told(notifications.HANDOFF_ACKNOWLEDGED) == {w.principal.email}


def test_without_a_lead_the_principals_are_told(people, django_capture_on_commit_callbacks):
    w = people
    second = make_user("ugo.direction@example.test", "Ugo Fictif", preferred_language="en")
    Membership.objects.create(user=second, organisation=w.school, role=Role.PRINCIPAL)
    case = hand_off(w, reported_case(w))
    with django_capture_on_commit_callbacks(execute=True):
        services.handoff_acknowledge(handoff=case.handoff, actor=w.police)
    assert told(notifications.HANDOFF_ACKNOWLEDGED) == {w.principal.email, second.email}
    [english] = [m for m in mail.outbox if m.to == [second.email]]
    assert "/en/" in english.body


def test_every_kind_of_the_case_tool_is_registered_with_words():
    from notifications.kinds import kind_get

    codes = [notifications.CASE_REPORTED, notifications.HANDOFF_SENT,
             notifications.HANDOFF_ACKNOWLEDGED, notifications.POLICE_DECISION,
             notifications.INFORMATION_SHARED, notifications.SUPPORT_DUE,
             notifications.HANDOFF_WAITING_24H, notifications.HANDOFF_WAITING_48H,
             notifications.CASE_UNASSIGNED]
    for code in codes:
        kind = kind_get(code)
        assert kind is not None, code
        assert str(kind.label) and str(kind.sentence)
        assert str(kind.subject).startswith("Sexto : ")
