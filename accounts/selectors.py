"""Read-only questions about people, organisations and roles."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    CASE_ROLES,
    PLATFORM_ROLES,
    JoinRequest,
    Membership,
    Organisation,
    PasskeyDevice,
    Role,
    User,
)


def user_has_role(user: User, role: str, *, organisation: Organisation | None = None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    memberships = Membership.objects.filter(user=user, role=role)
    if organisation is not None and role not in PLATFORM_ROLES:
        memberships = memberships.filter(organisation=organisation)
    return memberships.exists()


def user_is_platform_admin(user: User) -> bool:
    return user_has_role(user, Role.PLATFORM_ADMIN) or bool(
        user.is_authenticated and user.is_superuser
    )


def user_is_reviewer(user: User) -> bool:
    return user_has_role(user, Role.REVIEWER) or user_is_platform_admin(user)


def user_is_program_author(user: User) -> bool:
    return user_has_role(user, Role.PROGRAM_AUTHOR) or user_is_platform_admin(user)


def organisations_administered_by(user: User) -> QuerySet[Organisation]:
    """Organisations whose people `user` may manage: those they administer and their schools."""
    if user_is_platform_admin(user):
        return Organisation.objects.all()
    admin_of = Membership.objects.filter(user=user, role=Role.ORG_ADMIN).values("organisation")
    return Organisation.objects.filter(id__in=admin_of) | Organisation.objects.filter(
        parent__in=admin_of
    )


def user_manages_people(user: User) -> bool:
    """Whether the people page is for `user`: organisation and platform administrators."""
    return user_has_role(user, Role.ORG_ADMIN) or user_is_platform_admin(user)


def grantable_roles(granter: User) -> list[tuple[str, str]]:
    """The roles worth offering `granter` in a form; role_grant_check still has the last word."""
    platform_admin = user_is_platform_admin(granter)
    return [
        (role.value, role.label) for role in Role
        # Interveners are designated by their principal, from the case tool.
        if role != Role.INTERVENER
        and (platform_admin or (role not in PLATFORM_ROLES and role != Role.POLICE_LIAISON))
    ]


def schools_grouped() -> list[tuple[str, list[tuple[str, str]]]]:
    """Schools for a select, grouped by service centre or network (for <optgroup>)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    schools = Organisation.objects.filter(kind=Organisation.Kind.SCHOOL).select_related("parent")
    for school in schools.order_by("parent__name", "name"):
        label = school.parent.name if school.parent_id else _("Autres écoles")
        groups.setdefault(label, []).append((str(school.pk), school.name))
    return list(groups.items())


def join_requests_pending_for_user(user: User) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user=user, decided_at__isnull=True).select_related(
        "organisation"
    )


def join_requests_pending_in(organisations: QuerySet[Organisation]) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(organisation__in=organisations, decided_at__isnull=True)
        .select_related("user", "organisation")
        .order_by("organisation__name", "created_at")
    )


def memberships_in(organisations: QuerySet[Organisation]) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation__in=organisations)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "role")
    )


def platform_memberships() -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation__isnull=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


def user_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related(
        "organisation", "organisation__territory", "organisation__territory__police_force"
    )


# --- Second factor ---------------------------------------------------------------------------


def user_holds_case_role(user: User) -> bool:
    """Whether `user` holds a role that opens case files (and so must use a second factor)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(
        user=user, role__in=[role.value for role in sorted(CASE_ROLES)]
    ).exists()


def user_totp_devices(user: User) -> QuerySet[TOTPDevice]:
    """The person's confirmed authenticator apps (an unconfirmed one is an enrolment underway)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "id")


def user_passkeys(user: User) -> QuerySet[PasskeyDevice]:
    return PasskeyDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "id")


def user_has_second_factor(user: User) -> bool:
    """An authenticator app or a passkey; recovery codes alone are only a spare."""
    if not user.is_authenticated:
        return False
    return user_totp_devices(user).exists() or user_passkeys(user).exists()


def recovery_codes_remaining(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def personal_data(user: User) -> dict:
    """What this app holds about a person (for a Law 25 access request)."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "handle": user.handle,
        "preferred_language": user.preferred_language,
        "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
        "profile_published": user.profile_published,
        "date_joined": user.date_joined.isoformat(),
        "memberships": [
            {"role": m.role, "organisation": m.organisation.name if m.organisation else None}
            for m in user_memberships(user)
        ],
        "join_requests": [
            {
                "organisation": r.organisation.name,
                "created_at": r.created_at.isoformat(),
                "decided_at": r.decided_at.isoformat() if r.decided_at else None,
                "accepted": r.accepted,
            }
            for r in JoinRequest.objects.filter(user=user).select_related("organisation")
        ],
        # Names and dates only: secrets and public keys say nothing to the person.
        "second_factor": [
            {
                "kind": kind,
                "name": device.name,
                "created_at": device.created_at.isoformat() if device.created_at else None,
                "last_used_at": device.last_used_at.isoformat() if device.last_used_at else None,
            }
            for kind, devices in (("totp", user_totp_devices(user)),
                                  ("passkey", user_passkeys(user)))
            for device in devices
        ],
        "recovery_codes_remaining": recovery_codes_remaining(user),
    }
