"""Cells that spreadsheets will not run as formulas (CSV/formula injection, CWE-1236).

Excel, LibreOffice and Google Sheets treat a cell beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula or a DDE call; a citizen's report title
like ``=HYPERLINK("http://evil", "klik")`` would run on the staff member's machine when
they open an export. Every text cell of every export and open-data file goes through
:func:`safe_cell`, which puts a ``'`` in front of such text (the OWASP advice).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | date | datetime | bool | None


def safe_text(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_cell(value: Any) -> Any:
    """Numbers, dates and booleans pass as they are (they are typed, never formulas in
    XLSX, and a negative number in CSV is a number); everything else becomes safe text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    return safe_text(str(value))


class _Echo:
    """A file-like object whose ``write`` returns the line, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text line by line (for ``StreamingHttpResponse``), every cell made safe.

    Starts with a UTF-8 byte order mark so spreadsheet programs read Indonesian text
    and names right; dates and datetimes as ISO 8601."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([safe_text(h) for h in header])
    for row in rows:
        yield writer.writerow([_csv_value(safe_cell(v)) for v in row])


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
