"""Writing people, roles and reference data. Every role change is audited."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import PLATFORM_ROLES, Membership, Organisation, Role, User
from accounts.selectors import organisations_administered_by, user_is_platform_admin
from audit.services import record
from core.exceptions import ApplicationError


def role_grant_check(
    *, granter: User, user: User, role: str, organisation: Organisation | None
) -> None:
    """Raise ApplicationError unless `granter` may give `role` to `user` (in `organisation`).

    The rules, in one place:
    - nobody grants a role to themselves;
    - platform roles (reviewer, program author, platform administrator) and every role in a
      police force are granted by platform administrators only;
    - the police liaison role exists only in a police force, and police forces hold no other
      school role;
    - other roles: a platform administrator, or an administrator of that organisation or of
      the service centre or network it belongs to.
    """
    if granter.pk == user.pk:
        raise ApplicationError(_("Personne ne peut s'attribuer un rôle."), code="self_grant")
    if role not in Role.values:
        raise ApplicationError(_("Rôle inconnu."), code="unknown_role")
    in_police_force = organisation is not None and (
        organisation.kind == Organisation.Kind.POLICE_FORCE
    )
    if role in PLATFORM_ROLES:
        if organisation is not None:
            raise ApplicationError(
                _("Ce rôle vaut pour toute la plateforme, sans organisation."), code="scope"
            )
    elif organisation is None:
        raise ApplicationError(_("Ce rôle doit être lié à une organisation."), code="scope")
    if role == Role.POLICE_LIAISON and not in_police_force:
        raise ApplicationError(
            _("Le rôle d'agent de liaison n'existe que dans un corps de police."), code="scope"
        )
    if in_police_force and role not in (Role.POLICE_LIAISON, Role.ORG_ADMIN):
        raise ApplicationError(
            _("Un corps de police ne peut recevoir que des agents de liaison."), code="scope"
        )
    if role in PLATFORM_ROLES or in_police_force:
        if not user_is_platform_admin(granter):
            raise ApplicationError(
                _("Seul un administrateur de la plateforme peut attribuer ce rôle."),
                code="forbidden",
            )
        return
    if not organisations_administered_by(granter).filter(pk=organisation.pk).exists():
        raise ApplicationError(
            _("Vous n'administrez pas cette organisation."), code="forbidden"
        )


@transaction.atomic
def role_grant(
    *, granter: User, user: User, role: str, organisation: Organisation | None = None,
    request=None,
) -> Membership:
    role_grant_check(granter=granter, user=user, role=role, organisation=organisation)
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, organisation=organisation, defaults={"granted_by": granter}
    )
    if not created:
        raise ApplicationError(_("Cette personne a déjà ce rôle."), code="duplicate")
    record(
        action="role.granted", actor=granter, target=user, request=request,
        data={"role": role, "organisation": str(organisation.pk) if organisation else None},
    )
    return membership


@transaction.atomic
def role_revoke(*, revoker: User, membership: Membership, request=None) -> None:
    # Taking a role away follows the same rules as giving it.
    role_grant_check(
        granter=revoker, user=membership.user, role=membership.role,
        organisation=membership.organisation,
    )
    record(
        action="role.revoked", actor=revoker, target=membership.user, request=request,
        data={
            "role": membership.role,
            "organisation": str(membership.organisation_id) if membership.organisation_id else None,
        },
    )
    membership.delete()


def membership_bootstrap(*, user: User, role: str, organisation: Organisation | None = None,
                         reason: str) -> Membership:
    """Give a role with no granter: for the first platform administrator and for demo data.

    Only the command line calls this (createsuperuser-style), never a view; it is audited.
    """
    membership, _created = Membership.objects.get_or_create(
        user=user, role=role, organisation=organisation
    )
    record(action="role.bootstrapped", target=user,
           data={"role": role, "organisation": str(organisation.pk) if organisation else None,
                 "reason": reason})
    return membership
