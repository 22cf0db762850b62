"""``aduan import FILE --agency CODE [--format csv|json] [--dry-run] [--errors FILE]``:
bulk import of an agency's historical reports. The columns and what each row becomes are
documented in :mod:`aduan.integrations.importing`.

Progress goes to stderr every ``--every`` rows; the summary to stdout. Bad rows are listed
(and written to ``--errors`` as CSV: row, external_id, field, message) and never stop the
others; the command then exits with status 1 so a script notices.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.agencies.models import Agency
from aduan.integrations.importing import ImportResult, ReadError, import_rows, read_rows
from aduan.integrations.importing.mapping import COLUMNS

SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = "Import an agency's historical reports from a CSV or JSON export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV or JSON file.")
        parser.add_argument("--agency", required=True, help="Code of the agency, e.g. 32.73.")
        parser.add_argument("--format", choices=["csv", "json"], help="Default: by extension.")
        parser.add_argument(
            "--encoding", default="utf-8", help="Text encoding (default utf-8, BOM allowed)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row; write nothing."
        )
        parser.add_argument("--errors", type=Path, help="Write bad rows to this CSV file.")
        parser.add_argument("--every", type=int, default=100, help="Progress every N rows.")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"].strip()).first()
        if agency is None:
            raise CommandError(f"No agency with code {options['agency']!r}.")
        if agency.kind == Agency.Kind.DESK or not agency.is_active:
            raise CommandError(f"{agency.code} is not an active agency that handles reports.")
        try:
            file_rows = read_rows(
                options["file"], fmt=options["format"], encoding=options["encoding"], known=COLUMNS
            )
        except ReadError as exc:
            raise CommandError(str(exc)) from exc
        if file_rows.unknown_columns:
            self.stderr.write(f"Ignoring unknown columns: {', '.join(file_rows.unknown_columns)}")
        try:
            result = import_rows(
                file_rows.rows,
                agency=agency,
                dry_run=options["dry_run"],
                progress=self._progress,
                every=max(1, options["every"]),
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        if result.imported and not options["dry_run"]:
            # History was replayed with hooks off: count it in the statistics rollups.
            from aduan.stats.rollups import refresh_missing

            refresh_missing()
        self._report(result, dry_run=options["dry_run"], errors_path=options["errors"])

    def _progress(self, result: ImportResult) -> None:
        share = 100 * result.done // max(1, result.total)
        bar = "#" * (share // 5)
        self.stderr.write(
            f"[{bar:<20}] {result.done}/{result.total} ({share}%)  imported {result.imported}"
            f" · already imported {result.skipped} · errors {len(result.problems)}"
        )

    def _report(self, result: ImportResult, *, dry_run: bool, errors_path: Path | None) -> None:
        for p in result.problems[:SHOWN_PROBLEMS]:
            where = f"row {p.row}" + (f" ({p.external_id})" if p.external_id else "")
            self.stderr.write(f"{where}: {p.field + ': ' if p.field else ''}{p.message}")
        if len(result.problems) > SHOWN_PROBLEMS:
            self.stderr.write(f"... and {len(result.problems) - SHOWN_PROBLEMS} more")
        if errors_path is not None:
            _write_errors(errors_path, result)
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{result.total} rows: {verb} {result.imported}, already imported "
            f"{result.skipped}, errors {len(result.problems)}"
            + (" (dry run: nothing was written)" if dry_run else "")
        )
        if result.problems:
            raise CommandError(f"{len(result.problems)} row(s) could not be imported.")


def _write_errors(path: Path, result: ImportResult) -> None:
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "external_id", "field", "message"])
            for p in result.problems:
                writer.writerow([p.row, p.external_id, p.field, p.message])
    except OSError as exc:
        raise CommandError(f"Cannot write {path}: {exc.strerror}") from exc
