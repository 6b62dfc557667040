"""Reading notices: a person's list, their unread count, which events were already notified."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import F, QuerySet

from accounts.models import User
from notifications.models import Notification


def notifications_of(user: User) -> QuerySet[Notification]:
    """A person's notices: unread first, then read; newest first within each."""
    return (Notification.objects.filter(recipient=user)
            .only("id", "kind", "created_at", "read_at")
            .order_by(F("read_at").desc(nulls_first=True), "-created_at"))


def unread_of(user: User) -> QuerySet[Notification]:
    """A person's unread notices, newest first."""
    return (Notification.objects.filter(recipient=user, read_at__isnull=True)
            .only("id", "kind", "created_at", "read_at").order_by("-created_at"))


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def keys_notified(keys: Iterable[str]) -> set[str]:
    """Those of `keys` for which somebody already has a notice: a periodic job's done list."""
    keys = list(keys)
    if not keys:
        return set()
    return set(Notification.objects.filter(key__in=keys).values_list("key", flat=True)
               .distinct())


# How long an email that could not be sent is tried again; after that the notice is in the app
# only (a day-old "new report" email would mislead more than it helps).
EMAIL_RETRY_FOR = datetime.timedelta(days=1)


def emails_unsent(*, now: datetime.datetime) -> list:
    """Ids of the notices of the last day whose email could not be sent yet."""
    return list(Notification.objects.filter(emailed_at__isnull=True,
                                            created_at__gte=now - EMAIL_RETRY_FOR)
                .order_by("created_at").values_list("pk", flat=True))


def personal_data(user: User) -> dict:
    """What the notices say about a person, for a Law 25 access request: kinds and dates.
    The links are left out: they name other people's files by opaque ids."""
    notices = (Notification.objects.filter(recipient=user).only("kind", "created_at", "read_at")
               .order_by("created_at"))
    return {"notifications": [
        {"kind": n.kind, "at": n.created_at.isoformat(),
         "read_at": n.read_at.isoformat() if n.read_at else None} for n in notices]}
