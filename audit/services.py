"""Writing to and checking the audit log. Actors are users; targets are opaque ids."""

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditChainHead, AuditEvent

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
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
    """Append one event. `target` may be any model instance; its id is kept, never its content."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            sequence=head.sequence + 1,
            at=timezone.now(),
            actor=actor,
            actor_ref=str(actor.pk) if actor is not None else "",
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            ip_address=_client_ip(request),
            data=json.loads(json.dumps(data or {}, default=str)),
            previous_digest=head.digest,
        )
        event.digest = _digest(previous=head.digest, payload=_payload(event))
        event.save()
        head.sequence = event.sequence
        head.digest = event.digest
        head.save(update_fields=["sequence", "digest"])
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # sequence of the first bad entry
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_chain_verify() -> ChainReport:
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
        previous = event.digest
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.sequence != checked:
        return ChainReport(checked, checked + 1, "entries removed from the end")
    return ChainReport(checked, None)
