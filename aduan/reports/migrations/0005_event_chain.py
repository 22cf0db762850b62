"""Hash chain (aduan.audit.chain): the chain columns of report events."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_sla_indexes_chat_channel"),
        ("audit", "0004_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportevent",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="reportevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reportevent",
            name="hash",
            field=models.CharField(db_index=True, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
    ]
