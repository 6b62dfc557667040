"""Every case URL × every role × own school / other school / other force.

The expected answers are written out by hand below, not derived from cases.access: a URL added
to cases/urls.py without a row here fails `test_every_case_url_is_in_the_matrix`.
"""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from audit.models import AuditEvent
from cases.models import CustodyTransfer, Device, SupportAction
from cases.tests.conftest import handed_off_case, post_form, verified_client

OK = "ok"  # the page or action is open to this person
LOGIN = "login"  # anonymous: sent to sign in

ROLES = ["anonymous", "reporter", "other_staff", "intervener", "other_intervener", "principal",
         "other_principal", "police", "other_police", "privacy_officer",
         "other_privacy_officer", "org_admin", "platform_admin"]


def row(default, **overrides):
    answers = dict.fromkeys(ROLES, default)
    answers["anonymous"] = LOGIN
    answers.update(overrides)
    return answers


# Who opens the school part of the case (read or write).
SCHOOL = row(404, reporter=403, intervener=OK, principal=OK, police=403, privacy_officer=403)
MANAGE = row(404, reporter=403, intervener=403, principal=OK, police=403, privacy_officer=403)
POLICE = row(404, reporter=403, intervener=403, principal=403, police=OK, privacy_officer=403)
DETAIL = row(404, reporter=OK, intervener=OK, principal=OK, police=OK, privacy_officer=OK)
LIST = row(OK, org_admin=403, platform_admin=403)
REPORT = row(OK, police=403, other_police=403, privacy_officer=403,
             other_privacy_officer=403, org_admin=403, platform_admin=403)
PRINCIPALS = row(403, principal=OK, other_principal=OK)
DASHBOARD = row(403, principal=OK, other_principal=OK, police=OK, other_police=OK)
PRIVACY_OFFICERS = row(403, privacy_officer=OK, other_privacy_officer=OK)

# name: (method, expected answers)
MATRIX = {
    "case_list": ("get", LIST),
    "case_report": ("get", REPORT),
    "interveners": ("get", PRINCIPALS),
    "dashboard": ("get", DASHBOARD),
    # Without a figure in its query, the list answers 400 to those who have a dashboard;
    # another board's figures: cases/tests/test_dashboard.py.
    "dashboard_cases": ("get", DASHBOARD),
    "retention": ("get", PRIVACY_OFFICERS),
    "case_detail": ("get", DETAIL),
    "case_step": ("get", SCHOOL),
    "custody_transfer": ("post", SCHOOL),
    "custody_acknowledge": ("post", SCHOOL),
    "support_done": ("post", SCHOOL),
    "student_reveal": ("post", SCHOOL),
    "student_chronology": ("get", SCHOOL),
    "case_lead": ("post", MANAGE),
    # Any who writes the case may ask; only an intervener of the school is made its lead.
    "case_take": ("post", SCHOOL),
    "case_hold": ("post", MANAGE),
    # The lead (here the intervener) and the principal.
    "case_access_log": ("get", SCHOOL),
    "police_handoff": ("get", POLICE),
    # The paper copy of a hand-off: the school and the force it was handed to.
    "handoff_pdf": ("get", row(404, reporter=403, intervener=OK, principal=OK, police=OK,
                               privacy_officer=403)),
    "police_acknowledge": ("post", POLICE),
    "police_follow_up": ("post", POLICE),
    "police_share": ("post", POLICE),
    "police_student_reveal": ("post", POLICE),
}


def case_url_names() -> set[str]:
    resolver = get_resolver()
    namespace = resolver.namespace_dict["cases"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_every_case_url_is_in_the_matrix():
    assert case_url_names() == set(MATRIX)


@pytest.fixture
def scene(cw):
    case = handed_off_case(cw)
    case.lead = cw.intervener
    case.save(update_fields=["lead"])
    device = Device.objects.create(case=case, description="Tablette", seized_at=case.told_at,
                                   seized_by="Jade", envelope_number="E-1", locked_in="Coffre")
    transfer = CustodyTransfer.objects.create(device=device, handed_by="Jade",
                                              handed_to="Agente", handed_at=case.told_at)
    action = SupportAction.objects.create(case=case, kind="follow_up", description="Suivi")
    student = case.students.get()
    people = {
        "reporter": cw.reporter, "other_staff": cw.other_staff, "intervener": cw.intervener,
        "other_intervener": cw.other_intervener, "principal": cw.principal,
        "other_principal": cw.other_principal, "police": cw.police,
        "other_police": cw.other_police, "privacy_officer": cw.privacy_officer,
        "other_privacy_officer": cw.other_privacy_officer, "org_admin": cw.org_admin,
        "platform_admin": cw.platform_admin,
    }
    args = {
        "case_detail": [case.pk], "case_step": [case.pk, "grid"],
        "custody_transfer": [case.pk, device.pk], "custody_acknowledge": [case.pk, transfer.pk],
        "support_done": [case.pk, action.pk], "student_reveal": [case.pk, student.pk],
        "student_chronology": [case.pk, student.pk], "case_lead": [case.pk],
        "case_take": [case.pk],
        "case_hold": [case.pk], "case_access_log": [case.pk], "police_handoff": [case.pk],
        "handoff_pdf": [case.pk],
        "police_acknowledge": [case.pk], "police_follow_up": [case.pk],
        "police_share": [case.pk], "police_student_reveal": [case.pk, 0],
    }
    return case, people, args


def outcome(response) -> object:
    if response.status_code in (403, 404):
        return response.status_code
    if response.status_code == 302 and "/connexion/" in response["Location"]:
        return LOGIN
    # A page, a redirect after a write, or a form sent back with its errors (an empty POST).
    if response.status_code in (200, 302, 400):
        return OK
    return response.status_code


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(scene, name):
    case, people, args = scene
    method, expected = MATRIX[name]
    url = reverse(f"cases:{name}", args=args.get(name, []))
    failures = []
    for role in ROLES:
        client = Client() if role == "anonymous" else verified_client(people[role])
        before = AuditEvent.objects.count()
        response = client.get(url) if method == "get" else post_form(client, url)
        got = outcome(response)
        if got != expected[role]:
            failures.append(f"{role}: expected {expected[role]}, got {got} "
                            f"({response.status_code})")
        if role != "anonymous" and AuditEvent.objects.count() == before:
            failures.append(f"{role}: no audit entry for {method.upper()} {name}")
    assert not failures, "\n".join(failures)


def test_refusals_are_audited_with_ids_only(scene):
    case, people, _args = scene
    client = verified_client(people["other_principal"])
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 404
    event = AuditEvent.objects.filter(action="case.access_refused").latest("sequence")
    assert event.actor == people["other_principal"] and event.target_id == str(case.pk)
    assert event.data["status"] == 404
    assert case.reference not in str(event.data)


def test_case_pages_need_a_second_factor(scene):
    case, people, _args = scene
    client = Client()
    client.force_login(people["intervener"])  # password only, no second factor
    response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 302 and "/connexion/" not in response["Location"]
    assert "next=" in response["Location"]
