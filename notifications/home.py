"""The notices' part of the person's home (core.home): what they were told and have not read."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.home import Panel
from notifications import selectors
from notifications.kinds import kind_or_unknown

# How many unread notices the home lists before linking to the whole list.
LIST_LIMIT = 5


def panels(request: HttpRequest) -> list[Panel]:
    unread = list(selectors.unread_of(request.user)[:LIST_LIMIT + 1])
    if not unread:
        return []
    return [Panel(
        key="notifications", title=_("Notifications non lues"), order=1,
        template="notifications/home/_unread.html",
        count=selectors.unread_count(request.user) if len(unread) > LIST_LIMIT else len(unread),
        context={"unread_notices": [(notice, kind_or_unknown(notice.kind))
                                    for notice in unread[:LIST_LIMIT]]},
    )]
