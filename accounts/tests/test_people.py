"""People management: accounts:people, role_grant, role_revoke, join request decisions."""

import pytest
from django.urls import reverse

from accounts.models import JoinRequest, Membership, Organisation, Role
from accounts.services import join_request_approve, join_request_create, join_request_decline
from audit.models import AuditEvent
from conftest import login_verified, make_user
from core.exceptions import ApplicationError


@pytest.fixture
def other_centre(world):
    """A second service centre with its own administrator and school."""
    centre = Organisation.objects.create(kind=Organisation.Kind.SERVICE_CENTRE,
                                         name="Centre de services des Collines",
                                         code="css-collines")
    school = Organisation.objects.create(kind=Organisation.Kind.SCHOOL,
                                         name="École des Collines", code="ecole-collines",
                                         parent=centre, territory=world.territory)
    admin = make_user("karl.collines@example.test", "Karl Fictif")
    Membership.objects.create(user=admin, role=Role.ORG_ADMIN, organisation=centre)
    newcomer = make_user("lina.collines@example.test", "Lina Fictive")
    join_request = join_request_create(user=newcomer, organisation=school)
    return type("OtherCentre", (), {"centre": centre, "school": school, "admin": admin,
                                    "join_request": join_request})


@pytest.fixture
def declared(world):
    """The outsider declared working at École des Pionniers."""
    return join_request_create(user=world.outsider, organisation=world.school)


# --- The page ---------------------------------------------------------------------------


def test_people_page_for_an_org_admin(client, world, declared, other_centre):
    login_verified(client, world.org_admin, reauthenticated=True)
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 200
    body = response.content.decode()
    assert world.learner.email in body and world.ineligible_learner.email in body
    assert world.outsider.email in body  # the pending declaration
    assert reverse("accounts:join_request_approve", args=[declared.pk]) in body
    # Nothing from another service centre, the police or the platform.
    assert "Lina Fictive" not in body and "École des Collines" not in body
    assert world.police.email not in body and world.reviewer.email not in body
    assert "Rôles de plateforme" not in body
    # Org admins are offered no platform or police role.
    roles = [value for value, _label in response.context["grant_form"].fields["role"].choices]
    assert Role.REVIEWER not in roles and Role.POLICE_LIAISON not in roles
    assert Role.STAFF in roles and Role.ORG_ADMIN in roles
    assert body.count("<h1") == 1


def test_people_page_for_a_platform_admin(client, world, declared, other_centre):
    login_verified(client, world.platform_admin, reauthenticated=True)
    body = client.get(reverse("accounts:people")).content.decode()
    assert "Rôles de plateforme" in body
    assert world.reviewer.email in body and world.police.email in body
    assert "Lina Fictive" in body
    grant_form = client.get(reverse("accounts:people")).context["grant_form"]
    assert (Role.REVIEWER, Role.REVIEWER.label) in grant_form.fields["role"].choices


@pytest.mark.parametrize("who", ["learner", "principal", "reviewer", "author", "police",
                                 "outsider"])
def test_people_page_refuses_other_roles(client, world, who):
    login_verified(client, getattr(world, who), reauthenticated=True)
    assert client.get(reverse("accounts:people")).status_code == 403


def test_people_page_needs_login_and_get(client, world):
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 302
    login_verified(client, world.org_admin, reauthenticated=True)
    assert client.post(reverse("accounts:people")).status_code == 405


# --- Granting ---------------------------------------------------------------------------


def _grant(client, **data):
    return client.post(reverse("accounts:role_grant"), data)


def test_org_admin_grants_a_role(client, world):
    login_verified(client, world.org_admin, reauthenticated=True)
    response = _grant(client, email="INES.EXTERNE@example.test", role=Role.PRINCIPAL,
                      organisation=str(world.school.pk))
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.outsider)
    assert membership.role == Role.PRINCIPAL and membership.organisation == world.school
    assert membership.granted_by == world.org_admin
    assert AuditEvent.objects.filter(action="role.granted", actor=world.org_admin).exists()


def test_platform_admin_grants_a_platform_role(client, world):
    login_verified(client, world.platform_admin, reauthenticated=True)
    response = _grant(client, email=world.outsider.email, role=Role.REVIEWER, organisation="")
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.outsider, role=Role.REVIEWER,
                                     organisation=None).exists()


def test_platform_admin_sees_the_rule_when_a_platform_role_gets_an_organisation(client, world):
    login_verified(client, world.platform_admin, reauthenticated=True)
    response = _grant(client, email=world.outsider.email, role=Role.REVIEWER,
                      organisation=str(world.school.pk))
    assert response.status_code == 200
    assert "toute la plateforme" in " ".join(response.context["grant_form"].errors["organisation"])
    assert not Membership.objects.filter(user=world.outsider).exists()


@pytest.mark.parametrize("data, field, message", [
    ({"email": "personne@example.test"}, "email", "Aucun compte actif"),
    ({"email": "denis.admin@example.test"}, "email", "s'attribuer"),
    ({"email": "ariane.tremblay@example.test", "role": Role.STAFF}, "email", "déjà ce rôle"),
    ({"role": Role.REVIEWER}, "role", "choix valide"),
    ({"organisation": "force"}, "organisation", "choix valide"),
    ({"organisation": ""}, "organisation", "obligatoire"),
])
def test_grant_errors_keep_the_input(client, world, data, field, message):
    login_verified(client, world.org_admin, reauthenticated=True)
    form = {"email": "ines.externe@example.test", "role": Role.PRINCIPAL,
            "organisation": str(world.school.pk)}
    form.update(data)
    if form["organisation"] == "force":
        form["organisation"] = str(world.force_ok.pk)
    response = _grant(client, **form)
    assert response.status_code == 200
    errors = response.context["grant_form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert f'value="{form["email"]}"' in response.content.decode()
    assert not AuditEvent.objects.filter(action="role.granted").exists()


def test_grant_in_a_school_of_another_centre_is_refused(client, world, other_centre):
    login_verified(client, world.org_admin, reauthenticated=True)
    response = _grant(client, email=world.outsider.email, role=Role.STAFF,
                      organisation=str(other_centre.school.pk))
    assert response.status_code == 200
    assert "organisation" in response.context["grant_form"].errors
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_grant_refuses_other_roles_and_get(client, world):
    login_verified(client, world.principal, reauthenticated=True)
    response = _grant(client, email=world.outsider.email, role=Role.STAFF,
                      organisation=str(world.school.pk))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=world.outsider).exists()
    login_verified(client, world.org_admin, reauthenticated=True)
    assert client.get(reverse("accounts:role_grant")).status_code == 405


# --- Revoking ---------------------------------------------------------------------------


def test_org_admin_revokes_a_role(client, world):
    membership = Membership.objects.get(user=world.principal)
    login_verified(client, world.org_admin, reauthenticated=True)
    response = client.post(reverse("accounts:role_revoke", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoked").exists()


def test_revoking_outside_ones_organisations_is_404(client, world):
    liaison = Membership.objects.get(user=world.police)
    platform = Membership.objects.get(user=world.reviewer)
    login_verified(client, world.org_admin, reauthenticated=True)
    for membership in (liaison, platform):
        url = reverse("accounts:role_revoke", args=[membership.pk])
        assert client.post(url).status_code == 404
        assert Membership.objects.filter(pk=membership.pk).exists()


def test_revoking_ones_own_role_shows_the_rule(client, world):
    own = Membership.objects.get(user=world.org_admin)
    login_verified(client, world.org_admin, reauthenticated=True)
    response = client.post(reverse("accounts:role_revoke", args=[own.pk]), follow=True)
    assert "Personne ne peut se retirer un rôle" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_revoke_refuses_other_roles_and_get(client, world):
    membership = Membership.objects.get(user=world.learner)
    url = reverse("accounts:role_revoke", args=[membership.pk])
    login_verified(client, world.principal, reauthenticated=True)
    assert client.post(url).status_code == 403
    login_verified(client, world.org_admin, reauthenticated=True)
    assert client.get(url).status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- Join requests ----------------------------------------------------------------------


def test_approving_a_declaration_grants_staff(client, world, declared):
    login_verified(client, world.org_admin, reauthenticated=True)
    response = client.post(reverse("accounts:join_request_approve", args=[declared.pk]))
    assert response.status_code == 302
    declared.refresh_from_db()
    assert declared.accepted is True and declared.decided_by == world.org_admin
    assert declared.decided_at is not None
    membership = Membership.objects.get(user=world.outsider)
    assert membership.role == Role.STAFF and membership.organisation == world.school
    assert membership.granted_by == world.org_admin
    assert AuditEvent.objects.filter(action="join_request.approved",
                                     target_id=str(declared.pk)).exists()
    assert AuditEvent.objects.filter(action="role.granted",
                                     target_id=str(world.outsider.pk)).exists()


def test_declining_a_declaration_grants_nothing(client, world, declared):
    login_verified(client, world.org_admin, reauthenticated=True)
    response = client.post(reverse("accounts:join_request_decline", args=[declared.pk]))
    assert response.status_code == 302
    declared.refresh_from_db()
    assert declared.accepted is False and declared.decided_by == world.org_admin
    assert not Membership.objects.filter(user=world.outsider).exists()
    assert AuditEvent.objects.filter(action="join_request.declined").exists()
    # A declined declaration may be made again.
    assert join_request_create(user=world.outsider, organisation=world.school).pending


def test_a_decided_declaration_cannot_be_decided_again(client, world, declared):
    login_verified(client, world.org_admin, reauthenticated=True)
    client.post(reverse("accounts:join_request_decline", args=[declared.pk]))
    response = client.post(reverse("accounts:join_request_approve", args=[declared.pk]),
                           follow=True)
    assert "déjà été traitée" in response.content.decode()
    assert not Membership.objects.filter(user=world.outsider).exists()


@pytest.mark.parametrize("view", ["accounts:join_request_approve",
                                  "accounts:join_request_decline"])
def test_declarations_of_another_centre_are_404(client, world, other_centre, view):
    login_verified(client, world.org_admin, reauthenticated=True)
    assert client.post(reverse(view, args=[other_centre.join_request.pk])).status_code == 404
    other_centre.join_request.refresh_from_db()
    assert other_centre.join_request.pending


@pytest.mark.parametrize("view", ["accounts:join_request_approve",
                                  "accounts:join_request_decline"])
def test_declaration_decisions_refuse_other_roles_and_get(client, world, declared, view):
    url = reverse(view, args=[declared.pk])
    login_verified(client, world.principal, reauthenticated=True)
    assert client.post(url).status_code == 403
    login_verified(client, world.org_admin, reauthenticated=True)
    assert client.get(url).status_code == 405
    declared.refresh_from_db()
    assert declared.pending


def test_platform_admin_approves_anywhere(world, other_centre):
    join_request_approve(approver=world.platform_admin, join_request=other_centre.join_request)
    assert Membership.objects.filter(organisation=other_centre.school, role=Role.STAFF).exists()


def test_nobody_approves_their_own_declaration(world):
    # An administrator of the centre declares working at one of its schools.
    own = join_request_create(user=world.org_admin, organisation=world.school)
    for decide in (join_request_approve, join_request_decline):
        with pytest.raises(ApplicationError) as raised:
            if decide is join_request_approve:
                decide(approver=world.org_admin, join_request=own)
            else:
                decide(decider=world.org_admin, join_request=own)
        assert raised.value.code == "self_grant"
    own.refresh_from_db()
    assert own.pending
    assert not Membership.objects.filter(user=world.org_admin, role=Role.STAFF).exists()


def test_approval_when_the_role_was_granted_meanwhile(world, declared):
    Membership.objects.create(user=world.outsider, role=Role.STAFF, organisation=world.school)
    join_request_approve(approver=world.org_admin, join_request=declared)
    declared.refresh_from_db()
    assert declared.accepted is True
    assert Membership.objects.filter(user=world.outsider).count() == 1


def test_only_schools_can_be_declared(world):
    with pytest.raises(ApplicationError) as raised:
        join_request_create(user=world.outsider, organisation=world.centre)
    assert raised.value.code == "not_a_school"
    assert not JoinRequest.objects.exists()
