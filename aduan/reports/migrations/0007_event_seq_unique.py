from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_event_chain_backfill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportevent",
            name="seq",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
    ]
