"""The chain head keeps the hash before its last append (aduan.audit.chain.append_many)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0008_hash_index")]

    operations = [
        migrations.AddField(
            model_name="chainhead",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
        ),
    ]
