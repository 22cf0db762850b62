"""Default national targets (2021 as decided by the LAPOR! leadership, and the current
year with the same figures until the desk edits them) and compliance settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import migrations

DEFAULT_TARGETS = {2021: (454_790, Decimal("0.700")), 2026: (454_790, Decimal("0.700"))}


def forwards(apps: Any, schema_editor: Any) -> None:
    target = apps.get_model("stats", "NationalTarget")
    for year, (reports, follow_up) in DEFAULT_TARGETS.items():
        target.objects.get_or_create(
            year=year, defaults={"reports_target": reports, "follow_up_target": follow_up}
        )
    settings = apps.get_model("stats", "ComplianceSettings")
    if not settings.objects.exists():
        settings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
