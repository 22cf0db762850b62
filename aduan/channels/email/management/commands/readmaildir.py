from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.channels.email.maildir import NotAMaildir, maildir_read


class Command(BaseCommand):
    help = (
        "Read the new messages of a Maildir: each becomes a report, a reporter's reply or "
        "is ignored (auto-replies, bounces). Safe to re-run: a Message-ID is handled once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the Maildir (the folder holding new/, cur/, tmp/)")
        parser.add_argument(
            "--move-processed",
            action="store_true",
            help="move each handled message from new/ to cur/ with the Seen (S) flag",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            s = maildir_read(path=Path(options["path"]), move_processed=options["move_processed"])
        except NotAMaildir as exc:
            raise CommandError(f"not a Maildir (needs new/ and cur/): {exc}") from exc
        self.stdout.write(
            f"read: {s.read} reports: {s.created} replies: {s.replies} ignored: {s.ignored} "
            f"already handled: {s.duplicates} too large: {s.too_large} failed: {s.failed} "
            f"moved: {s.moved}"
        )
        if s.failed:
            raise CommandError(f"{s.failed} message(s) failed; they stay in new/ for a re-run")
