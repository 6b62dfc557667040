"""PostgreSQL, with a hook that runs work as the last statements of a transaction.

Django offers transaction.on_commit (after COMMIT: too late to write in the same transaction)
but nothing just before it. The audit chain needs exactly that: each entry follows the previous
one, so appending takes a row lock on the chain's head (audit/services.py), and a lock taken
early in a request's transaction is held through everything the request does afterwards, while
every other request of every server waits for it. Run as the last statements before COMMIT, the
append holds the lock for a few statements and the commit itself.

Work registered inside a savepoint that is rolled back is dropped with it, and a rollback drops
everything, as Django does for on_commit callbacks: an audit entry never outlives the change it
records.
"""

from collections.abc import Callable

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # (savepoint ids open when registered, function), in the order registered.
        self.run_before_commit: list[tuple[set, Callable[[], None]]] = []

    def before_commit(self, function: Callable[[], None]) -> None:
        """Run `function` inside the current transaction, just before it commits."""
        if not self.in_atomic_block:
            raise RuntimeError("before_commit() needs an open transaction (transaction.atomic)")
        self.run_before_commit.append((set(self.savepoint_ids), function))

    def commit(self):
        # Atomic.__exit__ calls commit() for the outermost block only, and rolls back when it
        # raises a DatabaseError: work that fails here undoes the whole transaction.
        try:
            while self.run_before_commit:
                _, function = self.run_before_commit.pop(0)
                function()
        except BaseException:
            self.run_before_commit = []
            raise
        super().commit()

    def rollback(self):
        self.run_before_commit = []
        super().rollback()

    def savepoint_rollback(self, sid):
        super().savepoint_rollback(sid)
        self.run_before_commit = [
            (sids, function) for sids, function in self.run_before_commit if sid not in sids
        ]

    def close(self):
        self.run_before_commit = []
        super().close()
