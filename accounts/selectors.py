"""Read-only questions about people, organisations and roles."""

from django.db.models import QuerySet

from accounts.models import PLATFORM_ROLES, Membership, Organisation, Role, User


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


def user_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related(
        "organisation", "organisation__territory", "organisation__territory__police_force"
    )


def personal_data(user: User) -> dict:
    """What this app holds about a person (for a Law 25 access request)."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "handle": user.handle,
        "preferred_language": user.preferred_language,
        "profile_published": user.profile_published,
        "date_joined": user.date_joined.isoformat(),
        "memberships": [
            {"role": m.role, "organisation": m.organisation.name if m.organisation else None}
            for m in user_memberships(user)
        ],
    }
