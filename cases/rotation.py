"""Re-encrypting case content under the newest key (`sexto cases rotate-keys`).

The order of operations for a new key: put it first in SEXTO_CASE_KEYS, keeping the old ones
after it, and restart the application (new writes now use it); run `sexto cases rotate-keys`;
then the old keys can be removed.

Why raw SQL rather than the ORM: EncryptedTextField decrypts on every read and encrypts on
every write. Reading through the ORM would turn every token into clear text in memory, and
writing a token back through `.update(field=token)` or `save()` would encrypt it a second time
(a token of a token, which the application would then show as gibberish). So the tokens are
read and written as plain text columns with SQL, where no field conversion happens:
`crypto.reencrypt` turns each old token into a new one without the content ever being a Python
string here. (An ORM `.update(field=Value(token, output_field=TextField()))` also avoids the
second encryption, but only because of which field prepares the value: an innocent-looking
edit would silently break it, and it costs one query per row.) Raw SQL also leaves
`updated_at` and the case `version` alone: the content did not change.

Every UPDATE carries the old token in its WHERE clause: a row edited by someone between the
read and the write is left as they wrote it (the application already wrote it under the new
key), instead of being overwritten with the older content.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import connection, transaction

from audit.services import record
from cases import crypto
from cases.crypto import EncryptedTextField
from cases.models import Case, Student
from core.exceptions import ApplicationError

BATCH_SIZE = 500


@dataclass
class RotationReport:
    # "cases.case.account" -> number of values re-encrypted
    reencrypted: dict[str, int] = field(default_factory=dict)
    already_current: int = 0  # values already under the newest key, left untouched
    changed_meanwhile: int = 0  # rows edited during the run, left as their author wrote them
    indexes_recomputed: int = 0

    @property
    def total(self) -> int:
        return sum(self.reencrypted.values())


def encrypted_fields() -> list[tuple[type, list[EncryptedTextField]]]:
    """Every model of the cases app with its encrypted columns (found, not listed by hand:
    a field added later is rotated too)."""
    found = []
    for model in apps.get_app_config("cases").get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def case_keys_rotate(*, batch_size: int = BATCH_SIZE) -> RotationReport:
    report = RotationReport()
    newest = Fernet(crypto.case_keys()[0].encode())
    for model, fields in encrypted_fields():
        _model_rotate(model, fields, newest=newest, report=report, batch_size=batch_size)
    report.indexes_recomputed = student_indexes_recompute(batch_size=batch_size,
                                                          report=report)
    record(action="cases.keys_rotated", target_type="cases", data={
        "values": report.total, "indexes": report.indexes_recomputed})
    return report


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _pages(table: str, pk: str, columns: list[str], *, batch_size: int, join: str = "",
           extra: str = ""):
    """Rows of `table`, a page at a time by primary key (keyset pagination: no OFFSET, so each
    page costs the same, and rows deleted meanwhile cannot make one skipped)."""
    selected = [f"t.{_q(pk)}", *(f"t.{_q(column)}" for column in columns)]
    if extra:
        selected.append(extra)
    selected = ", ".join(selected)
    last = None
    while True:
        where = f"WHERE t.{_q(pk)} > %s " if last is not None else ""
        sql = (f"SELECT {selected} FROM {_q(table)} t {join} {where}"  # noqa: S608 - quoted names
               f"ORDER BY t.{_q(pk)} LIMIT %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, ([last] if last is not None else []) + [batch_size])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        # The key as the database returned it (hex text on SQLite, uuid on PostgreSQL): given
        # back unchanged, it compares as the database expects.
        last = rows[-1][0]


def _model_rotate(model, fields, *, newest: Fernet, report: RotationReport,
                  batch_size: int) -> None:
    table, pk = model._meta.db_table, model._meta.pk.column
    columns = [f.column for f in fields]
    for f in fields:
        report.reencrypted.setdefault(f"{model._meta.label_lower}.{f.name}", 0)
    for rows in _pages(table, pk, columns, batch_size=batch_size):
        updates = []  # one statement per row and changed column: only what changed is written
        for row in rows:
            key, values = row[0], row[1:]
            for f, column, token in zip(fields, columns, values, strict=True):
                if not token:
                    continue
                if _under(newest, token):
                    report.already_current += 1
                    continue
                updates.append((f, column, _reencrypt(model, f, key, token), key, token))
        with transaction.atomic():
            for f, column, new, key, old in updates:
                sql = (f"UPDATE {_q(table)} SET {_q(column)} = %s "  # noqa: S608 - quoted names
                       f"WHERE {_q(pk)} = %s AND {_q(column)} = %s")
                with connection.cursor() as cursor:
                    cursor.execute(sql, [new, key, old])
                    if cursor.rowcount:
                        report.reencrypted[f"{model._meta.label_lower}.{f.name}"] += 1
                    else:
                        report.changed_meanwhile += 1


def _under(fernet: Fernet, token: str) -> bool:
    # Fernet checks the HMAC before decrypting: a token of another key fails at once.
    try:
        fernet.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def _reencrypt(model, f, key, token: str) -> str:
    try:
        return crypto.reencrypt(token)
    except InvalidToken as exc:
        # The row's opaque id helps find it; the token itself is never shown.
        raise ApplicationError(
            f"{model._meta.label_lower}.{f.name} of {_uuid_text(key)} cannot be decrypted "
            "with any key of SEXTO_CASE_KEYS: add the missing key and run again.",
            code="undecryptable",
        ) from exc


def _uuid_text(value) -> str:
    return str(uuid.UUID(str(value)))


def student_indexes_recompute(*, batch_size: int = BATCH_SIZE,
                              report: RotationReport | None = None) -> int:
    """Every Student.index under the newest key: the digest of the school's id and the name.

    Read with SQL too, so that the name's token can guard the write: a name edited meanwhile
    keeps the index the application computed for it.
    """
    student, case = Student._meta, Case._meta
    join = (f"JOIN {_q(case.db_table)} c ON c.{_q(case.pk.column)} = "
            f"t.{_q(student.get_field('case').column)}")
    name_column = student.get_field("name").column
    index_column = student.get_field("index").column
    school = f"c.{_q(case.get_field('school').column)}"
    changed = 0
    for rows in _pages(student.db_table, student.pk.column, [name_column, index_column],
                       batch_size=batch_size, join=join, extra=school):
        updates = []
        for key, token, old_index, school_id in rows:
            # str(school.pk) is how the application writes it: the hyphenated form.
            index = crypto.blind_index(_uuid_text(school_id), crypto.decrypt(token))
            if index != old_index:
                updates.append((index, key, token))
        with transaction.atomic():
            for index, key, token in updates:
                sql = (f"UPDATE {_q(student.db_table)} SET {_q(index_column)} = %s "  # noqa: S608
                       f"WHERE {_q(student.pk.column)} = %s AND {_q(name_column)} = %s")
                with connection.cursor() as cursor:
                    cursor.execute(sql, [index, key, token])
                    if cursor.rowcount:
                        changed += 1
                    elif report is not None:
                        report.changed_meanwhile += 1
    return changed
