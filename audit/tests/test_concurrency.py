"""Concurrent appends wait for each other: one unbroken chain, every entry in it.

Each thread has a database connection of its own, as concurrent requests do. SQLite's test
database lives in memory, in a shared cache whose table locks fail at once instead of waiting
(`database table is locked`): there the threads work on a file copy of it, with the same
options (the IMMEDIATE transaction mode under test), and the rest of the suite stays in memory.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.utils import load_backend

from audit.models import AuditEvent
from audit.services import audit_chain_verify, record

THREADS = 8
APPENDS_PER_THREAD = 10


@pytest.fixture
def database_settings(transactional_db, tmp_path):
    """Settings for the threads' own connections to the test database."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        path = tmp_path / "audit.sqlite3"
        connection.copy_to_file(path)  # config/sqlite_backend
        settings_dict["NAME"] = str(path)
    return settings_dict


def in_own_connection(settings_dict, function, *args):
    """Call function in this thread through a new connection, closed afterwards."""
    own = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = own  # for this thread only
    try:
        return function(*args)
    finally:
        own.close()
        del connections[DEFAULT_DB_ALIAS]


def test_concurrent_appends_keep_one_unbroken_chain(database_settings):
    start = threading.Barrier(THREADS, timeout=30)

    def append(thread: int) -> None:
        start.wait()  # all at once, to make the writers collide
        for n in range(APPENDS_PER_THREAD):
            record(action="test.concurrent", target_type="test.thread", target_id=f"{thread}-{n}")

    def read():
        return audit_chain_verify(), sorted(AuditEvent.objects.values_list("target_id", flat=True))

    with ThreadPoolExecutor(THREADS) as pool:
        for result in [pool.submit(in_own_connection, database_settings, append, thread)
                       for thread in range(THREADS)]:
            result.result()  # an append that failed fails the test here
        report, target_ids = pool.submit(in_own_connection, database_settings, read).result()

    total = THREADS * APPENDS_PER_THREAD
    assert report.ok, report
    assert report.checked == total
    assert target_ids == sorted(f"{t}-{n}" for t in range(THREADS)
                                for n in range(APPENDS_PER_THREAD))


def test_concurrent_transactions_keep_one_chain_without_their_rolled_back_entries(
    database_settings,
):
    """Entries recorded inside requests' transactions (on PostgreSQL linked just before each
    COMMIT) still make one chain; one recorded in a savepoint rolled back is not in it."""
    start = threading.Barrier(THREADS, timeout=30)

    def work(thread: int) -> None:
        start.wait()
        for n in range(APPENDS_PER_THREAD // 2):
            with transaction.atomic():
                record(action="test.concurrent", target_type="test.thread",
                       target_id=f"{thread}-{n}-a")
                try:
                    with transaction.atomic():
                        record(action="test.concurrent", target_type="test.thread",
                               target_id=f"{thread}-{n}-undone")
                        raise _Undo
                except _Undo:
                    pass
                record(action="test.concurrent", target_type="test.thread",
                       target_id=f"{thread}-{n}-b")

    def read():
        return audit_chain_verify(), sorted(AuditEvent.objects.values_list("target_id", flat=True))

    with ThreadPoolExecutor(THREADS) as pool:
        for result in [pool.submit(in_own_connection, database_settings, work, thread)
                       for thread in range(THREADS)]:
            result.result()
        report, target_ids = pool.submit(in_own_connection, database_settings, read).result()

    assert report.ok, report
    assert target_ids == sorted(f"{t}-{n}-{half}" for t in range(THREADS)
                                for n in range(APPENDS_PER_THREAD // 2) for half in "ab")
    assert report.checked == len(target_ids)


class _Undo(Exception):
    pass


@pytest.mark.skipif(not hasattr(connection, "before_commit"),
                    reason="only PostgreSQL's backend links entries just before COMMIT")
def test_chain_head_is_free_until_the_recording_transaction_commits(database_settings):
    """The head's row lock is taken at COMMIT, not when the entry is recorded: meanwhile
    another connection takes it at once (NOWAIT), as another request would."""
    other = load_backend(database_settings["ENGINE"]).DatabaseWrapper(database_settings,
                                                                      DEFAULT_DB_ALIAS)
    record(action="test.concurrent")  # the head row exists
    try:
        with transaction.atomic():
            event = record(action="test.concurrent", target_type="test.thread", target_id="late")
            with other.cursor() as cursor:
                cursor.execute("SELECT sequence FROM audit_auditchainhead WHERE id = 1 "
                               "FOR UPDATE NOWAIT")
                assert cursor.fetchone() == (1,)
            assert not AuditEvent.objects.filter(target_id="late").exists()
        assert event.sequence == 2
        assert AuditEvent.objects.get(target_id="late").digest == event.digest
        assert audit_chain_verify().ok
    finally:
        other.close()
