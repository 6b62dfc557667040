from django.utils.functional import cached_property

from notifications.selectors import unread_count


class _Notices:
    """The navigation's count, counted once per page and only if the page shows it."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(self._user)


def notices(request):
    """`notifications_nav.unread`: the person's unread notices, for the navigation (one COUNT
    query, made only if the page shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_nav": _Notices(user)}
