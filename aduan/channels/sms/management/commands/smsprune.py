from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from aduan.channels.sms.parts import PART_TTL, sms_parts_prune


class Command(BaseCommand):
    help = (
        f"Drop parts of concatenated SMS that stayed incomplete for {PART_TTL}. "
        "Every stored part does this too; run it from cron when SMS traffic is sparse."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = sms_parts_prune(now=timezone.now())
        self.stdout.write(f"dropped parts: {deleted}")
