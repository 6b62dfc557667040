"""Access requests about a student: the case tool's information, found by school and name.

A student has no account; their parents (or the student) ask. The request holds the school
and the name (encrypted); the package is the case tool's `student_personal_data`, with the
other students replaced by their label, every user by their role, and nothing from the police.
"""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Student
from cases.tests.conftest import cw, hand_off, reported_case  # noqa: F401
from conftest import login_verified, make_user
from core.exceptions import ApplicationError
from privacy import services
from privacy.models import AccessRequest
from privacy.package import access_request_package

Status = AccessRequest.Status
NAME = "Zoé Imaginaire"


def _keys(data) -> set[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(data, dict):
        return set(data).union(*(_keys(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(_keys(v) for v in data))
    return set()


def _detail(access_request) -> str:
    return reverse("privacy:request_detail", args=[access_request.pk])


def _record(officer, organisation, school, name=NAME, **extra) -> AccessRequest:
    fields = {"requester_name": "Sophie Imaginaire", "requester_capacity": "representative",
              "received_on": timezone.localdate() - datetime.timedelta(days=1),
              "identity_verification": "Pièce d'identité et certificat de naissance vus",
              "language": "fr", **extra}
    return services.access_request_record(
        officer=officer, organisation=organisation, subject_kind="student",
        subject_school=school, subject_student_name=name, **fields)


@pytest.fixture
def school_officer(cw):  # noqa: F811
    """A privacy officer of the school itself: its principal approves its requests."""
    officer = make_user("rosalie.rprp@example.test", "Rosalie Fictive")
    Membership.objects.create(user=officer, role=Role.PRIVACY_OFFICER, organisation=cw.school)
    return officer


@pytest.fixture
def zoe_case(cw):  # noqa: F811
    """Zoé (victim) and Léo (alleged) in one case, handed to the police, who shared."""
    case = reported_case(cw, account="Zoé Imaginaire dit que Léo Fictif a partagé sa photo.")
    leo = case_services.student_add(case=case, actor=cw.intervener, version=case.version,
                                    part="alleged", name="Léo Fictif", age=15, grade="")
    case.refresh_from_db()
    zoe = case.students.get(part=Student.Part.VICTIM)
    case_services.entry_add(
        case=case, actor=cw.intervener, version=case.version, kind="meeting_victim",
        happened_at=timezone.now(), student=zoe,
        notes="Rencontre avec Zoé et Jade Fictive : Léo Fictif a partagé la photo.")
    case.refresh_from_db()
    case_services.entry_add(case=case, actor=cw.intervener, version=case.version,
                            kind="meeting_alleged", happened_at=timezone.now(), student=leo,
                            notes="Léo reconnaît les faits (note sur lui seul).")
    case.refresh_from_db()
    case = hand_off(cw, case)
    case_services.information_share(handoff=case.handoff, actor=cw.police,
                                    purpose="follow_up", content="Renseignement policier.")
    case_services.follow_up_save(handoff=case.handoff, actor=cw.police,
                                 qualification="malicious", notes="Notes de l'enquête.")
    case.leo = leo
    return case


def test_full_student_request_workflow(client, cw, school_officer, zoe_case):  # noqa: F811
    # Recorded through the form by the school's privacy officer.
    login_verified(client, school_officer)
    form = client.get(reverse("privacy:request_create")).context["form"]
    assert list(form.fields["subject_school"].queryset) == [cw.school]
    response = client.post(reverse("privacy:request_create"), {
        "organisation": str(cw.school.pk), "subject_kind": "student",
        "subject_school": str(cw.school.pk), "subject_student_name": "  Zoé   Imaginaire ",
        "requester_name": "Sophie Imaginaire", "requester_capacity": "representative",
        "received_on": timezone.localdate().isoformat(),
        "identity_verification": "Pièce d'identité; lien parental vérifié", "language": "fr",
    })
    access_request = AccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(access_request)
    assert access_request.is_about_student and access_request.subject is None
    assert access_request.subject_student_name == NAME

    # The name is encrypted in the database, absent from the list and from the audit log.
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject_student_name FROM privacy_accessrequest")
        (stored,) = cursor.fetchone()
    # A token, not the name: no word of it (two letters alone may occur in random base64).
    assert stored and stored.startswith("gAAAA") and not any(
        word in stored for word in NAME.split())
    listing = client.get(reverse("privacy:request_list")).content.decode()
    assert "Élève de École des Pionniers" in listing and "Zoé" not in listing
    assert "Zoé Imaginaire, élève de École des Pionniers" in client.get(
        _detail(access_request)).content.decode()

    # Assembled, approved by the school's principal, downloaded.
    assert client.post(reverse("privacy:request_assemble",
                               args=[access_request.pk])).status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == Status.ASSEMBLED
    login_verified(client, cw.principal, reauthenticated=True)
    page = client.get(_detail(access_request) + "?contenu=1")
    assert NAME in page.context["package_text"]
    response = client.post(reverse("privacy:request_approve", args=[access_request.pk]), {
        "sha256": page.context["approve_form"]["sha256"].value(), "reviewed": "on"})
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == Status.APPROVED
    assert access_request.approved_by == cw.principal

    login_verified(client, school_officer, reauthenticated=True)
    response = client.post(reverse("privacy:request_download", args=[access_request.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    package = json.loads(response.content)
    assert package["subject"] == {"kind": "student", "school": "École des Pionniers",
                                  "name": NAME}
    assert set(package["sources"]) == {"cases"}
    (case,) = package["sources"]["cases"]["cases"]
    assert case["reference"] == zoe_case.reference
    assert case["student"] == [{"name": NAME, "part": "victim", "age": 14,
                                "grade": "3e secondaire"}]
    leo = f"[{zoe_case.leo.label}]"
    assert case["account"] == f"Zoé Imaginaire dit que {leo} a partagé sa photo."
    assert [e["notes"] for e in case["entries"]] == [
        f"Rencontre avec Zoé et [{Role.INTERVENER.label}] : {leo} a partagé la photo."]
    text = json.dumps(package, ensure_ascii=False)
    assert "Léo" not in text and "Fictif" not in text and "Jade" not in text
    assert "police" not in _keys(package)
    assert "Renseignement policier" not in text and "enquête" not in text
    access_request.refresh_from_db()
    assert access_request.status == Status.DELIVERED

    actions = [a for a in AuditEvent.objects.filter(target_id=str(access_request.pk))
               .order_by("sequence").values_list("action", flat=True)
               if a != "access_request.package_shown"]
    assert actions == ["access_request.recorded", "access_request.assembled",
                       "access_request.approved", "access_request.delivered"]
    recorded = AuditEvent.objects.get(action="access_request.recorded")
    assert recorded.data == {"organisation": str(cw.school.pk), "subject_kind": "student",
                             "subject_school": str(cw.school.pk)}
    for event in AuditEvent.objects.filter(target_id=str(access_request.pk)):
        assert not any(word in json.dumps(event.data, ensure_ascii=False)
                       for word in NAME.split())


def test_a_student_package_changed_after_approval_must_be_approved_again(
        client, cw, school_officer, zoe_case):  # noqa: F811
    access_request = _record(school_officer, cw.school, cw.school)
    services.access_request_assemble(access_request=access_request, officer=school_officer)
    digest = access_request.package_sha256
    services.access_request_approve(access_request=access_request, approver=cw.principal,
                                    seen_sha256=digest)
    zoe_case.refresh_from_db()
    case_services.entry_add(case=zoe_case, actor=cw.intervener, version=zoe_case.version,
                            kind="note", happened_at=timezone.now(), notes="Nouvelle note.",
                            student=zoe_case.students.get(part="victim"))
    with pytest.raises(ApplicationError) as caught:
        services.access_request_deliver(access_request=access_request, officer=school_officer)
    assert caught.value.code == "package_changed"
    access_request.refresh_from_db()
    assert access_request.status == Status.ASSEMBLED and access_request.package_sha256 != digest


def test_a_centre_request_about_a_student_of_one_of_its_schools(cw, zoe_case):  # noqa: F811
    access_request = _record(cw.privacy_officer, cw.centre, cw.school, name="zoé imaginaire",
                             language="en")
    package = access_request_package(access_request=access_request)
    (case,) = package["sources"]["cases"]["cases"]
    # In English: the other student's label too.
    assert case["account"].endswith("[Alleged perpetrator · "
                                    f"{str(zoe_case.leo.pk)[:4].upper()}] a partagé sa photo.")
    assert "Other students' names" in " ".join(package["notes"])
    # A student with no file: an empty answer, which says so by itself.
    nobody = _record(cw.privacy_officer, cw.centre, cw.school_no_agreement)
    assert access_request_package(access_request=nobody)["sources"] == {
        "cases": {"cases": []}}


def test_a_student_of_another_organisations_school_is_refused(client, cw,  # noqa: F811
                                                             school_officer):
    # The centre's officer: a school of another centre.
    with pytest.raises(ApplicationError) as caught:
        _record(cw.privacy_officer, cw.centre, cw.other_school)
    assert caught.value.code == "school_not_in_organisation"
    # The school's officer: only the school itself, not a sister school of the centre.
    with pytest.raises(ApplicationError):
        _record(school_officer, cw.school, cw.school_no_agreement)
    # Not a school at all.
    with pytest.raises(ApplicationError):
        _record(cw.privacy_officer, cw.centre, cw.centre)
    # Another centre's officer cannot record for this centre at all.
    with pytest.raises(ApplicationError):
        _record(cw.other_privacy_officer, cw.centre, cw.school)

    login_verified(client, cw.privacy_officer)
    response = client.post(reverse("privacy:request_create"), {
        "organisation": str(cw.centre.pk), "subject_kind": "student",
        "subject_school": str(cw.other_school.pk), "subject_student_name": NAME,
        "requester_name": "Sophie Imaginaire", "requester_capacity": "representative",
        "received_on": timezone.localdate().isoformat(), "identity_verification": "Vu",
        "language": "fr",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["subject_school"] == [
        "Choisissez une école de la liste."]
    assert not AccessRequest.objects.exists()


def test_the_form_asks_for_what_the_chosen_kind_needs(client, cw):  # noqa: F811
    login_verified(client, cw.privacy_officer)
    common = {"organisation": str(cw.centre.pk), "requester_name": "Sophie Imaginaire",
              "requester_capacity": "representative",
              "received_on": timezone.localdate().isoformat(),
              "identity_verification": "Vu", "language": "fr"}
    errors = client.post(reverse("privacy:request_create"), {
        **common, "subject_kind": "student", "subject": str(cw.learner.pk),
        "subject_student_name": "   "}).context["form"].errors
    assert errors["subject_school"] == ["Choisissez l'école de l'élève."]
    assert errors["subject_student_name"] == ["Indiquez le nom de l'élève."]
    assert "subject" not in errors
    errors = client.post(reverse("privacy:request_create"), {
        **common, "subject_kind": "user", "subject_school": "not-a-school",
        "subject_student_name": NAME}).context["form"].errors
    assert set(errors) == {"subject"}
    # An account chosen along with a student: only the chosen kind is recorded.
    response = client.post(reverse("privacy:request_create"), {
        **common, "subject_kind": "user", "subject": str(cw.learner.pk),
        "subject_school": str(cw.school.pk), "subject_student_name": NAME})
    assert response.status_code == 302
    recorded = AccessRequest.objects.get()
    assert recorded.subject == cw.learner and recorded.subject_school is None
    assert recorded.subject_student_name == ""


def test_exactly_one_kind_of_subject(cw):  # noqa: F811
    fields = {"organisation": cw.centre, "requester_name": "X", "received_on":
              timezone.localdate(), "identity_verification": "Vu", "recorded_by":
              cw.privacy_officer}
    both = AccessRequest(subject_kind="student", subject=cw.learner, subject_school=cw.school,
                         subject_student_name=NAME, **fields)
    with pytest.raises(ValidationError):
        both.full_clean()
    for wrong in [{"subject_kind": "user", "subject": cw.learner, "subject_student_name": NAME},
                  {"subject_kind": "student", "subject_school": cw.school},
                  {"subject_kind": "student", "subject_student_name": NAME}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            AccessRequest.objects.create(**wrong, **fields)
    AccessRequest.objects.create(subject_kind="student", subject_school=cw.school,
                                 subject_student_name=NAME, **fields)
    AccessRequest.objects.create(subject_kind="user", subject=None, **fields)  # account gone
