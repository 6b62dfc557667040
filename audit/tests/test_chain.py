"""record() builds a keyed hash chain; the model refuses to change it.

What `sexto audit verify` finds when the database is tampered with: test_tampering.py.
"""

import datetime
import hashlib
import hmac
import json

import pytest
from django.test import RequestFactory

from audit.models import AuditChainHead, AuditEvent
from audit.services import GENESIS, audit_chain_verify, record


def test_record_links_each_entry_to_the_previous_one(chain):
    first, second, third = chain
    assert [e.sequence for e in chain] == [1, 2, 3]
    assert first.previous_digest == GENESIS
    assert second.previous_digest == first.digest
    assert third.previous_digest == second.digest
    assert len({e.digest for e in chain}) == 3
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.digest) == (3, third.digest)


def test_record_keeps_ids_not_content(chain, person):
    first = AuditEvent.objects.get(sequence=1)
    assert first.actor == person
    assert first.actor_ref == str(person.pk)
    assert first.target_type == "accounts.user"
    assert first.target_id == str(person.pk)
    assert person.email not in json.dumps(first.data)


def test_record_stores_the_client_address_and_json_safe_data(db):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10")
    event = record(action="test.ip", request=request, data={"on": datetime.date(2025, 1, 31)})
    event.refresh_from_db()
    assert event.ip_address == "192.0.2.10"
    assert event.data == {"on": "2025-01-31"}
    assert event.actor is None and event.actor_ref == ""


def test_an_anonymous_actor_is_recorded_as_nobody(db):
    from django.contrib.auth.models import AnonymousUser

    event = record(action="test.anonymous", actor=AnonymousUser())
    assert event.actor is None and event.actor_ref == ""


def test_the_chain_is_keyed(chain, settings):
    settings.AUDIT_KEY = "another-key"
    report = audit_chain_verify()
    assert not report.ok and report.broken_at == 1


def test_digest_is_an_hmac_of_the_previous_digest_and_the_content(chain, settings):
    first = chain[0]
    payload = {
        "sequence": 1, "at": first.at.isoformat(), "actor": first.actor_ref,
        "action": "test.first", "target_type": "accounts.user", "target_id": first.target_id,
        "ip": "", "data": {},
    }
    message = GENESIS.encode() + json.dumps(payload, sort_keys=True).encode()
    expected = hmac.new(settings.AUDIT_KEY.encode(), message, hashlib.sha256).hexdigest()
    assert first.digest == expected


def test_saving_an_existing_event_is_refused(chain):
    event = AuditEvent.objects.get(sequence=2)
    event.data = {"reason": "réécrit"}
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(sequence=2).data == {"reason": "raison fictive"}


def test_deleting_an_event_is_refused(chain):
    event = AuditEvent.objects.get(sequence=2)
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(sequence=2).exists()
    assert audit_chain_verify().ok
