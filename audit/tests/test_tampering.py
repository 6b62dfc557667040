"""`sexto audit verify` catches every change to the log and names the first bad entry.

Each test tampers as someone with DDL rights would, triggers dropped (tampering.py), and then
runs the command as an operator would: exit 1 (CommandError) naming the entry, or exit 0.
"""

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditChainHead, AuditEvent
from audit.services import GENESIS, audit_chain_verify, record
from audit.tests.tampering import rechain, triggers_dropped


def sexto_audit(*args: str) -> str:
    """Run `sexto audit ARGS` and return what it printed."""
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def checkpoint() -> str:
    return sexto_audit("checkpoint").strip()


def assert_verify_fails(entry: int, reason: str, *args: str) -> None:
    with pytest.raises(CommandError) as failure:
        sexto_audit("verify", *args)
    assert failure.value.returncode == 1  # what `sexto` exits with
    assert f"Audit chain broken at entry #{entry}: {reason}" in str(failure.value)


def forged_digest(text: str) -> str:
    """A well-formed digest, computed without the key."""
    return hashlib.sha256(text.encode()).hexdigest()


# --- An intact log ---------------------------------------------------------------------------


def test_verify_passes_on_an_intact_chain(chain):
    assert audit_chain_verify().ok
    assert "Audit chain intact: 3 entries verified." in sexto_audit("verify")


def test_verify_passes_on_an_empty_log(db):
    assert "Audit chain intact: 0 entries verified." in sexto_audit("verify")
    assert checkpoint() == f"0:{GENESIS}"


def test_checkpoint_prints_the_head_as_one_token(chain):
    assert checkpoint() == f"3:{chain[2].digest}"


def test_verify_passes_against_a_checkpoint_also_after_later_entries(chain):
    head = checkpoint()
    record(action="test.fourth")
    output = sexto_audit("verify", "--checkpoint", head)
    assert "Audit chain intact: 4 entries verified. Checkpoint #3 matches." in output


@pytest.mark.parametrize("text", ["", "3", "3:abc", f"x:{GENESIS}", f"0:{'f' * 64}"])
def test_a_malformed_checkpoint_is_refused(db, text):
    with pytest.raises(CommandError, match="invalid checkpoint value"):
        sexto_audit("verify", "--checkpoint", text)


def test_checkpoint_refuses_to_vouch_for_a_broken_chain(chain):
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=2).update(action="test.other")
    with pytest.raises(CommandError, match=r"entry #2: content changed"):
        checkpoint()


# --- An entry altered ------------------------------------------------------------------------


def test_verify_fails_when_one_entry_is_altered(chain):
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=2).update(data={"reason": "autre raison"})
    assert_verify_fails(2, "content changed after it was written")


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
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=2).update(**change)
    report = audit_chain_verify()
    assert (report.broken_at, report.reason) == (2, "content changed after it was written")


def test_verify_fails_when_a_digest_is_recomputed_without_the_key(chain):
    # Someone with database access but not the key rewrites an entry, its digest and the head.
    forged = forged_digest(chain[2].previous_digest + "forged")
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=3).update(data={"n": 4}, digest=forged)
    AuditChainHead.objects.update(digest=forged)
    assert_verify_fails(3, "content changed after it was written")


def test_verify_fails_when_an_entry_no_longer_follows_the_previous_one(chain):
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=2).update(previous_digest="f" * 64)
    assert_verify_fails(2, "does not follow the previous entry")


def test_verify_fails_when_the_whole_chain_is_recomputed_with_another_key(chain):
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=2).update(data={"reason": "autre raison"})
        rechain(key="a-key-the-forger-guessed")
    assert_verify_fails(1, "content changed after it was written")


def test_verify_fails_when_the_chain_is_rebuilt_from_an_entry_with_another_key(chain, settings):
    with triggers_dropped():
        AuditEvent.objects.filter(sequence__gte=2).delete()
    AuditChainHead.objects.update(sequence=1, digest=chain[0].digest)
    settings.AUDIT_KEY = "a-key-the-forger-guessed"
    record(action="test.forged")
    settings.AUDIT_KEY = settings.SECRET_KEY
    assert_verify_fails(2, "content changed after it was written")


def test_a_checkpoint_catches_even_a_rewrite_with_the_key(chain, settings):
    # Whoever holds the key can rebuild a chain that verifies; not one that reaches a
    # checkpoint kept elsewhere.
    head = checkpoint()
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=2).update(data={"reason": "autre raison"})
        rechain(key=settings.AUDIT_KEY, start=2)
    assert "Audit chain intact: 3 entries verified." in sexto_audit("verify")
    assert_verify_fails(3, "does not match the checkpoint", "--checkpoint", head)


# --- An entry removed ------------------------------------------------------------------------


def test_verify_fails_when_one_entry_is_deleted(chain):
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=2).delete()
    assert_verify_fails(3, "missing entry before this one")


def test_verify_fails_when_the_first_entry_is_deleted(chain):
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=1).delete()
    assert_verify_fails(2, "missing entry before this one")


def test_verify_fails_when_the_last_entry_is_deleted(chain):
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=3).delete()
    assert_verify_fails(3, "entries removed from the end")


def test_verify_fails_when_the_chain_head_no_longer_matches(chain):
    AuditChainHead.objects.update(digest=forged_digest("head"))
    assert_verify_fails(3, "does not match the chain head")


@pytest.mark.parametrize("removed", [1, 2])
def test_a_checkpoint_catches_the_last_entries_deleted_with_the_head_rewritten(chain, removed):
    head = checkpoint()
    kept = 3 - removed
    with triggers_dropped():
        AuditEvent.objects.filter(sequence__gt=kept).delete()
    AuditChainHead.objects.update(sequence=kept, digest=chain[kept - 1].digest)
    # Without the checkpoint the shortened log looks whole: nothing in it says it was longer.
    assert f"Audit chain intact: {kept} entries verified." in sexto_audit("verify")
    assert_verify_fails(kept + 1, "entries removed from the end", "--checkpoint", head)


# --- An entry inserted -----------------------------------------------------------------------


def test_verify_fails_when_an_entry_is_inserted(chain):
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=3).update(sequence=4)
    AuditEvent.objects.create(
        sequence=3, at=timezone.now(), action="test.inserted",
        previous_digest=chain[1].digest, digest=forged_digest("inserted"),
    )
    AuditChainHead.objects.update(sequence=4)
    assert_verify_fails(3, "content changed after it was written")


def test_verify_fails_when_an_entry_is_copied_in_again(chain):
    # A genuine entry, digest and all, replayed at another place in the chain.
    second = AuditEvent.objects.get(sequence=2)
    with triggers_dropped():
        AuditEvent.objects.filter(sequence=3).update(sequence=4)
    second.pk, second._state.adding, second.sequence = None, True, 3
    second.save()
    AuditChainHead.objects.update(sequence=4)
    assert_verify_fails(3, "does not follow the previous entry")


def test_verify_fails_when_an_entry_is_appended_behind_record(chain):
    AuditEvent.objects.create(
        sequence=4, at=timezone.now(), action="test.appended",
        previous_digest=chain[2].digest, digest=forged_digest("appended"),
    )
    AuditChainHead.objects.update(sequence=4, digest=forged_digest("appended"))
    assert_verify_fails(4, "content changed after it was written")
