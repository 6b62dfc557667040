"""The case as a guided path: each step's state, the one next action, due times, and the pages
that lead from one step to the next."""

import datetime
import html

from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.progress import (
    DONE,
    NOT_APPLICABLE,
    OVERDUE,
    TODO,
    WAITING,
    case_progress,
    cases_progress,
)
from cases.tests.conftest import (
    COMPLETE_GRID,
    handed_off_case,
    post_form,
    reported_case,
    verified_client,
)


def states(progress) -> dict[str, str]:
    return {step.slug: step.state for step in progress.steps}


def fresh(case):
    case.refresh_from_db()
    return case


def test_a_new_report_waits_for_its_lead_then_walks_the_school_steps(cw):
    case = reported_case(cw, told_at=timezone.now() - datetime.timedelta(hours=1))
    progress = case_progress(case)
    assert states(progress)["report"] == DONE
    assert progress.next.slug == "lead"  # nobody leads it yet
    services.case_lead_assign(case=case, lead=cw.intervener, actor=cw.principal)
    progress = case_progress(fresh(case))
    # A student is noted (reported_case adds the victim): the meeting comes next.
    assert progress.next.slug == "meet-reporting"
    assert progress.next.due_at == case.told_at + datetime.timedelta(hours=24)
    # No alleged author noted: that meeting does not apply, and says why.
    alleged = next(step for step in progress.steps if step.slug == "meet-alleged")
    assert alleged.state == NOT_APPLICABLE and alleged.note
    assert states(progress)["acknowledgement"] == WAITING
    assert states(progress)["dpj"] == NOT_APPLICABLE  # no sign in a grid not yet filled


def test_steps_are_overdue_past_the_kits_delays_moving_the_clock(cw):
    case = reported_case(cw, told_at=timezone.now() - datetime.timedelta(hours=1))
    services.case_lead_assign(case=case, lead=cw.intervener, actor=cw.principal)
    now = timezone.now()
    assert states(case_progress(fresh(case), now=now))["police"] == TODO
    later = now + datetime.timedelta(hours=24)
    progress = case_progress(case, now=later)
    assert states(progress)["police"] == OVERDUE and progress.overdue
    assert states(case_progress(case, now=now + datetime.timedelta(days=4)))["close"] == OVERDUE


def test_grid_signs_make_the_youth_protection_step_one_to_do(cw):
    case = reported_case(cw)
    services.grid_save(case=case, actor=cw.intervener, version=case.version,
                       **{**COMPLETE_GRID, "pressure_or_threats": "yes"})
    progress = case_progress(fresh(case))
    assert states(progress)["grid"] == DONE and states(progress)["dpj"] == TODO
    services.dpj_record(case=case, actor=cw.intervener, version=fresh(case).version,
                        made=True, reported_at=timezone.now(), reported_by="Jade",
                        reference="R-1")
    assert states(case_progress(fresh(case)))["dpj"] == DONE


def test_a_grid_with_questions_left_says_how_many(cw):
    case = reported_case(cw)
    services.grid_save(case=case, actor=cw.intervener, version=case.version, victim_age=14)
    grid = next(step for step in case_progress(fresh(case)).steps if step.slug == "grid")
    assert grid.state in (TODO, OVERDUE) and grid.note == "8 questions sans réponse"


def test_after_the_hand_off_the_police_receipt_is_awaited_then_late(cw):
    case = handed_off_case(cw)
    progress = case_progress(case)
    assert states(progress)["handoff"] == DONE
    assert states(progress)["acknowledgement"] == WAITING
    late = case_progress(case, now=case.handoff.sent_at + datetime.timedelta(hours=25))
    assert states(late)["acknowledgement"] == OVERDUE


def test_the_no_impact_path_closes_the_schools_part(cw):
    case = reported_case(cw)
    services.no_impact_record(case=case, actor=cw.principal, version=case.version,
                              directed_at=timezone.now(), summary="Famille dirigée.")
    progress = case_progress(fresh(case))
    assert progress.next is None
    assert states(progress) == {"report": DONE, "lead": NOT_APPLICABLE, "no-impact": DONE,
                                "close": DONE}


def test_progress_of_many_cases_costs_one_query(cw, django_assert_num_queries):
    cases = [reported_case(cw) for _ in range(5)]
    with django_assert_num_queries(1):
        progress = cases_progress(cases)
    assert set(progress) == {case.pk for case in cases}


# --- The pages --------------------------------------------------------------------------------


def test_the_case_page_shows_the_steps_and_the_next_action_as_its_primary_button(cw):
    case = reported_case(cw)
    services.case_lead_assign(case=case, lead=cw.intervener, actor=cw.principal)
    page = html.unescape(verified_client(cw.intervener).get(
        reverse("cases:case_detail", args=[case.pk])).content.decode())
    assert 'aria-label="Étapes de la méthode"' in page
    assert "Étape suivante : Rencontre avec l'élève qui dénonce ou la victime" in page
    button = reverse("cases:case_step", args=[case.pk, "meeting"]) + "?type=meeting_victim"
    assert f'class="button primary" href="{button}"' in page


def test_an_intervener_takes_an_unassigned_case_and_goes_on_to_its_next_step(cw):
    case = reported_case(cw)
    client = verified_client(cw.intervener)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Prendre ce dossier" in page
    response = post_form(client, reverse("cases:case_take", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"] == (reverse("cases:case_step", args=[case.pk, "meeting"])
                                    + "?type=meeting_victim")
    assert Case.objects.get().lead == cw.intervener
    # Taken: nobody else takes it from under them.
    other = verified_client(cw.principal)
    post_form(other, reverse("cases:case_take", args=[case.pk]))
    assert Case.objects.get().lead == cw.intervener


def test_only_an_intervener_of_the_school_takes_a_case(cw):
    case = reported_case(cw)
    post_form(verified_client(cw.principal), reverse("cases:case_take", args=[case.pk]))
    assert Case.objects.get().lead is None


def test_a_meeting_opened_from_its_step_needs_no_choice_of_kind(cw):
    case = reported_case(cw)
    client = verified_client(cw.intervener)
    url = reverse("cases:case_step", args=[case.pk, "meeting"]) + "?type=meeting_victim"
    page = html.unescape(client.get(url).content.decode())
    assert "<h1>Rencontre avec l'élève victime ou qui dénonce</h1>" in page
    assert 'type="hidden" name="kind" value="meeting_victim"' in page


def test_saving_a_step_leads_to_the_next_one_to_do(cw):
    case = reported_case(cw)
    services.case_lead_assign(case=case, lead=cw.intervener, actor=cw.principal)
    client = verified_client(cw.intervener)
    url = reverse("cases:case_step", args=[case.pk, "meeting"]) + "?type=meeting_victim"
    response = post_form(client, url, {
        "version": fresh(case).version, "kind": "meeting_victim", "student": "",
        "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "notes": "Rencontre fictive."})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_step", args=[case.pk, "device"])
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Enregistré. Étape suivante : Appareil saisi sans regarder les images." in page


def test_a_student_form_offers_to_add_another(cw):
    case = reported_case(cw)
    client = verified_client(cw.intervener)
    url = reverse("cases:case_step", args=[case.pk, "student"])
    response = post_form(client, url, {"version": case.version, "part": "alleged",
                                       "name": "Léo Fictif", "again": "1"})
    assert response["Location"] == url


def test_no_device_to_seize_is_a_step_done_with_its_reason(cw):
    case = reported_case(cw)
    client = verified_client(cw.intervener)
    response = post_form(client, reverse("cases:case_step", args=[case.pk, "no-device"]),
                         {"version": case.version, "reason": "not_at_school"})
    assert response.status_code == 302
    device = next(s for s in case_progress(fresh(case)).steps if s.slug == "device")
    assert device.state == DONE and device.note == "L'appareil n'est pas à l'école"


def test_a_late_receipt_is_the_next_thing_to_see_to_without_a_button(cw):
    # The police's move, late: the school is told to call them; there is no page to open.
    case = handed_off_case(cw)
    from cases.models import PoliceHandoff

    PoliceHandoff.objects.filter(case=case).update(
        sent_at=timezone.now() - datetime.timedelta(hours=30))
    services.case_lead_assign(case=case, lead=cw.intervener, actor=cw.principal)
    services.entry_add(case=case, actor=cw.intervener, version=fresh(case).version,
                       kind="meeting_victim", happened_at=timezone.now(), notes="Rencontre.",
                       student=None)
    services.no_device_record(case=case, actor=cw.intervener, version=fresh(case).version,
                              reason="not_at_school")
    services.support_action_add(case=case, actor=cw.intervener, version=fresh(case).version,
                                kind="action", resource="", description="Suivi", due_on=None)
    page = html.unescape(verified_client(cw.intervener).get(
        reverse("cases:case_detail", args=[case.pk])).content.decode())
    action = page[page.index('class="next-action'):page.index('aria-label="Étapes de la')]
    assert "Étape suivante : Réception confirmée par la police" in action
    assert "Appelez le corps de police." in action
    assert "button primary" not in action
