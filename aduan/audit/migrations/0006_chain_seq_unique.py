from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_chain_backfill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditrecord",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
    ]
