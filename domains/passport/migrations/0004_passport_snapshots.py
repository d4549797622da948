"""Passport snapshots, one per member; members with evidence start pending, so the first
catch-up (``passport.reaggregate_pending``) aggregates them."""

from django.db import migrations, models
from django.utils import timezone


def members_with_evidence_pending(apps, schema_editor):
    alias = schema_editor.connection.alias
    evidence = apps.get_model("passport", "Evidence").objects.using(alias)
    snapshots = apps.get_model("passport", "PassportSnapshot")
    now = timezone.now()
    members = evidence.values_list("member_id", flat=True).distinct().order_by()
    snapshots.objects.using(alias).bulk_create(
        (snapshots(member_id=member_id, pending_since=now) for member_id in members),
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("passport", "0003_endorsements"),
    ]

    operations = [
        migrations.CreateModel(
            name="PassportSnapshot",
            fields=[
                ("member_id", models.UUIDField(primary_key=True, serialize=False)),
                ("competencies", models.JSONField(default=list)),
                ("aggregated_at", models.DateTimeField(blank=True, null=True)),
                ("pending_since", models.DateTimeField(blank=True, db_index=True, null=True)),
            ],
        ),
        migrations.RunPython(members_with_evidence_pending, migrations.RunPython.noop),
    ]
