"""``aduan deliver_webhooks``: send every due webhook delivery now, in this process.

The worker normally does this through tasks; this command is for cron, for task backends
that cannot schedule retries, and for an operator who wants to flush the queue.
``--requeue`` only queues tasks for deliveries whose task got lost.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from aduan.webhooks import delivery


class Command(BaseCommand):
    help = "Send due webhook deliveries now (or, with --requeue, queue their lost tasks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requeue", action="store_true")
        parser.add_argument("--limit", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requeue"]:
            count = delivery.requeue_due()
            self.stdout.write(f"queued {count} webhook deliveries")
            return
        count = delivery.run_due(limit=options["limit"])
        self.stdout.write(f"tried {count} webhook deliveries")
