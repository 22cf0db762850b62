"""Chain the audit records written before the chain existed, oldest first."""

from typing import Any

from django.db import migrations

from aduan.audit import chain


def forwards(apps: Any, schema_editor: Any) -> None:
    chain.backfill(
        chain.AUDIT,
        apps.get_model("audit", "AuditRecord"),
        apps.get_model("audit", "ChainHead"),
        schema_editor.connection.alias,
        order=lambda r: (r.created_at, r.pk),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_chain"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
