from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from aduan.sla.sweep import sweep


class Command(BaseCommand):
    help = (
        "Run due automatic transitions (needs-info expiry, auto-close) and SLA acts "
        "(reminders, escalations, Ombudsman offers). Idempotent; safe from several processes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = sweep()
        self.stdout.write(
            f"acted: {result.total} {result.acted} skipped: {result.skipped} "
            f"sla: {result.sla} requeued: {result.requeued}"
        )
