"""The case tool's panels on the person's home (cases.home): who sees which cases, the
second-factor gate, the audit entry, and a number of queries that does not grow with cases."""

import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import mfa
from accounts.models import Membership, Role
from audit.models import AuditEvent
from badges.models import Award
from cases import services
from cases.models import Case
from cases.tests.conftest import award_architecte, handed_off_case, post_form, verified_client
from cases.tests.factories import case_create, follow_up_add, handoff_add
from core.tests.homepage import home, panel, panel_count, panel_keys

CASE_PANELS = {"cases", "cases-to-take", "cases-open", "police-to-acknowledge",
               "police-decisions", "cases-reported"}


def _lead(case, lead, actor):
    services.case_lead_assign(case=case, lead=lead, actor=actor)
    case.refresh_from_db()
    return case


@pytest.fixture
def school_cases(cw):
    """At world.school: one case nobody leads, one led by the intervener, one led by another
    intervener, one closed; at the other school, one nobody leads."""
    other_lead = cw.other_intervener  # any user will do as a lead for listing purposes
    cases = {
        "untaken": case_create(cw.school, reported_by=cw.reporter),
        "mine": case_create(cw.school, status=Case.Status.IN_PROGRESS, lead=cw.intervener,
                            reported_by=cw.reporter),
        "theirs": case_create(cw.school, status=Case.Status.IN_PROGRESS, lead=other_lead),
        "closed": case_create(cw.school, status=Case.Status.CLOSED, lead=cw.intervener),
        "closed_untaken": case_create(cw.school, status=Case.Status.CLOSED),
        "elsewhere": case_create(cw.other_school, reported_by=cw.other_staff),
    }
    return cases


def test_principal_sees_reports_to_take_with_the_assign_action(cw, school_cases):
    response = home(verified_client(cw.principal))
    to_take = panel(response, "cases-to-take")
    assert panel_count(response, "cases-to-take") == 1
    untaken = school_cases["untaken"]
    assert untaken.reference in to_take
    assert f'href="{reverse("cases:case_detail", args=[untaken.pk])}#lead"' in to_take
    assert "Attribuer le dossier à un intervenant" in to_take
    assert reverse("cases:case_take", args=[untaken.pk]) not in to_take  # not an intervener
    for name in ("mine", "theirs", "closed", "closed_untaken", "elsewhere"):
        assert school_cases[name].reference not in to_take


def test_principal_sees_every_open_led_case_of_the_school_with_its_lead(cw, school_cases):
    response = home(verified_client(cw.principal))
    open_cases = panel(response, "cases-open")
    assert panel_count(response, "cases-open") == 2
    assert school_cases["mine"].reference in open_cases
    assert school_cases["theirs"].reference in open_cases
    assert cw.intervener.full_name in open_cases  # the lead, for the principal
    for name in ("untaken", "closed", "elsewhere"):
        assert school_cases[name].reference not in open_cases
    assert "Dossiers ouverts de l&#x27;école" in open_cases


def test_intervener_sees_reports_to_take_and_only_the_cases_they_lead(cw, school_cases):
    response = home(verified_client(cw.intervener))
    to_take = panel(response, "cases-to-take")
    untaken = school_cases["untaken"]
    assert untaken.reference in to_take
    # An intervener takes it at once (cases.views.case_take); only the principal assigns.
    assert f'action="{reverse("cases:case_take", args=[untaken.pk])}"' in to_take
    assert "Prendre ce dossier" in to_take and "#lead" not in to_take
    open_cases = panel(response, "cases-open")
    assert panel_count(response, "cases-open") == 1
    assert school_cases["mine"].reference in open_cases
    assert school_cases["theirs"].reference not in open_cases
    assert "Mes dossiers ouverts" in open_cases


def test_another_school_sees_only_its_own(cw, school_cases):
    response = home(verified_client(cw.other_principal))
    body = response.content.decode()
    assert panel_count(response, "cases-to-take") == 1
    assert school_cases["elsewhere"].reference in panel(response, "cases-to-take")
    assert panel_count(response, "cases-open") == 0
    assert "Aucun dossier ouvert." in panel(response, "cases-open")
    for name in ("untaken", "mine", "theirs"):
        assert school_cases[name].reference not in body


def test_an_intervener_without_the_badge_sees_no_case(cw, school_cases):
    Award.objects.filter(recipient=cw.intervener).delete()
    response = home(verified_client(cw.intervener))
    assert not CASE_PANELS & set(panel_keys(response))
    assert school_cases["untaken"].reference not in response.content.decode()


def test_police_liaison_sees_hand_offs_to_acknowledge_then_decisions_to_record(cw):
    case = handed_off_case(cw)
    client = verified_client(cw.police)
    response = home(client)
    assert panel_count(response, "police-to-acknowledge") == 1
    to_acknowledge = panel(response, "police-to-acknowledge")
    assert case.reference in to_acknowledge
    assert reverse("cases:police_handoff", args=[case.pk]) in to_acknowledge
    assert panel_count(response, "police-decisions") == 0

    services.handoff_acknowledge(handoff=case.handoff, actor=cw.police)
    response = home(client)
    assert panel_count(response, "police-to-acknowledge") == 0
    assert panel_count(response, "police-decisions") == 1
    decisions = panel(response, "police-decisions")
    assert f'{reverse("cases:police_handoff", args=[case.pk])}#follow-up' in decisions

    # A follow-up without the qualification still waits for the decision.
    services.follow_up_save(handoff=case.handoff, actor=cw.police, notes="Appel fait.")
    assert panel_count(home(client), "police-decisions") == 1
    services.follow_up_save(handoff=case.handoff, actor=cw.police, qualification="impulsive",
                            qualified_at=timezone.now())
    assert panel_count(home(client), "police-decisions") == 0


def test_police_panels_hold_only_hand_offs_sent_to_the_force(cw):
    sent = handed_off_case(cw)
    # Contacted but not sent: the police have nothing yet.
    draft = case_create(cw.school, status=Case.Status.IN_PROGRESS)
    handoff_add(draft, force=cw.force_ok)
    # Sent to the other force.
    other = case_create(cw.other_school, status=Case.Status.WITH_POLICE)
    handoff_add(other, force=cw.other_force, sent_at=timezone.now())
    response = home(verified_client(cw.police))
    to_acknowledge = panel(response, "police-to-acknowledge")
    assert panel_count(response, "police-to-acknowledge") == 1
    assert sent.reference in to_acknowledge
    assert draft.reference not in to_acknowledge and other.reference not in to_acknowledge
    response = home(verified_client(cw.other_police))
    assert panel_count(response, "police-to-acknowledge") == 1
    assert other.reference in panel(response, "police-to-acknowledge")
    assert sent.reference not in response.content.decode()


def test_police_decisions_count_acknowledged_hand_offs_without_a_qualification(cw):
    waiting = case_create(cw.school, status=Case.Status.WITH_POLICE)
    handoff_add(waiting, force=cw.force_ok, sent_at=timezone.now(),
                acknowledged_at=timezone.now())
    decided = case_create(cw.school, status=Case.Status.WITH_POLICE)
    follow_up_add(handoff_add(decided, force=cw.force_ok, sent_at=timezone.now(),
                              acknowledged_at=timezone.now()),
                  qualification="malicious", qualified_at=timezone.now())
    response = home(verified_client(cw.police))
    assert panel_count(response, "police-decisions") == 1
    assert waiting.reference in panel(response, "police-decisions")
    assert decided.reference not in response.content.decode()


def test_staff_see_their_own_reports_and_their_state(cw, school_cases):
    response = home(verified_client(cw.reporter))
    reported = panel(response, "cases-reported")
    assert school_cases["untaken"].reference in reported
    assert school_cases["mine"].reference in reported
    assert "En cours" in reported and "Déclaré" in reported
    assert school_cases["theirs"].reference not in reported  # not theirs
    assert reverse("cases:case_report") in reported
    assert not {"cases-to-take", "cases-open"} & set(panel_keys(response))


def test_staff_who_reported_nothing_have_no_case_panel(cw, school_cases):
    learner = cw.ineligible_learner
    # Without a second factor yet (a password is all there is), then with one.
    assert not CASE_PANELS & set(panel_keys(home(_password_only(learner))))
    assert not CASE_PANELS & set(panel_keys(home(verified_client(learner))))


@pytest.mark.parametrize("who", ["reviewer", "org_admin", "outsider", "privacy_officer",
                                 "platform_admin", "author"])
def test_people_without_a_case_role_have_no_case_panel_and_no_audit(cw, school_cases, who):
    user = getattr(cw, who)
    response = home(verified_client(user))
    assert not CASE_PANELS & set(panel_keys(response))
    for case in school_cases.values():
        assert case.reference not in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="case.").exists()


def _password_only(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["principal", "intervener", "police", "reporter"])
def test_without_a_second_factor_the_panel_says_so_and_shows_nothing(cw, school_cases, who):
    case = handed_off_case(cw)
    user = getattr(cw, who)
    response = home(_password_only(user))
    keys = set(panel_keys(response))
    assert keys & CASE_PANELS == {"cases"}
    gate = panel(response, "cases")
    assert "second facteur" in gate
    body = response.content.decode()
    for shown in [case, *school_cases.values()]:
        assert shown.reference not in body
    assert not AuditEvent.objects.filter(action="case.tool_accessed").exists()
    # Without a device: adding one. With a device, a session without it shows no home at all
    # (accounts.mfa.second_factor_owed): the second-factor step, back to the home.
    assert f'href="{reverse("accounts:security")}?next=%2Ffr%2F"' in gate
    login_with_device = verified_client(user)  # creates the device
    login_with_device.logout()
    response = _password_only(user).get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == f'{reverse("accounts:second_factor")}?next=%2Ffr%2F'


def test_the_gate_link_leads_back_to_the_home(cw, school_cases):
    from conftest import login_verified

    client = _password_only(cw.principal)
    gate = panel(home(client), "cases")
    assert f"{reverse('accounts:security')}?next=%2Ffr%2F" in gate
    verified_client(cw.principal)  # a TOTP device for the principal
    # From then on (seen at the session's next refresh) this password-only session shows
    # nothing but the second-factor step.
    session = client.session
    session[mfa.SEEN_AT_KEY] = time.time() - mfa.SEEN_REFRESH_SECONDS - 1
    session.save()
    assert client.get(reverse("core:home"))["Location"] == (
        f"{reverse('accounts:second_factor')}?next=%2Ffr%2F")
    login_verified(client, cw.principal)
    assert panel(home(client), "cases") is None
    assert school_cases["untaken"].reference in panel(home(client), "cases-to-take")


def test_reading_the_home_is_audited_once_as_a_read_of_the_case_tool(cw, school_cases):
    handed_off_case(cw)
    for user in (cw.principal, cw.police, cw.reporter):
        home(verified_client(user))
        events = AuditEvent.objects.filter(action="case.tool_accessed", actor=user)
        assert events.count() == 1
        assert events.get().data == {"view": "core:home"}
    assert not AuditEvent.objects.filter(action="case.access_refused").exists()


def test_english_home_lists_the_same_cases(cw, school_cases):
    # The headings need the merged catalogue; the list itself does not.
    response = home(verified_client(cw.principal), "en")
    assert school_cases["untaken"].reference in panel(response, "cases-to-take")
    assert '<html lang="en">' in response.content.decode()


def _queries_for_home(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        home(client)
    return len(queries)


def _one_of_each(cw):
    """A case in every panel: to take, led by the intervener, reported by world.reporter,
    a hand-off to acknowledge and one waiting for the DPCP's decision."""
    case_create(cw.school, reported_by=cw.reporter)
    case_create(cw.school, reported_by=cw.reporter, lead=cw.intervener,
                status=Case.Status.IN_PROGRESS)
    for acknowledged_at in (None, timezone.now()):
        case = case_create(cw.school, reported_by=cw.reporter, lead=cw.intervener,
                           status=Case.Status.WITH_POLICE)
        handoff_add(case, force=cw.force_ok, sent_at=timezone.now(),
                    acknowledged_at=acknowledged_at)


def test_the_number_of_queries_does_not_grow_with_the_cases(cw, django_assert_max_num_queries):
    # The principal is also an intervener: both kinds of panels at once.
    Membership.objects.create(user=cw.principal, organisation=cw.school, role=Role.INTERVENER)
    award_architecte(cw.principal)
    clients = {user: verified_client(user)
               for user in (cw.principal, cw.intervener, cw.police, cw.reporter)}
    _one_of_each(cw)
    few = {user: _queries_for_home(client) for user, client in clients.items()}
    for _round in range(12):
        _one_of_each(cw)
    for user, client in clients.items():
        with django_assert_max_num_queries(few[user]):
            response = home(client)
        assert "panel-list" in response.content.decode()
    # And few in themselves: the session, the roles, each panel's count and list, the audit
    # entry, the navigation.
    assert max(few.values()) <= 35, few


# --- Each case's next step and when it is due (cases.progress) ------------------------------


def _ago(**delta):
    return timezone.now() - timezone.timedelta(**delta)


def test_each_open_case_shows_its_next_step_and_the_late_ones_come_first(cw):
    # Confided an hour ago: the day's steps are due tomorrow. Confided 3 days ago: late.
    fresh = case_create(cw.school, status=Case.Status.IN_PROGRESS, lead=cw.intervener,
                        told_at=_ago(hours=1), created_at=_ago(hours=1))
    late = case_create(cw.school, status=Case.Status.IN_PROGRESS, lead=cw.intervener,
                       told_at=_ago(days=3), created_at=_ago(minutes=30))
    section = panel(home(verified_client(cw.intervener)), "cases-open")
    assert section.index(late.reference) < section.index(fresh.reference)
    items = re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)
    late_item, fresh_item = items
    assert 'class="panel-item-late"' in section
    assert "Étape suivante : Élèves concernés" in late_item
    assert "En retard : attendue avant le" in late_item
    assert "Étape suivante : Élèves concernés" in fresh_item
    due = timezone.localtime(fresh.told_at + timezone.timedelta(hours=24))
    assert f"À faire avant le {due:%Y-%m-%d %H:%M}." in fresh_item
    # The step's own button.
    assert f'href="{reverse("cases:case_step", args=[fresh.pk, "student"])}"' in fresh_item
    assert "Ajouter un élève concerné" in fresh_item


def test_a_late_receipt_by_the_police_is_shown_on_the_school_s_case(cw):
    case = case_create(cw.school, status=Case.Status.WITH_POLICE, lead=cw.intervener,
                       told_at=_ago(days=2))
    handoff_add(case, force=cw.force_ok, sent_at=_ago(hours=30))
    section = panel(home(verified_client(cw.principal)), "cases-open")
    assert "En retard : Réception confirmée par la police" in section


def test_reports_to_take_show_the_lead_step_and_when_it_was_due(cw):
    # A lead is due 4 working hours after the report (cases.kit): ten days is late whatever
    # the day of the week.
    waiting = case_create(cw.school, created_at=_ago(days=10), told_at=_ago(days=10))
    section = panel(home(verified_client(cw.principal)), "cases-to-take")
    assert waiting.reference in section
    assert "Étape suivante : Intervenant responsable" in section
    assert "En retard : attendue avant le" in section


def test_police_see_which_decisions_are_late(cw):
    # The DPCP qualifies within about 24 hours of the hand-off (cases.kit).
    late = case_create(cw.school, status=Case.Status.WITH_POLICE)
    handoff_add(late, force=cw.force_ok, sent_at=_ago(hours=30), acknowledged_at=_ago(hours=29))
    recent = case_create(cw.school, status=Case.Status.WITH_POLICE)
    handoff_add(recent, force=cw.force_ok, sent_at=_ago(hours=3), acknowledged_at=_ago(hours=2))
    section = panel(home(verified_client(cw.police)), "police-decisions")
    items = re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)
    assert late.reference in items[0] and "En retard" in items[0]
    assert recent.reference in items[1] and "En retard" not in items[1]


def test_police_see_which_receipts_are_late(cw):
    late = case_create(cw.school, status=Case.Status.WITH_POLICE)
    handoff_add(late, force=cw.force_ok, sent_at=_ago(hours=30))
    recent = case_create(cw.school, status=Case.Status.WITH_POLICE)
    handoff_add(recent, force=cw.force_ok, sent_at=_ago(hours=2))
    section = panel(home(verified_client(cw.police)), "police-to-acknowledge")
    items = re.findall(r"<li[^>]*>(.*?)</li>", section, re.S)
    assert late.reference in items[0] and "En retard" in items[0]
    assert recent.reference in items[1] and "À faire avant le" in items[1]


def test_taking_a_report_from_the_home_makes_the_intervener_its_lead(cw, school_cases):
    client = verified_client(cw.intervener)
    untaken = school_cases["untaken"]
    section = panel(home(client), "cases-to-take")
    action = re.search(r'<form method="post" action="([^"]+)"', section).group(1)
    response = post_form(client, action)
    assert response.status_code == 302
    untaken.refresh_from_db()
    assert untaken.lead == cw.intervener
    response = home(client)
    assert panel_count(response, "cases-to-take") == 0
    assert untaken.reference in panel(response, "cases-open")
