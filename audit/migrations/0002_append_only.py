"""The database itself refuses UPDATE and DELETE on audit events, whatever the client.

The keyed hash chain detects a change; the triggers stop one made through the application's own
database account, a bug or an ORM call included. Someone with DDL rights can drop them: the
chain, and a checkpoint kept elsewhere, are what catch that person.

Not TRUNCATE on PostgreSQL: tests clean committed data with it (row triggers do not see it);
a truncated log fails `sexto audit verify` against the chain head or a checkpoint.

On SQLite, a later migration that rebuilds this table (Django copies it to a new one) loses
the triggers: audit/tests/test_append_only.py fails then, and such a migration must create
them again.
"""

from django.conf import settings
from django.db import migrations, models

ERROR = "audit events are append-only"

SQLITE_CREATE = [
    f"""
    CREATE TRIGGER audit_auditevent_no_{verb.lower()} BEFORE {verb} ON {{table}}
    BEGIN SELECT RAISE(ABORT, '{ERROR}: {verb} refused'); END
    """
    for verb in ("UPDATE", "DELETE")
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]

# restrict_violation (23001) reaches Django as IntegrityError, as SQLite's RAISE(ABORT) does.
POSTGRESQL_CREATE = [
    f"""
    CREATE FUNCTION audit_auditevent_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{ERROR}: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON {table}",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_change()",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRESQL_CREATE, POSTGRESQL_DROP),
}


def _run(apps, schema_editor, *, create: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        # Silently skipping would leave a log that only looks protected.
        raise NotImplementedError(f"No append-only triggers for the {vendor} database.")
    table = schema_editor.quote_name(apps.get_model("audit", "AuditEvent")._meta.db_table)
    for statement in STATEMENTS[vendor][0 if create else 1]:
        schema_editor.execute(statement.format(table=table), params=None)


def create_triggers(apps, schema_editor):
    _run(apps, schema_editor, create=True)


def drop_triggers(apps, schema_editor):
    _run(apps, schema_editor, create=False)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The triggers would refuse the UPDATE that SET_NULL makes when a user is deleted.
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True, db_constraint=False, null=True,
                on_delete=models.deletion.DO_NOTHING, related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
