"""Reading the audit log: who did what to a target, what a person did."""

from collections.abc import Iterable

from django.db.models import QuerySet

from audit.models import AuditEvent


def events_for_target(
    *, target_type: str, target_id: str, actions: Iterable[str] | None = None
) -> QuerySet[AuditEvent]:
    """Events about one target, newest first, e.g. who viewed a case and when.

    The actor comes joined: a deleted user's events then show no actor instead of failing.
    """
    events = (
        AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id))
        .select_related("actor")
        .order_by("-sequence")
    )
    if actions is not None:
        events = events.filter(action__in=list(actions))
    return events
