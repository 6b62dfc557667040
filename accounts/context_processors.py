from accounts.eligibility import SCHOOL_STAFF_ROLES
from accounts.models import CASE_ROLES, Membership, Role


def nav(request):
    """What the navigation shows: computed once per page, from the user's roles."""
    user = request.user
    if not user.is_authenticated:
        return {"nav": {}}
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    # accounts.selectors.user_is_platform_admin's rule, on the roles already read (one query
    # per page, not two).
    platform_admin = Role.PLATFORM_ADMIN in roles or user.is_superuser
    return {
        "nav": {
            "is_reviewer": Role.REVIEWER in roles or platform_admin,
            "is_author": Role.PROGRAM_AUTHOR in roles or platform_admin,
            "manages_people": Role.ORG_ADMIN in roles or platform_admin,
            "is_platform_admin": platform_admin,
            # School staff report incidents; case roles read them (cases.access decides).
            "case_tool": bool(roles & (SCHOOL_STAFF_ROLES | CASE_ROLES)),
            # Privacy officers keep the register; principals and administrators approve.
            "privacy": bool(roles & {Role.PRIVACY_OFFICER, Role.PRINCIPAL, Role.ORG_ADMIN}),
        }
    }
