"""The audit records' hash compared byte by byte (``AsciiCharField``)."""

from django.db import migrations

import aduan.core.fields


class Migration(migrations.Migration):
    dependencies = [("audit", "0009_chainhead_prev_hash")]

    operations = [
        migrations.AlterField(
            model_name="auditrecord",
            name="hash",
            field=aduan.core.fields.AsciiCharField(editable=False, max_length=64),
        ),
    ]
