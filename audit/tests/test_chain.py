"""record() builds a keyed hash chain; `sexto audit verify` finds any change to it."""

import datetime
import hashlib
import hmac
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from audit.models import AuditChainHead, AuditEvent
from audit.services import GENESIS, audit_chain_verify, record


@pytest.fixture
def chain(db, person):
    """Three entries, as the product writes them."""
    return [
        record(action="test.first", actor=person, target=person),
        record(action="test.second", target_type="badges.award", target_id="a-1",
               data={"reason": "raison fictive"}),
        record(action="test.third", actor=person, data={"n": 3}),
    ]


def verify() -> str:
    """Run `sexto audit verify` and return what it printed."""
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


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


def test_verify_passes_on_an_intact_chain(chain):
    assert audit_chain_verify().ok
    assert "Audit chain intact: 3 entries verified." in verify()


def test_verify_passes_on_an_empty_log(db):
    assert "Audit chain intact: 0 entries verified." in verify()


def test_verify_fails_when_data_is_changed(chain):
    AuditEvent.objects.filter(sequence=2).update(data={"reason": "autre raison"})
    with pytest.raises(CommandError, match=r"entry #2: content changed"):
        verify()


@pytest.mark.parametrize(
    "change",
    [
        {"action": "test.other"},
        {"target_id": "a-2"},
        {"ip_address": "198.51.100.7"},
        {"actor_ref": "someone-else"},
        {"at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
    ],
    ids=lambda change: next(iter(change)),
)
def test_verify_fails_when_any_hashed_field_is_changed(chain, change):
    AuditEvent.objects.filter(sequence=2).update(**change)
    report = audit_chain_verify()
    assert (report.broken_at, report.reason) == (2, "content changed after it was written")


def test_verify_fails_when_an_entry_is_deleted(chain):
    AuditEvent.objects.filter(sequence=2).delete()
    with pytest.raises(CommandError, match=r"entry #3: missing entry before this one"):
        verify()


def test_verify_fails_when_the_first_entry_is_deleted(chain):
    AuditEvent.objects.filter(sequence=1).delete()
    with pytest.raises(CommandError, match=r"entry #2: missing entry before this one"):
        verify()


def test_verify_fails_when_the_last_entry_is_removed(chain):
    AuditEvent.objects.filter(sequence=3).delete()
    with pytest.raises(CommandError, match=r"entry #3: entries removed from the end"):
        verify()


def test_verify_fails_when_a_digest_is_recomputed_without_the_key(chain):
    # Someone with database access but not the key rewrites an entry and its digest.
    event = AuditEvent.objects.get(sequence=3)
    forged = hashlib.sha256(event.previous_digest.encode() + b"forged").hexdigest()
    AuditEvent.objects.filter(sequence=3).update(data={"n": 4}, digest=forged)
    AuditChainHead.objects.update(digest=forged)
    with pytest.raises(CommandError, match=r"entry #3: content changed"):
        verify()


def test_verify_fails_when_an_entry_no_longer_follows_the_previous_one(chain):
    AuditEvent.objects.filter(sequence=2).update(previous_digest="f" * 64)
    with pytest.raises(CommandError, match=r"entry #2: does not follow the previous entry"):
        verify()


def test_verify_fails_when_an_entry_is_replaced_by_a_well_formed_forgery(chain, settings):
    # Even a forger who rebuilds the chain from entry 2 on, with the wrong key, is caught at 2.
    AuditEvent.objects.filter(sequence__gte=2).delete()
    AuditChainHead.objects.update(sequence=1, digest=chain[0].digest)
    settings.AUDIT_KEY = "a-key-the-forger-guessed"
    record(action="test.forged")
    settings.AUDIT_KEY = settings.SECRET_KEY
    report = audit_chain_verify()
    assert (report.broken_at, report.reason) == (2, "content changed after it was written")


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
