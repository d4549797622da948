"""The decision register is append-only in the database itself: UPDATE and DELETE on
its tables raise (TRUNCATE stays possible: the test runner empties tables with it).
Whoever can drop these triggers can still change a row, which
``manage.py governance_register verify`` then reports."""

from django.db import migrations

TABLES = ("governance_registerentry", "governance_registernode")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION governance_register_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the decision register is append-only (%% on %%)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION governance_register_append_only()"
            )
    elif connection.vendor == "sqlite":
        for table in TABLES:
            for operation in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the decision register is append-only'); END"
                )


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    for table in TABLES:
        if connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        elif connection.vendor == "sqlite":
            for operation in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_votes_register_standing")]

    operations = [migrations.RunPython(forwards, backwards)]
