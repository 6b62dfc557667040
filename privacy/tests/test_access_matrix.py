"""Every privacy URL for every kind of visitor: outsiders 404, wrong roles 403, others in.

Roles: the privacy officer of the service centre that owns the records; the privacy officer of
another centre; the principal of one of the centre's schools (an approver, but for the school
only, and for the centre's requests about the school's students); the centre's organisation
administrator (the approver of the centre's other requests); a staff
member; a platform administrator; an anonymous visitor.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from conftest import login_verified
from privacy import services
from privacy.models import AccessRequest

VISITORS = ["officer", "other_officer", "principal", "org_admin", "staff", "platform_admin",
            "anonymous"]

# (url name, method, needs an object, expected status per visitor, in VISITORS order).
# 302 for a signed-in visitor is the end of a successful POST (or a refused download).
MATRIX = [
    ("home", "get", None, [200, 200, 200, 200, 403, 403, 302]),
    ("incident_list", "get", None, [200, 200, 403, 403, 403, 403, 302]),
    ("incident_create", "get", None, [200, 200, 403, 403, 403, 403, 302]),
    ("incident_detail", "get", "incident", [200, 404, 403, 403, 403, 403, 302]),
    ("incident_update", "get", "incident", [200, 404, 403, 403, 403, 403, 302]),
    ("incident_delete", "get", "incident", [200, 404, 403, 403, 403, 403, 302]),
    ("incident_delete", "post", "incident", [302, 404, 403, 403, 403, 403, 302]),
    ("incident_cai_notice", "get", "incident", [200, 404, 403, 403, 403, 403, 302]),
    ("request_list", "get", None, [200, 200, 200, 200, 403, 403, 302]),
    ("request_create", "get", None, [200, 200, 403, 403, 403, 403, 302]),
    ("request_detail", "get", "request", [200, 404, 404, 200, 403, 403, 302]),
    ("request_assemble", "post", "request", [302, 404, 403, 403, 403, 403, 302]),
    ("request_approve", "post", "request", [403, 403, 404, 302, 403, 403, 302]),
    ("request_download", "post", "request", [302, 404, 403, 403, 403, 403, 302]),
]
# A request about a student is approved by the principal of the student's school, never by
# the centre's administrator, who reads no case file.
STUDENT_APPROVAL = {
    "request_detail": [200, 404, 200, 404, 403, 403, 302],
    "request_approve": [403, 403, 302, 404, 403, 403, 302],
}


@pytest.fixture(params=["user", "student"])
def assembled(request, world, privacy):
    """An assembled request about an account, then one about a student: the same rules."""
    if request.param == "user":
        access_request = request.getfixturevalue("access_request")
    else:
        access_request = services.access_request_record(
            officer=privacy.officer, organisation=world.centre, subject_kind="student",
            subject_school=world.school, subject_student_name="Zoé Imaginaire",
            requester_name="Sophie Imaginaire", requester_capacity="representative",
            received_on=timezone.localdate(), identity_verification="Vu", language="fr",
        )
    services.access_request_assemble(access_request=access_request, officer=privacy.officer)
    return access_request


def _visitor(name, world, privacy):
    return {
        "officer": privacy.officer, "other_officer": privacy.other_officer,
        "principal": world.principal, "org_admin": world.org_admin, "staff": world.learner,
        "platform_admin": world.platform_admin, "anonymous": None,
    }[name]


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize(("name", "method", "target", "expected"), MATRIX,
                         ids=[f"{m[0]}-{m[1]}" for m in MATRIX])
def test_access(client, world, privacy, incident, assembled, visitor, name, method, target,
                expected):
    user = _visitor(visitor, world, privacy)
    if user is not None:
        login_verified(client, user)
    args = {"incident": [incident.pk], "request": [assembled.pk], None: []}[target]
    url = reverse(f"privacy:{name}", args=args)
    data = {}
    if name == "request_approve":
        data = {"sha256": assembled.package_sha256, "reviewed": "on"}
    response = getattr(client, method)(url, data)
    if assembled.is_about_student and name in STUDENT_APPROVAL:
        expected = STUDENT_APPROVAL[name]
    want = expected[VISITORS.index(visitor)]
    assert response.status_code == want, (visitor, name, method)
    if visitor == "anonymous":
        assert reverse("accounts:login") in response["Location"]
    if want == 200:
        assert "no-store" in response["Cache-Control"]


def test_the_privacy_role_is_what_counts_not_the_platform(world, privacy):
    from privacy.selectors import approver_organisations, privacy_officer_organisations

    assert list(privacy_officer_organisations(world.platform_admin)) == []
    assert list(approver_organisations(world.platform_admin)) == []
    assert list(approver_organisations(world.principal)) == [world.school]
    assert list(approver_organisations(world.org_admin)) == [world.centre]
    assert list(privacy_officer_organisations(privacy.officer)) == [world.centre]
    privacy.officer.is_active = False
    privacy.officer.save()
    assert list(privacy_officer_organisations(privacy.officer)) == []
    assert Role.PRIVACY_OFFICER == "privacy_officer"


GET_ONLY = ["home", "incident_list", "incident_detail", "incident_cai_notice", "request_list",
            "request_detail"]
POST_ONLY = ["request_assemble", "request_approve", "request_download"]


@pytest.mark.parametrize("name", GET_ONLY + POST_ONLY)
def test_wrong_method_405(client, world, privacy, incident, access_request, name):
    login_verified(client, world.org_admin if name == "request_approve" else privacy.officer)
    args = []
    if name.startswith("incident_") and name != "incident_list":
        args = [incident.pk]
    elif name.startswith("request_") and name != "request_list":
        args = [access_request.pk]
    url = reverse(f"privacy:{name}", args=args)
    if name in POST_ONLY:
        assert client.get(url).status_code == 405
    else:
        assert client.post(url).status_code == 405
    assert client.put(url).status_code == 405
    assert AccessRequest.objects.get().status == AccessRequest.Status.RECORDED


def test_lists_show_only_the_visitors_organisations(client, world, privacy, incident,
                                                    other_incident, access_request):
    login_verified(client, privacy.other_officer)
    assert list(client.get(reverse("privacy:incident_list")).context["incidents"]) == [
        other_incident]
    assert client.get(reverse("privacy:request_list")).context["rows"] == []
    login_verified(client, world.principal)  # the school's head; the request is the centre's
    assert client.get(reverse("privacy:request_list")).context["rows"] == []
    login_verified(client, world.org_admin)
    rows = client.get(reverse("privacy:request_list")).context["rows"]
    assert [r for r, _overdue in rows] == [access_request]
