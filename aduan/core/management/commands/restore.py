"""``aduan restore FILE``: restore a backup archive into an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.audit import chain
from aduan.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an `aduan backup` archive: verifies every checksum first, refuses a database "
        "that already holds reports or users unless --force, checks row counts and the hash "
        "chains afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the contents of a database that is not empty.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = restore(options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {done['tables']} tables, {done['rows']} rows, {done['files']} files"
        )
        broken = [r for r in chain.verify_all() if not r.ok]
        for result in broken:
            self.stderr.write(f"warning: {result.problem}")
        if broken:
            raise CommandError("restored, but a hash chain is broken (see above)", returncode=1)
