from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from aduan.notifications.digest import DIGEST_TZ, digest_send


class Command(BaseCommand):
    help = (
        "Queue the daily staff digest (due and overdue reports per staff member). "
        "Nobody gets the same day's digest twice, so it is safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD (default: today in WIB)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        else:
            day = now.astimezone(ZoneInfo(DIGEST_TZ)).date()
        queued = digest_send(day=day, now=now)
        self.stdout.write(f"digest {day.isoformat()}: {queued} queued")
