from accounts.models import Membership, Role
from accounts.selectors import user_is_platform_admin


def nav(request):
    """What the navigation shows: computed once per page, from the user's roles."""
    user = request.user
    if not user.is_authenticated:
        return {"nav": {}}
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    platform_admin = Role.PLATFORM_ADMIN in roles or user_is_platform_admin(user)
    return {
        "nav": {
            "is_reviewer": Role.REVIEWER in roles or platform_admin,
            "is_author": Role.PROGRAM_AUTHOR in roles or platform_admin,
            "manages_people": Role.ORG_ADMIN in roles or platform_admin,
            "is_platform_admin": platform_admin,
        }
    }
