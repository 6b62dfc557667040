"""Tampering with the log as an attacker with DDL rights on the database would.

The triggers refuse UPDATE and DELETE on audit events, so the tests that show what
`sexto audit verify` catches first drop them, as such an attacker would, and put them back.
"""

from contextlib import contextmanager

from django.db import connection
from django.test import override_settings

from audit.models import AuditChainHead, AuditEvent
from audit.services import GENESIS, _digest, _payload


def _triggers(cursor, table: str) -> list[tuple[str, str]]:
    """(name, statement that creates it again) of every trigger on the table."""
    if connection.vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [table],
        )
    else:
        cursor.execute(
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
    return cursor.fetchall()


@contextmanager
def triggers_dropped():
    table = AuditEvent._meta.db_table
    quote = connection.ops.quote_name
    on_table = "" if connection.vendor == "sqlite" else f" ON {quote(table)}"
    with connection.cursor() as cursor:
        triggers = _triggers(cursor, table)
        # Without triggers to drop, a test tampering here would prove nothing about them.
        assert triggers, f"no trigger on {table}"
        for name, _ in triggers:
            cursor.execute(f"DROP TRIGGER {quote(name)}{on_table}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _, create in triggers:
                cursor.execute(create)


def rechain(*, key: str, start: int = 1) -> None:
    """Recompute every digest from `start` on with `key`, head row included, as a forger would.

    Triggers must already be dropped.
    """
    previous = (
        GENESIS if start == 1 else AuditEvent.objects.get(sequence=start - 1).digest
    )
    with override_settings(AUDIT_KEY=key):
        for event in AuditEvent.objects.filter(sequence__gte=start).order_by("sequence"):
            digest = _digest(previous=previous, payload=_payload(event))
            AuditEvent.objects.filter(pk=event.pk).update(previous_digest=previous, digest=digest)
            previous = digest
        last = AuditEvent.objects.order_by("sequence").last()
        AuditChainHead.objects.update(sequence=last.sequence if last else 0, digest=previous)
