"""Reading an import file into numbered rows of text values (CSV or JSON)."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Bytes that are not valid in the chosen encoding become lone surrogates
# ("surrogateescape"), so a bad row can be reported instead of failing the whole file.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


class ReadError(Exception):
    """The file as a whole cannot be read (not a row problem)."""


@dataclass
class RawRow:
    number: int  # CSV: spreadsheet row (header = 1); JSON: position from 1
    values: dict[str, str]
    bad_encoding: list[str] = field(default_factory=list)  # columns with undecodable bytes
    problem: str = ""  # a row that is not even a set of columns (JSON non-object)


@dataclass
class FileRows:
    rows: list[RawRow]
    unknown_columns: list[str]


def detect_format(path: Path, requested: str | None) -> str:
    if requested:
        return requested
    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonl"):
        return "json"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise ReadError(f"Cannot tell the format of {path.name}; pass --format csv or json.")


def _decode(data: bytes, encoding: str) -> str:
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # accepts and drops a byte-order mark
    try:
        return data.decode(encoding, errors="surrogateescape")
    except LookupError as exc:
        raise ReadError(f"Unknown encoding {encoding!r}.") from exc


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def _row(number: int, values: dict[str, Any], known: frozenset[str]) -> RawRow:
    cleaned = {str(k).strip().lower(): _text(v) for k, v in values.items() if k is not None}
    bad = [k for k, v in cleaned.items() if k in known and _UNDECODABLE.search(v)]
    return RawRow(number=number, values=cleaned, bad_encoding=bad)


def _csv_rows(text: str, known: frozenset[str]) -> tuple[list[RawRow], list[str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [str(h).strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        raise ReadError("The CSV file is empty (no header row).")
    reader.fieldnames = header
    rows = []
    try:
        for index, values in enumerate(reader, start=2):
            extra = values.pop(None, None)
            row = _row(index, values, known)
            if extra:
                row.problem = f"{len(extra)} more value(s) than columns"
            rows.append(row)
    except csv.Error as exc:  # e.g. a NUL byte: the file's structure is broken there
        raise ReadError(f"CSV unreadable at line {reader.line_num}: {exc}") from exc
    return rows, [h for h in header if h not in known]


def _json_rows(text: str, known: frozenset[str]) -> tuple[list[RawRow], list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"Not valid JSON: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("reports"), list):
        data = data["reports"]
    if not isinstance(data, list):
        raise ReadError('JSON must be a list of objects or {"reports": [...]}.')
    rows: list[RawRow] = []
    unknown: set[str] = set()
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            rows.append(RawRow(number=index, values={}, problem="not a JSON object"))
            continue
        row = _row(index, item, known)
        unknown.update(k for k in row.values if k not in known)
        rows.append(row)
    return rows, sorted(unknown)


def read_rows(path: Path, *, fmt: str | None, encoding: str, known: frozenset[str]) -> FileRows:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"Cannot read {path}: {exc.strerror}") from exc
    text = _decode(data, encoding)
    kind = detect_format(path, fmt)
    rows, unknown = (_json_rows if kind == "json" else _csv_rows)(text, known)
    return FileRows(rows=rows, unknown_columns=unknown)
