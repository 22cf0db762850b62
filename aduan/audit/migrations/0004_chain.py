"""Hash chain (aduan.audit.chain): the chain heads and the chain columns of audit records."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_integration_actions"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("name", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="hash",
            field=models.CharField(db_index=True, default="", editable=False, max_length=64),
            preserve_default=False,
        ),
    ]
