"""SQLite, with a flush that still empties tables whose triggers refuse DELETE.

The audit log's table refuses UPDATE and DELETE through triggers (audit/migrations). Tests that
commit (transactional tests, live servers) are cleaned up with `flush`, which on SQLite is
DELETE FROM every table; on PostgreSQL it is TRUNCATE, which row triggers do not see. Flush
drops the triggers, deletes and creates them again from their own stored definition, in one
transaction. This is no back door: whoever may run flush may drop a trigger anyway, and the
keyed hash chain, not the triggers, is what catches such a person.
"""

import sqlite3
from pathlib import Path

from django.db.backends.sqlite3 import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        # Every trigger, not only those of the tables named: one firing during the DELETEs
        # could stop the flush or write into a table that was already emptied.
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            )
            triggers = cursor.fetchall()
        drop = [
            f"{style.SQL_KEYWORD('DROP TRIGGER')} {style.SQL_FIELD(self.quote_name(name))};"
            for name, _ in triggers
        ]
        create = [f"{sql};" for _, sql in triggers]
        return [*drop, *statements, *create]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def copy_to_file(self, path: Path) -> None:
        """Write this (in-memory test) database to a file, by SQLite's backup API: for threads
        or processes that need connections of their own to the same data (bench servers,
        concurrency tests). The file is a copy; nothing is read back from it."""
        self.ensure_connection()
        copy = sqlite3.connect(path)
        try:
            self.connection.backup(copy)
        finally:
            copy.close()
