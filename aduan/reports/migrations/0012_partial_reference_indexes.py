"""The event hash's index on its first eight symbols (aduan.audit.chain.hash_index);
references most rows leave empty indexed only where set (aduan.core.indexes.when_set):
the events' actor, acting agency and handling agency, the reports' requested and
source agency, reporter and merged-into report."""

from collections.abc import Iterator
from typing import Any

import django.db.models.deletion
import aduan.audit.chain
from django.conf import settings
from django.db import migrations, models


FULL = (("Report", "merged_into"), ("Report", "reporter"), ("Report", "requested_agency"),
        ("Report", "source_agency"), ("ReportEvent", "actor"), ("ReportEvent", "actor_agency"),
        ("ReportEvent", "agency"))  # fmt: skip


def _full_indexes(apps: Any, schema_editor: Any) -> Iterator[tuple[str, str, str]]:
    """(table, column, name) of the full index Django made for each reference."""
    for model_name, field_name in FULL:
        model = apps.get_model("reports", model_name)
        table, column = model._meta.db_table, model._meta.get_field(field_name).column
        yield table, column, schema_editor._create_index_name(table, [column])


def drop_full_indexes(apps: Any, schema_editor: Any) -> None:
    for _table, _column, name in _full_indexes(apps, schema_editor):
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_full_indexes(apps: Any, schema_editor: Any) -> None:
    for table, column, name in _full_indexes(apps, schema_editor):
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")')


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("regions", "0001_initial"),
        ("reports", "0011_codes_bytewise_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="reportevent",
            name="event_hash",
        ),
        # Only the index goes: Django's AlterField would also drop and re-add each
        # foreign key, re-checking every row (minutes at 60 million events).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="report",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged_reports",
                        to="reports.report",
                    ),
                ),
                migrations.AlterField(
                    model_name="report",
                    name="reporter",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="reports",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="report",
                    name="requested_agency",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="agencies.agency",
                        verbose_name="instansi yang dipilih pelapor",
                    ),
                ),
                migrations.AlterField(
                    model_name="report",
                    name="source_agency",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="agencies.agency",
                        verbose_name="dikirim melalui aplikasi instansi",
                    ),
                ),
                migrations.AlterField(
                    model_name="reportevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="reportevent",
                    name="actor_agency",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="agencies.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="reportevent",
                    name="agency",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Handling agency after this event.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="agencies.agency",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_full_indexes, create_full_indexes)],
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("requested_agency__isnull", False)),
                fields=["requested_agency"],
                name="report_requested_agency",
            ),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("source_agency__isnull", False)),
                fields=["source_agency"],
                name="report_source_agency",
            ),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("reporter__isnull", False)),
                fields=["reporter"],
                name="report_reporter",
            ),
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="report_merged_into",
            ),
        ),
        migrations.AddIndex(
            model_name="reportevent",
            index=models.Index(
                aduan.audit.chain.HashHead("hash"), name="event_hash"
            ),
        ),
        migrations.AddIndex(
            model_name="reportevent",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)), fields=["actor"], name="event_actor"
            ),
        ),
        migrations.AddIndex(
            model_name="reportevent",
            index=models.Index(
                condition=models.Q(("actor_agency__isnull", False)),
                fields=["actor_agency"],
                name="event_actor_agency",
            ),
        ),
        migrations.AddIndex(
            model_name="reportevent",
            index=models.Index(
                condition=models.Q(("agency__isnull", False)),
                fields=["agency"],
                name="event_agency",
            ),
        ),
    ]
