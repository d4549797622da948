import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("identity", "0003_seed_roles_and_permissions")]

    operations = [
        migrations.AddField(
            model_name="signingkey",
            name="signs_from",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
