"""``aduan backup --output FILE``: the database and the attachments in one tar archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (one consistent snapshot, safe while the site runs) and every "
        "attachment into a tar archive with a manifest of checksums and row counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            required=True,
            type=Path,
            help="Archive to write (.tar, or .tar.gz to compress).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = backup(options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = outcome.manifest
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"backup written to {outcome.path}: {manifest['engine']} database, "
            f"{len(manifest['tables'])} tables, {rows} rows, {media} attachment files"
        )
