"""A person's access request: recorded, assembled, approved, delivered; redaction and police."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from audit.models import AuditEvent
from badges.services import badge_request_review
from conftest import login_verified, make_user
from core.exceptions import ApplicationError
from privacy import services, sources
from privacy.models import AccessRequest
from privacy.package import access_request_package, drop_police, package_sha256

Status = AccessRequest.Status


def _actions(access_request) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(access_request.pk))
                .order_by("sequence").values_list("action", flat=True))


def _detail(access_request) -> str:
    return reverse("privacy:request_detail", args=[access_request.pk])


def _approve(client, access_request, approver) -> None:
    login_verified(client, approver, reauthenticated=True)
    page = client.get(_detail(access_request) + "?contenu=1")
    digest = page.context["approve_form"]["sha256"].value()
    response = client.post(reverse("privacy:request_approve", args=[access_request.pk]),
                           {"sha256": digest, "reviewed": "on"})
    assert response.status_code == 302, response.context["approve_form"].errors


def _download(client, access_request, officer):
    login_verified(client, officer, reauthenticated=True)
    return client.post(reverse("privacy:request_download", args=[access_request.pk]))


# --- Recording --------------------------------------------------------------------------------


def test_record_a_request(client, world, privacy):
    login_verified(client, privacy.officer)
    page = client.get(reverse("privacy:request_create"))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    subjects = set(page.context["form"].fields["subject"].queryset)
    # Members of the centre and of its schools; nobody from elsewhere.
    assert {world.learner, world.principal, world.org_admin, privacy.officer} <= subjects
    assert privacy.other_member not in subjects and world.reviewer not in subjects
    received = timezone.localdate() - datetime.timedelta(days=3)
    response = client.post(reverse("privacy:request_create"), {
        "organisation": str(world.centre.pk), "subject": str(world.learner.pk),
        "requester_name": "Ariane Fictive", "requester_capacity": "self",
        "received_on": received.isoformat(),
        "identity_verification": "Permis de conduire présenté en personne", "language": "en",
    })
    access_request = AccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(access_request)
    assert access_request.status == Status.RECORDED and access_request.language == "en"
    assert access_request.due_on == received + datetime.timedelta(days=30)
    event = AuditEvent.objects.get(action="access_request.recorded")
    assert event.actor == privacy.officer
    assert event.data == {"organisation": str(world.centre.pk), "subject": str(world.learner.pk)}


def test_recording_errors_keep_what_was_typed(client, world, privacy):
    login_verified(client, privacy.officer)
    response = client.post(reverse("privacy:request_create"), {
        "organisation": str(world.centre.pk), "subject": str(privacy.other_member.pk),
        "requester_name": "Nom gardé", "requester_capacity": "representative",
        "received_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        "identity_verification": "", "language": "fr",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Choisissez une personne de la liste." in errors["subject"]
    assert "La date de réception ne peut pas être dans le futur." in errors["received_on"]
    assert "Indiquez comment l'identité a été vérifiée." in errors["identity_verification"]
    body = response.content.decode()
    assert 'value="Nom gardé"' in body and 'id="id_received_on_error"' in body
    assert not AccessRequest.objects.exists()


def test_the_service_refuses_a_subject_from_elsewhere(world, privacy):
    with pytest.raises(ApplicationError) as caught:
        services.access_request_record(
            officer=privacy.officer, organisation=world.centre, subject=privacy.other_member,
            requester_name="X", requester_capacity="self", received_on=timezone.localdate(),
            identity_verification="Vu", language="fr",
        )
    assert caught.value.code == "subject_not_member"
    with pytest.raises(ApplicationError):
        services.access_request_record(
            officer=privacy.other_officer, organisation=world.centre, subject=world.learner,
            requester_name="X", requester_capacity="self", received_on=timezone.localdate(),
            identity_verification="Vu", language="fr",
        )


# --- The whole workflow -----------------------------------------------------------------------


def test_full_workflow_with_an_audit_entry_at_each_step(client, world, privacy, access_request):
    # Recorded: nothing to approve, nothing to download.
    login_verified(client, privacy.officer)
    page = client.get(_detail(access_request))
    assert page.status_code == 200 and page.context["package_text"] is None
    assert "no-store" in page["Cache-Control"]
    assert _download(client, access_request, privacy.officer).status_code == 302
    assert access_request.__class__.objects.get().status == Status.RECORDED

    # Assembled by the privacy officer: only the hash is kept.
    response = client.post(reverse("privacy:request_assemble", args=[access_request.pk]))
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == Status.ASSEMBLED
    package = access_request_package(access_request=access_request)
    assert access_request.package_sha256 == package_sha256(package)

    # Still no download before approval.
    response = _download(client, access_request, privacy.officer)
    assert response.status_code == 302 and response["Location"] == _detail(access_request)
    access_request.refresh_from_db()
    assert access_request.status == Status.ASSEMBLED and access_request.delivered_at is None

    # The privacy officer cannot approve; the centre's administrator (its head) does.
    login_verified(client, privacy.officer)
    refused = client.post(reverse("privacy:request_approve", args=[access_request.pk]),
                          {"sha256": access_request.package_sha256, "reviewed": "on"})
    assert refused.status_code == 403
    login_verified(client, world.org_admin, reauthenticated=True)
    page = client.get(_detail(access_request) + "?contenu=1")
    assert page.status_code == 200 and "Ariane Fictive" in page.context["package_text"]
    unconfirmed = client.post(reverse("privacy:request_approve", args=[access_request.pk]),
                              {"sha256": access_request.package_sha256})
    assert unconfirmed.status_code == 200
    assert "reviewed" in unconfirmed.context["approve_form"].errors
    _approve(client, access_request, world.org_admin)
    access_request.refresh_from_db()
    assert access_request.status == Status.APPROVED
    assert access_request.approved_by == world.org_admin
    assert access_request.approved_sha256 == access_request.package_sha256

    # Delivered: the JSON file, to the privacy officer only.
    login_verified(client, world.org_admin)
    assert client.post(reverse("privacy:request_download",
                               args=[access_request.pk])).status_code == 403
    response = _download(client, access_request, privacy.officer)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    delivered = json.loads(response.content)
    assert delivered["sources"]["accounts"]["email"] == world.learner.email
    assert set(delivered["sources"]) == set(sources.SOURCES)
    access_request.refresh_from_db()
    assert access_request.status == Status.DELIVERED
    assert access_request.delivered_by == privacy.officer

    assert [a for a in _actions(access_request) if a != "access_request.package_shown"] == [
        "access_request.recorded", "access_request.assembled", "access_request.approved",
        "access_request.delivered",
    ]
    assert "access_request.package_shown" in _actions(access_request)
    for event in AuditEvent.objects.filter(target_id=str(access_request.pk)):
        text = json.dumps(event.data)
        assert "@" not in text and "Ariane" not in text


def test_the_package_is_never_stored(privacy, access_request):
    services.access_request_assemble(access_request=access_request, officer=privacy.officer)
    access_request.refresh_from_db()
    stored = json.dumps({f.name: str(getattr(access_request, f.attname))
                         for f in AccessRequest._meta.concrete_fields})
    assert access_request.subject.email not in stored
    assert "date_joined" not in stored


def test_a_changed_package_must_be_approved_again(client, world, privacy, access_request):
    services.access_request_assemble(access_request=access_request, officer=privacy.officer)
    _approve(client, access_request, world.org_admin)

    # The person's information changes after the approval: a new role.
    Membership.objects.create(user=world.learner, role=Role.STAFF,
                              organisation=world.school_no_agreement)
    response = _download(client, access_request, privacy.officer)
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.status == Status.ASSEMBLED
    assert access_request.approved_sha256 == "" and access_request.approved_by is None
    assert "access_request.package_changed" in _actions(access_request)
    follow = client.get(response["Location"])
    assert "doivent être approuvés encore" in follow.content.decode()

    _approve(client, access_request, world.org_admin)
    response = _download(client, access_request, privacy.officer)
    assert response.status_code == 200
    assert "École du Ruisseau" in response.content.decode()


def test_a_package_changed_after_assembly_cannot_be_approved(client, world, privacy,
                                                             access_request):
    services.access_request_assemble(access_request=access_request, officer=privacy.officer)
    seen = access_request.package_sha256
    world.learner.full_name = "Ariane Renommée"
    world.learner.save()
    login_verified(client, world.org_admin)
    page = client.get(_detail(access_request))
    assert page.context["package_changed"]
    body = page.content.decode()
    assert "rassembler de nouveau" in body and "Approuver la communication" not in body
    with pytest.raises(ApplicationError) as caught:
        services.access_request_approve(access_request=access_request,
                                        approver=world.org_admin, seen_sha256=seen)
    assert caught.value.code == "package_changed"


def test_the_approver_must_approve_what_they_were_shown(world, privacy, access_request):
    services.access_request_assemble(access_request=access_request, officer=privacy.officer)
    with pytest.raises(ApplicationError) as caught:
        services.access_request_approve(access_request=access_request,
                                        approver=world.org_admin, seen_sha256="0" * 64)
    assert caught.value.code == "package_changed"


def test_nobody_approves_their_own_request(world, privacy):
    request_about_admin = services.access_request_record(
        officer=privacy.officer, organisation=world.centre, subject=world.org_admin,
        requester_name="Denis Fictif", requester_capacity="self",
        received_on=timezone.localdate(), identity_verification="Vu", language="fr",
    )
    services.access_request_assemble(access_request=request_about_admin,
                                      officer=privacy.officer)
    with pytest.raises(ApplicationError) as caught:
        services.access_request_approve_check(access_request=request_about_admin,
                                              approver=world.org_admin)
    assert caught.value.code == "approver_conflict"


def test_a_schools_principal_approves_the_schools_requests(client, world, privacy):
    school_officer = make_user("mia.rprp@example.test", "Mia Fictive")
    Membership.objects.create(user=school_officer, role=Role.PRIVACY_OFFICER,
                              organisation=world.school)
    access_request = services.access_request_record(
        officer=school_officer, organisation=world.school, subject=world.learner,
        requester_name="Ariane Fictive", requester_capacity="self",
        received_on=timezone.localdate(), identity_verification="Vu", language="fr",
    )
    services.access_request_assemble(access_request=access_request, officer=school_officer)
    # The centre's administrator is not the school's head; the centre's officer sees nothing.
    login_verified(client, world.org_admin)
    assert client.get(_detail(access_request)).status_code == 404
    login_verified(client, privacy.officer)
    assert client.get(_detail(access_request)).status_code == 404
    _approve(client, access_request, world.principal)
    access_request.refresh_from_db()
    assert access_request.approved_by == world.principal


def test_due_date_and_overdue_flag(client, world, privacy, access_request):
    access_request.received_on = timezone.localdate() - datetime.timedelta(days=31)
    access_request.save()
    assert access_request.is_overdue()
    login_verified(client, privacy.officer)
    listing = client.get(reverse("privacy:request_list")).content.decode()
    assert "(en retard)" in listing
    assert access_request.due_on.isoformat() in listing
    assert "(en retard)" in client.get(_detail(access_request)).content.decode()
    home = client.get(reverse("privacy:home")).content.decode()
    assert "1 en retard" in home
    access_request.received_on = timezone.localdate() - datetime.timedelta(days=30)
    access_request.save()
    assert not access_request.is_overdue()


def test_a_deleted_account_leaves_nothing_to_assemble(world, privacy, access_request):
    world.learner.delete()
    access_request.refresh_from_db()
    assert access_request.subject is None
    with pytest.raises(ApplicationError) as caught:
        services.access_request_assemble(access_request=access_request, officer=privacy.officer)
    assert caught.value.code == "subject_gone"


# --- What the package holds -------------------------------------------------------------------


def test_other_people_are_replaced_by_their_role(world, privacy, access_request, submitted):
    reason = ("Précisez la deuxième réponse. Ève Fictive (eve.evaluation@example.test), "
              "après un échange avec claire fictive.")
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason=reason)
    package = access_request_package(access_request=access_request)
    text = json.dumps(package, ensure_ascii=False)
    assert "Ève Fictive" not in text and "eve.evaluation@example.test" not in text
    assert "claire fictive" not in text.lower()
    decision = package["sources"]["badges"]["badge_requests"][0]["decision_reason"]
    assert decision == ("Précisez la deuxième réponse. [Évaluateur] ([Évaluateur]), "
                        "après un échange avec [Direction d'école].")
    # The person's own information stays.
    assert package["sources"]["accounts"]["full_name"] == "Ariane Fictive"
    assert package["sources"]["accounts"]["email"] == world.learner.email


def test_role_labels_follow_the_packages_language(world, privacy, access_request, submitted):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason="Voir avec Ève Fictive.")
    access_request.language = "en"
    package = access_request_package(access_request=access_request)
    decision = package["sources"]["badges"]["badge_requests"][0]["decision_reason"]
    assert decision == "Voir avec [Reviewer]."
    assert "Other people's names" in " ".join(package["notes"])


def test_the_subjects_own_name_survives_a_shorter_name_inside_it(world, privacy,
                                                                  access_request, monkeypatch):
    make_user("ariane.autre@example.test", "Ariane")  # no role: "another person"
    monkeypatch.setitem(sources.SOURCES, "notes", lambda user: {
        "text": "Ariane Fictive a parlé à Ariane."})
    package = access_request_package(access_request=access_request)
    assert package["sources"]["notes"]["text"] == "Ariane Fictive a parlé à [autre personne]."


def test_police_parts_are_never_included(world, privacy, access_request, monkeypatch):
    monkeypatch.setitem(sources.SOURCES, "cases", lambda user: {
        "steps": [{"step": 1, "police": {"officer": "Agent X", "file": "2026-123"}}],
        "police": {"report": "Rapport confidentiel de police"},
        "support_plan": "Rencontres hebdomadaires",
    })
    package = access_request_package(access_request=access_request)
    cases = package["sources"]["cases"]
    assert cases == {"steps": [{"step": 1}], "support_plan": "Rencontres hebdomadaires"}
    text = json.dumps(package, ensure_ascii=False)
    assert "Rapport confidentiel" not in text and "Agent X" not in text


def test_drop_police_at_every_depth():
    data = {"police": 1, "a": [{"police": 2, "b": {"police": 3, "c": 4}}], "policed": 5}
    assert drop_police(data) == {"a": [{"b": {"c": 4}}], "policed": 5}


def test_the_hash_ignores_row_order_but_not_content():
    one = {"sources": {"x": {"rows": [{"a": 1}, {"a": 2}]}}}
    same = {"sources": {"x": {"rows": [{"a": 2}, {"a": 1}]}}}
    other = {"sources": {"x": {"rows": [{"a": 2}, {"a": 3}]}}}
    assert package_sha256(one) == package_sha256(same) != package_sha256(other)


def test_sources_are_every_apps_personal_data_selector():
    from accounts.selectors import personal_data as accounts_data
    from badges.selectors import personal_data as badges_data
    from credentials.selectors import personal_data as credentials_data
    from notifications.selectors import personal_data as notifications_data
    from training.selectors import personal_data as training_data

    expected = {"accounts": accounts_data, "training": training_data, "badges": badges_data,
                "credentials": credentials_data, "notifications": notifications_data}
    assert {name: sources.SOURCES.get(name) for name in expected} == expected
