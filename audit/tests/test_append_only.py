"""The database refuses UPDATE and DELETE on audit events, whoever sends them (migration 0002).

Run on the test database built by the migrations, so a later migration that loses the
triggers (SQLite rebuilds a table to alter it) fails here.
"""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEvent
from audit.selectors import events_for_target
from audit.services import audit_chain_verify, record


def execute(sql: str, params=()) -> None:
    # A savepoint: on PostgreSQL the refused statement would otherwise spoil the test's
    # transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'test.other' WHERE sequence = 2",
        "UPDATE audit_auditevent SET digest = previous_digest",
        "DELETE FROM audit_auditevent WHERE sequence = 3",
        "DELETE FROM audit_auditevent",
    ],
)
def test_raw_sql_update_and_delete_are_refused(chain, sql):
    with pytest.raises(IntegrityError, match="append-only"):
        execute(sql)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "test.first", "test.second", "test.third",
    ]
    assert audit_chain_verify().ok


def test_orm_bulk_update_and_delete_are_refused(chain):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(data={})
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 3
    assert audit_chain_verify().ok


def test_deleting_a_user_keeps_their_entries_unchanged(chain, person):
    person_id = person.pk
    person.delete()
    assert AuditEvent.objects.filter(actor_ref=str(person_id)).count() == 2
    assert audit_chain_verify().ok
    event = events_for_target(target_type="accounts.user", target_id=str(person_id)).get()
    assert event.actor is None and event.actor_ref == str(person_id)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_keeps_the_triggers():
    # Tests that commit are cleaned up by flush: SQLite's DELETE FROM goes through
    # config/sqlite_backend, PostgreSQL's TRUNCATE is not seen by row triggers.
    record(action="test.before_flush")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    record(action="test.after_flush")
    with pytest.raises(IntegrityError, match="append-only"):
        execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.get().action == "test.after_flush"
