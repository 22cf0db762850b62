"""``aduan loadrefdata``: regions, districts, categories, SLA limits, cuti bersama and
agencies. Idempotent: a second run writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.management.loaders import Counts
from aduan.agencies.management.loaders.agencies import load_agencies
from aduan.agencies.management.loaders.calendar import load_collective_leave
from aduan.agencies.management.loaders.categories import load_categories
from aduan.agencies.management.loaders.regions import load_districts, load_regions
from aduan.sla.deadlines import DEFAULT_LIMITS, ensure_default_limits


def _limits() -> Counts:
    created = ensure_default_limits()
    return Counts(created=created, unchanged=len(DEFAULT_LIMITS) - created)


class Command(BaseCommand):
    help = _(
        "Memuat data referensi: wilayah, kecamatan, kategori, batas waktu layanan, "
        "cuti bersama, dan instansi. Aman dijalankan berulang kali."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        steps: list[tuple[str, Callable[[], Counts]]] = [
            (_("Wilayah"), load_regions),
            (_("Kecamatan"), load_districts),
            (_("Kategori"), load_categories),
            (_("Batas waktu layanan"), _limits),
            (_("Cuti bersama"), lambda: load_collective_leave(today=today)),
            (_("Instansi"), load_agencies),
        ]
        # One transaction: a failure half-way leaves the tables as they were.
        with transaction.atomic():
            for label, step in steps:
                counts = step()
                self.stdout.write(
                    _("%(table)s: %(created)d dibuat, %(updated)d diperbarui, %(unchanged)d tetap")
                    % {
                        "table": label,
                        "created": counts.created,
                        "updated": counts.updated,
                        "unchanged": counts.unchanged,
                    }
                )
