"""Tracking IDs and event hashes compared byte by byte (``AsciiCharField``: the "C"
collation on PostgreSQL), without the indexes that others already cover: the events'
``report`` (``event_report_time`` leads with it), the reports' ``agency``
(``report_agency_status`` leads with it) and, on PostgreSQL, the tracking ID's
pattern-matching copy (a bytewise index serves ``LIKE 'prefix%'`` itself)."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

import aduan.core.fields


def _like_index(apps: Any, schema_editor: Any) -> tuple[str, str]:
    table = apps.get_model("reports", "Report")._meta.db_table
    return table, schema_editor._create_index_name(table, ["tracking_id"], suffix="_like")


def drop_tracking_id_like(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        _table, name = _like_index(apps, schema_editor)
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_tracking_id_like(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        table, name = _like_index(apps, schema_editor)
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("tracking_id" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("reports", "0010_hash_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reports",
                to="agencies.agency",
                verbose_name="instansi penanggung jawab",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="tracking_id",
            field=aduan.core.fields.AsciiCharField(
                max_length=12, unique=True, verbose_name="nomor pelacakan"
            ),
        ),
        migrations.RunPython(drop_tracking_id_like, create_tracking_id_like),
        migrations.AlterField(
            model_name="reportevent",
            name="hash",
            field=aduan.core.fields.AsciiCharField(editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="reportevent",
            name="report",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="reports.report",
            ),
        ),
    ]
