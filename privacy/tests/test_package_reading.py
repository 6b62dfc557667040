"""Who reads an access request's package, and when (issue 10).

Until the head of the organisation approves, the privacy officer sees a summary: which parts
of Sexto hold something, how many items. Reading the package in full (the approver; the officer
once approved) and downloading it ask for a fresh re-authentication, and are audited.
"""

import html
import time

from django.urls import reverse

from audit.models import AuditEvent
from cases.tests.conftest import cw  # noqa: F401
from conftest import login_verified
from privacy import services
from privacy.models import AccessRequest
from privacy.package import access_request_package, package_sha256, package_summary
from privacy.tests.test_student_requests import (  # noqa: F401
    NAME,
    _detail,
    _record,
    school_officer,
    zoe_case,
)

Status = AccessRequest.Status
NARRATIVE = "a partagé sa photo"  # from the case's account (zoe_case)


def _assembled(officer, school):
    access_request = _record(officer, school, school)
    services.access_request_assemble(access_request=access_request, officer=officer)
    return access_request


def _actions(access_request) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(access_request.pk))
                .order_by("sequence").values_list("action", flat=True))


def test_the_officer_sees_a_summary_before_approval(
        client, cw, school_officer, zoe_case):  # noqa: F811
    access_request = _assembled(school_officer, cw.school)
    login_verified(client, school_officer, reauthenticated=True)
    page = client.get(_detail(access_request))
    body = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert page.context["package_text"] is None
    assert page.context["package_summary"] == [
        {"source": "cases", "label": "Dossiers d'incident", "items": 1}]
    assert "Dossiers d'incident" in body
    assert NARRATIVE not in body and "Rencontre avec" not in body
    # Asking for it in full changes nothing before the approval, even re-authenticated.
    full = client.get(_detail(access_request) + "?contenu=1")
    assert full.status_code == 200 and full.context["package_text"] is None
    assert NARRATIVE not in full.content.decode()
    actions = _actions(access_request)
    assert "access_request.package_shown" not in actions
    assert actions.count("access_request.package_summary_shown") == 2


def test_the_approver_reads_the_package_after_a_reauthentication(
        client, cw, school_officer, zoe_case):  # noqa: F811
    access_request = _assembled(school_officer, cw.school)
    login_verified(client, cw.principal)  # second factor, no recent re-authentication
    page = client.get(_detail(access_request))
    assert page.context["package_text"] is None and page.context["approve_form"] is None
    assert page.context["full_package_url"] in page.content.decode()
    response = client.get(_detail(access_request) + "?contenu=1")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert "access_request.package_shown" not in _actions(access_request)
    login_verified(client, cw.principal, reauthenticated=True)
    page = client.get(_detail(access_request) + "?contenu=1")
    assert NAME in page.context["package_text"] and NARRATIVE in page.content.decode()
    assert page.context["approve_form"] is not None
    event = AuditEvent.objects.get(action="access_request.package_shown")
    assert event.actor == cw.principal and event.target_id == str(access_request.pk)


def test_after_approval_the_officer_reads_it_after_a_reauthentication(
        client, cw, school_officer, zoe_case, settings):  # noqa: F811
    access_request = _assembled(school_officer, cw.school)
    services.access_request_approve(access_request=access_request, approver=cw.principal,
                                    seen_sha256=access_request.package_sha256)
    login_verified(client, school_officer, reauthenticated=True)
    session = client.session
    session["sexto_reauth_at"] = time.time() - settings.SEXTO_REAUTH_SECONDS - 1
    session.save()
    response = client.get(_detail(access_request) + "?contenu=1")
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    # The download, an export, likewise: nothing is given out, nothing changes.
    download = client.post(reverse("privacy:request_download", args=[access_request.pk]))
    assert download["Location"].startswith(reverse("accounts:reauthenticate"))
    access_request.refresh_from_db()
    assert access_request.status == Status.APPROVED
    login_verified(client, school_officer, reauthenticated=True)
    page = client.get(_detail(access_request) + "?contenu=1")
    assert NAME in page.context["package_text"]
    assert AuditEvent.objects.filter(action="access_request.package_shown",
                                     actor=school_officer).exists()


def test_the_summary_counts_items_per_source(cw, school_officer, zoe_case):  # noqa: F811
    access_request = _assembled(school_officer, cw.school)
    package = access_request_package(access_request=access_request)
    assert package_sha256(package) == access_request.package_sha256
    (row,) = package_summary(package)
    assert row["source"] == "cases" and row["items"] == len(package["sources"]["cases"]["cases"])
    assert package_summary({"sources": {"accounts": {
        "email": "a@example.test", "full_name": "", "memberships": [1, 2],
        "profile_published": False, "second_factor": []}}}) == [
        {"source": "accounts", "label": "Compte, rôles et second facteur", "items": 3}]
