"""The role-granting rules (accounts.services.role_grant_check), granting and revoking."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organisation, Role
from accounts.services import role_grant, role_grant_check, role_revoke
from audit.models import AuditEvent
from conftest import make_user
from core.exceptions import ApplicationError


def _refused(code, **kwargs):
    with pytest.raises(ApplicationError) as raised:
        role_grant_check(**kwargs)
    assert raised.value.code == code
    assert raised.value.message  # a translated sentence the person can read


def test_nobody_grants_a_role_to_themselves(world):
    _refused("self_grant", granter=world.platform_admin, user=world.platform_admin,
             role=Role.REVIEWER, organisation=None)
    _refused("self_grant", granter=world.org_admin, user=world.org_admin, role=Role.STAFF,
             organisation=world.school)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.PROGRAM_AUTHOR, Role.PLATFORM_ADMIN])
def test_platform_roles_are_granted_by_platform_admins_only(world, role):
    _refused("forbidden", granter=world.org_admin, user=world.outsider, role=role,
             organisation=None)
    _refused("forbidden", granter=world.reviewer, user=world.outsider, role=role,
             organisation=None)
    role_grant_check(granter=world.platform_admin, user=world.outsider, role=role,
                     organisation=None)


def test_a_platform_role_has_no_organisation_and_others_need_one(world):
    _refused("scope", granter=world.platform_admin, user=world.outsider, role=Role.REVIEWER,
             organisation=world.school)
    _refused("scope", granter=world.platform_admin, user=world.outsider, role=Role.STAFF,
             organisation=None)


def test_police_roles_are_granted_by_platform_admins_only(world):
    _refused("forbidden", granter=world.org_admin, user=world.outsider,
             role=Role.POLICE_LIAISON, organisation=world.force_ok)
    role_grant_check(granter=world.platform_admin, user=world.outsider,
                     role=Role.POLICE_LIAISON, organisation=world.force_ok)


def test_liaison_exists_only_in_a_police_force(world):
    _refused("scope", granter=world.platform_admin, user=world.outsider,
             role=Role.POLICE_LIAISON, organisation=world.school)
    _refused("scope", granter=world.platform_admin, user=world.outsider,
             role=Role.POLICE_LIAISON, organisation=world.centre)


def test_a_police_force_holds_no_school_role(world):
    _refused("scope", granter=world.platform_admin, user=world.outsider, role=Role.STAFF,
             organisation=world.force_ok)
    _refused("scope", granter=world.platform_admin, user=world.outsider,
             role=Role.PRINCIPAL, organisation=world.force_ok)


def test_org_admin_grants_in_their_organisation_and_its_schools(world):
    for organisation in (world.centre, world.school, world.school_no_agreement):
        role_grant_check(granter=world.org_admin, user=world.outsider, role=Role.STAFF,
                         organisation=organisation)


def test_org_admin_is_limited_to_their_organisations(world):
    other_centre = Organisation.objects.create(
        kind=Organisation.Kind.SERVICE_CENTRE, name="Centre de services des Collines",
        code="css-collines",
    )
    other_school = Organisation.objects.create(
        kind=Organisation.Kind.SCHOOL, name="École des Collines", code="ecole-collines",
        parent=other_centre, territory=world.territory,
    )
    for organisation in (other_centre, other_school):
        _refused("forbidden", granter=world.org_admin, user=world.outsider, role=Role.STAFF,
                 organisation=organisation)


def test_a_school_admin_does_not_administer_the_service_centre(world):
    school_admin = make_user("jules.ecole@example.test", "Jules Fictif")
    Membership.objects.create(user=school_admin, role=Role.ORG_ADMIN, organisation=world.school)
    role_grant_check(granter=school_admin, user=world.outsider, role=Role.STAFF,
                     organisation=world.school)
    _refused("forbidden", granter=school_admin, user=world.outsider, role=Role.STAFF,
             organisation=world.centre)
    _refused("forbidden", granter=school_admin, user=world.outsider, role=Role.STAFF,
             organisation=world.school_no_agreement)


@pytest.mark.parametrize("who", ["learner", "principal", "reviewer", "author", "police"])
def test_people_without_an_admin_role_grant_nothing(world, who):
    _refused("forbidden", granter=getattr(world, who), user=world.outsider, role=Role.STAFF,
             organisation=world.school)


def test_unknown_role_is_refused(world):
    _refused("unknown_role", granter=world.platform_admin, user=world.outsider, role="wizard",
             organisation=world.school)


def test_role_grant_creates_the_membership_and_audits_it(world):
    membership = role_grant(granter=world.org_admin, user=world.outsider, role=Role.PRINCIPAL,
                            organisation=world.school)
    assert membership.granted_by == world.org_admin
    event = AuditEvent.objects.get(action="role.granted", target_id=str(world.outsider.pk))
    assert event.actor == world.org_admin
    assert event.data == {"role": "principal", "organisation": str(world.school.pk)}


def test_role_grant_refuses_a_duplicate(world):
    with pytest.raises(ApplicationError) as raised:
        role_grant(granter=world.org_admin, user=world.learner, role=Role.STAFF,
                   organisation=world.school)
    assert raised.value.code == "duplicate"


def test_role_grant_writes_nothing_when_refused(world):
    with pytest.raises(ApplicationError):
        role_grant(granter=world.org_admin, user=world.outsider, role=Role.REVIEWER)
    assert not Membership.objects.filter(user=world.outsider).exists()
    assert not AuditEvent.objects.filter(action="role.granted").exists()


def test_role_revoke_follows_the_same_rules_and_is_audited(world):
    staff = Membership.objects.get(user=world.learner, role=Role.STAFF)
    role_revoke(revoker=world.org_admin, membership=staff)
    assert not Membership.objects.filter(pk=staff.pk).exists()
    assert AuditEvent.objects.filter(action="role.revoked", actor=world.org_admin).exists()

    liaison = Membership.objects.get(user=world.police, role=Role.POLICE_LIAISON)
    with pytest.raises(ApplicationError) as raised:
        role_revoke(revoker=world.org_admin, membership=liaison)
    assert raised.value.code == "forbidden"
    assert Membership.objects.filter(pk=liaison.pk).exists()


def test_nobody_removes_their_own_role(world):
    own = Membership.objects.get(user=world.platform_admin)
    with pytest.raises(ApplicationError) as raised:
        role_revoke(revoker=world.platform_admin, membership=own)
    assert raised.value.code == "self_grant"
    assert Membership.objects.filter(pk=own.pk).exists()


def test_bootstrap_admin_command_grants_platform_admin(world, capsys):
    call_command("roles", "bootstrap-admin", "INES.EXTERNE@example.test")
    assert Membership.objects.filter(
        user=world.outsider, role=Role.PLATFORM_ADMIN, organisation=None
    ).exists()
    event = AuditEvent.objects.get(action="role.bootstrapped")
    assert event.target_id == str(world.outsider.pk)
    assert event.actor is None
    call_command("roles", "bootstrap-admin", world.outsider.email)  # harmless when repeated
    assert Membership.objects.filter(user=world.outsider).count() == 1
    assert "already" in capsys.readouterr().out


def test_bootstrap_admin_needs_an_existing_active_account(world):
    with pytest.raises(CommandError, match="No account"):
        call_command("roles", "bootstrap-admin", "personne@example.test")
    world.outsider.is_active = False
    world.outsider.save()
    with pytest.raises(CommandError, match="deactivated"):
        call_command("roles", "bootstrap-admin", world.outsider.email)
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_only_the_principal_designates_interveners_among_the_school_staff(world):
    with pytest.raises(ApplicationError):
        role_grant(granter=world.org_admin, user=world.learner, role=Role.INTERVENER,
                   organisation=world.school)
    with pytest.raises(ApplicationError):  # not staff of that school
        role_grant(granter=world.principal, user=world.ineligible_learner,
                   role=Role.INTERVENER, organisation=world.school)
    membership = role_grant(granter=world.principal, user=world.learner,
                            role=Role.INTERVENER, organisation=world.school)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_role_opening_cases_is_notified_to_the_principal(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(granter=world.org_admin, user=world.learner, role=Role.PRIVACY_OFFICER,
                   organisation=world.school)
    assert [m.to for m in mailoutbox] == [[world.principal.email]]
    assert world.learner.full_name in mailoutbox[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(granter=world.org_admin, user=world.learner, role=Role.STAFF,
                   organisation=world.school_no_agreement)
    assert mailoutbox == []
