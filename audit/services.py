"""Writing to and checking the audit log. Actors are users; targets are opaque ids."""

import hashlib
import hmac
import json
import re
from contextlib import ExitStack
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.actions import check_action
from audit.models import AuditChainHead, AuditEvent
from core.client_ip import client_ip

GENESIS = "0" * 64


def _digest(*, previous: str, payload: dict) -> str:
    message = previous.encode() + json.dumps(payload, sort_keys=True, default=str).encode()
    return hmac.new(settings.AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()


def _payload(event: AuditEvent) -> dict:
    return {
        "sequence": event.sequence,
        "at": event.at.isoformat(),
        "actor": event.actor_ref,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip": event.ip_address or "",
        "data": event.data,
    }


def _client_ip(request) -> str | None:
    # The client's address as the trusted reverse proxies saw it, never the proxy's own.
    if request is None:
        return None
    return client_ip(request)


def record(
    *,
    action: str,
    actor=None,
    target=None,
    target_type: str = "",
    target_id: str = "",
    data: dict | None = None,
    request=None,
) -> AuditEvent:
    """Append one event. `target` may be any model instance; its id is kept, never its content.

    `action` must be listed in an app's audit_actions.py (audit.actions), so that it reads in
    words wherever the log is shown.
    """
    check_action(action)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    event = AuditEvent(
        at=timezone.now(),
        actor=actor,
        actor_ref=str(actor.pk) if actor is not None else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        ip_address=_client_ip(request),
        data=json.loads(json.dumps(data or {}, default=str)),
    )
    connection = transaction.get_connection()
    if _deferrable(connection):
        # Linked to the chain as the transaction's last statements (config/postgresql_backend):
        # the head is then held for those few statements and the COMMIT, not for everything
        # the request does after this call. The entry is committed, or rolled back, with the
        # change it records; `event` gets its sequence and digest at that moment.
        connection.before_commit(lambda: _append([event]))
    elif connection.vendor == "postgresql":
        _append([event])  # one statement, atomic by itself (see _append_compare_and_swap)
    else:
        with transaction.atomic():
            _append([event])
    return event


def _deferrable(connection) -> bool:
    """Whether the entry can wait for the end of the caller's transaction.

    Only inside a transaction opened by the caller (outside one the append is its own short
    transaction anyway), on a backend that runs work before COMMIT (PostgreSQL's; on SQLite
    the IMMEDIATE transaction holds the write lock from BEGIN, so waiting would gain nothing),
    and not inside a test case's wrapping transaction, which never commits.
    """
    return (
        connection.in_atomic_block
        and hasattr(connection, "before_commit")
        and not any(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
    )


def _append(events: list[AuditEvent]) -> None:
    """Link `events` to the chain, in order, and move its head."""
    if transaction.get_connection().vendor == "postgresql":
        while not _append_compare_and_swap(events):
            pass  # another writer moved the head first: link again behind it
        return
    with transaction.atomic():
        _append_locked(events)


def _append_locked(events: list[AuditEvent]) -> None:
    # One writer at a time, or two entries would follow the same one and fork the chain.
    # SQLite ignores select_for_update, but its IMMEDIATE transaction mode
    # (config/settings.py) holds the write lock from BEGIN.
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    _link(events, sequence=head.sequence, digest=head.digest)
    for event in events:
        event.save(force_insert=True)
    head.sequence, head.digest = events[-1].sequence, events[-1].digest
    head.save(update_fields=["sequence", "digest"])


def _link(events: list[AuditEvent], *, sequence: int, digest: str) -> None:
    for event in events:
        sequence += 1
        event.sequence = sequence
        event.previous_digest = digest
        event.digest = digest = _digest(previous=digest, payload=_payload(event))


def _append_compare_and_swap(events: list[AuditEvent]) -> bool:
    """PostgreSQL: link behind the head as read, then move the head only if it is still there
    and insert the entries, in one statement; False if another writer moved it first.

    A row lock taken before linking (SELECT ... FOR UPDATE) was held across four round trips
    and the Python between them, which a busy server stretches to tens of milliseconds while
    every other request of every server waits. Here the head's row is locked only by the
    statement that moves it: outside a transaction that is one round trip, inside one it is
    that statement and the COMMIT right after (config/postgresql_backend). Concurrent writers
    that read the same head cannot both move it: the second UPDATE waits for the first, sees
    the new head and matches no row, so it inserts nothing and links again. The chain never
    forks (and `sequence` is unique besides).
    """
    head = AuditChainHead.objects.filter(id=1).values_list("sequence", "digest").first()
    if head is None:  # the very first entry: create the head row under the lock
        with transaction.atomic():
            _append_locked(events)
        return True
    _link(events, sequence=head[0], digest=head[1])
    rows = ", ".join(["(%s::bigint, %s::timestamptz, %s::uuid, %s, %s, %s, %s, %s::inet, "
                      "%s::jsonb, %s, %s)"] * len(events))
    params: list = [events[-1].sequence, events[-1].digest, head[0], head[1]]
    for event in events:
        params += [event.sequence, event.at, event.actor_id, event.actor_ref, event.action,
                   event.target_type, event.target_id, event.ip_address,
                   json.dumps(event.data), event.previous_digest, event.digest]
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH head AS (
                    UPDATE {AuditChainHead._meta.db_table} SET sequence = %s, digest = %s
                    WHERE id = 1 AND sequence = %s AND digest = %s RETURNING id)
                INSERT INTO {AuditEvent._meta.db_table} (sequence, at, actor_id, actor_ref,
                    action, target_type, target_id, ip_address, data, previous_digest, digest)
                SELECT entry.* FROM (VALUES {rows}) AS entry, head
                RETURNING id, sequence""",  # noqa: S608 - table names from the models
            params)
        inserted = {sequence: pk for pk, sequence in cursor.fetchall()}
    if not inserted:
        return False
    for event in events:
        event.pk = inserted[event.sequence]
        event._state.adding = False
        event._state.db = connection.alias
    return True


REFUSAL_IN_TRANSACTION = (
    "record_refusal() was called inside transaction.atomic(): the refusal would be lost if "
    "that transaction rolled back. Call it before opening one, where the refusal is decided."
)


def record_refusal(
    *, request, action: str, target_type: str = "", target_id: str = "", data: dict | None = None
) -> AuditEvent:
    """Record a refused access (a 403 or 404), committed at once, before the request fails.

    The refusal gets a transaction of its own, committed when this returns. Inside another
    transaction it could be rolled back with it, so that is refused as a programming error:
    Django's durable atomic block checks exactly this, and lets a test's wrapping transaction
    through. A second database connection would survive the rollback, but on SQLite it would
    wait for the lock the first one holds until the timeout; on_commit would drop it.
    """
    with ExitStack() as stack:
        try:
            stack.enter_context(transaction.atomic(durable=True))
        except RuntimeError as error:
            raise RuntimeError(REFUSAL_IN_TRANSACTION) from error
        return record(
            action=action, actor=getattr(request, "user", None), request=request,
            target_type=target_type, target_id=target_id, data=data,
        )


CHECKPOINT = re.compile(r"(?P<sequence>\d+):(?P<digest>[0-9a-f]{64})")


@dataclass(frozen=True)
class Checkpoint:
    """The head of the chain at some moment, kept away from the database that holds the log."""

    sequence: int
    digest: str

    @classmethod
    def parse(cls, text: str) -> "Checkpoint":
        match = CHECKPOINT.fullmatch(text.strip().lower())
        if match is None:
            raise ValueError(f"not a checkpoint (SEQUENCE:DIGEST): {text!r}")
        checkpoint = cls(int(match["sequence"]), match["digest"])
        if checkpoint.sequence == 0 and checkpoint.digest != GENESIS:
            raise ValueError(f"an empty log's checkpoint is 0:{GENESIS}")
        return checkpoint

    def __str__(self) -> str:
        return f"{self.sequence}:{self.digest}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # sequence of the first bad entry
    reason: str = ""
    head: Checkpoint = Checkpoint(0, GENESIS)  # the last entry verified

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_chain_verify(*, checkpoint: Checkpoint | None = None) -> ChainReport:
    """Check every entry against the key and the previous entry, then against known heads.

    The chain head row and a checkpoint each vouch that the log reached their sequence with
    their digest: removing the last entries shows only against them. A checkpoint kept
    elsewhere also holds against someone who rewrote the head row, or who had the key.
    """
    # Read before the entries, as a lower bound: entries appended while this runs come after.
    head_row = AuditChainHead.objects.filter(id=1).first()
    anchors = [(checkpoint, "the checkpoint")] if checkpoint is not None else []
    if head_row is not None:
        anchors.append((Checkpoint(head_row.sequence, head_row.digest), "the chain head"))
    anchors = [(anchor, name) for anchor, name in anchors if anchor.sequence > 0]

    previous = GENESIS
    expected_sequence = 1
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        if event.sequence != expected_sequence:
            return ChainReport(checked, event.sequence, "missing entry before this one")
        if event.previous_digest != previous:
            return ChainReport(checked, event.sequence, "does not follow the previous entry")
        expected = _digest(previous=previous, payload=_payload(event))
        if not hmac.compare_digest(event.digest, expected):
            return ChainReport(checked, event.sequence, "content changed after it was written")
        for anchor, name in anchors:
            if anchor.sequence == event.sequence and not hmac.compare_digest(
                anchor.digest, event.digest
            ):
                return ChainReport(checked, event.sequence, f"does not match {name}")
        previous = event.digest
        expected_sequence += 1
        checked += 1
    if any(anchor.sequence > checked for anchor, _ in anchors):
        return ChainReport(checked, checked + 1, "entries removed from the end")
    return ChainReport(checked, None, head=Checkpoint(checked, previous))
