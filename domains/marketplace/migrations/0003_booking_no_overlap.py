"""No double booking, enforced by PostgreSQL: an exclusion constraint (btree_gist).

Two live bookings (held or confirmed) of the same seat of the same space may not have
overlapping blocked ranges [starts_at, blocked_until). SQLite has no exclusion
constraints; the embedded run serialises booking writers instead
(``services.bookings``), so this migration does nothing there.
"""

from django.db import migrations

EXTENSION = "CREATE EXTENSION IF NOT EXISTS btree_gist"
CREATE = """
ALTER TABLE marketplace_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    space_id WITH =,
    seat WITH =,
    tstzrange(starts_at, blocked_until, '[)') WITH &&
) WHERE (status IN ('held', 'confirmed'))
"""
DROP = "ALTER TABLE marketplace_booking DROP CONSTRAINT IF EXISTS booking_no_overlap"


def _on_postgresql(*statements: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0002_spaces_bookings_credentials_ratings")]

    operations = [migrations.RunPython(_on_postgresql(EXTENSION, CREATE), _on_postgresql(DROP))]
