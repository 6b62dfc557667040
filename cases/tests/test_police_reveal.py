"""The police's view of a hand-off masks the students' names as the school's pages do: each
name is shown after a re-authentication, and the reveal is audited (issue 10)."""

import time

from django.urls import reverse

from accounts import mfa
from audit.models import AuditEvent
from cases.tests.conftest import handed_off_case, post_form, verified_client

NAME = "Zoé Imaginaire"  # the student of cases.tests.conftest.reported_case


def _reveal_url(case, index=0):
    return reverse("cases:police_student_reveal", args=[case.pk, index])


def test_the_police_page_shows_no_name_before_the_reveal(cw):
    case = handed_off_case(cw)
    page = verified_client(cw.police, reauthenticated=True).get(
        reverse("cases:police_handoff", args=[case.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert NAME not in body and "Imaginaire" not in body
    assert _reveal_url(case) in body  # the button that shows it
    assert not AuditEvent.objects.filter(action="case.student_name_revealed").exists()


def test_revealing_a_name_asks_for_a_fresh_reauthentication(cw, settings):
    case = handed_off_case(cw)
    police = verified_client(cw.police)  # second factor, no recent re-authentication
    response = post_form(police, _reveal_url(case))
    page = reverse("cases:police_handoff", args=[case.pk])
    assert response.status_code == 302
    assert response["Location"] == mfa.reauth_url(f"{page}?nom=0#police-student-0")
    assert NAME not in response.content.decode()
    # Stale: the same.
    session = police.session
    session[mfa.REAUTH_AT_KEY] = time.time() - settings.SEXTO_REAUTH_SECONDS - 1
    session.save()
    assert post_form(police, _reveal_url(case))["Location"].startswith(
        reverse("accounts:reauthenticate"))
    htmx = post_form(police, _reveal_url(case), HTTP_HX_REQUEST="true")
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith(
        reverse("accounts:reauthenticate"))
    assert not AuditEvent.objects.filter(action="case.student_name_revealed").exists()
    # Back from re-authenticating, the line says the name can be shown now.
    back = verified_client(cw.police, reauthenticated=True).get(f"{page}?nom=0")
    assert "vous pouvez maintenant afficher le nom" in back.content.decode()


def test_the_reveal_shows_the_name_sent_and_is_audited(cw):
    case = handed_off_case(cw)
    police = verified_client(cw.police, reauthenticated=True)
    response = post_form(police, _reveal_url(case), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert NAME in response.content.decode() and "<html" not in response.content.decode()
    event = AuditEvent.objects.get(action="case.student_name_revealed")
    assert event.actor == cw.police
    assert event.target_type == "cases.case" and event.target_id == str(case.pk)
    assert event.data == {"handoff": str(case.handoff.pk), "index": 0, "side": "police"}
    assert NAME not in str(event.data)
    # Without JavaScript, a whole page with the way back.
    page = post_form(police, _reveal_url(case))
    assert page.status_code == 200 and NAME in page.content.decode()
    assert reverse("cases:police_handoff", args=[case.pk]) in page.content.decode()
    assert AuditEvent.objects.filter(action="case.student_name_revealed").count() == 2


def test_the_police_reveal_shows_what_was_sent_not_the_live_case(cw):
    case = handed_off_case(cw)
    student = case.students.get()
    student.name = "Nom Changé Après"
    student.save()
    response = post_form(verified_client(cw.police, reauthenticated=True), _reveal_url(case),
                         HTTP_HX_REQUEST="true")
    assert NAME in response.content.decode()
    assert "Changé" not in response.content.decode()


def test_no_such_student_is_404_and_other_forces_get_nothing(cw):
    case = handed_off_case(cw)
    assert post_form(verified_client(cw.police, reauthenticated=True),
                     _reveal_url(case, 5)).status_code == 404
    other = post_form(verified_client(cw.other_police, reauthenticated=True), _reveal_url(case))
    assert other.status_code in (403, 404)
    assert NAME not in other.content.decode()
    school = post_form(verified_client(cw.intervener, reauthenticated=True), _reveal_url(case))
    assert school.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="case.student_name_revealed").exists()
