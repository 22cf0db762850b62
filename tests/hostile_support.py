"""The hostile-input corpus (tests/fixtures/hostile/) and the checks that a response
rendered it inert. No tests here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from aduan.reports.models import Attachment, Report, ReportEvent

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


def strings() -> list[tuple[str, str]]:
    """(name, payload) of every hostile string of the corpus."""
    entries = json.loads((HOSTILE / "strings.json").read_text())
    return [(e["name"], e["value"]) for e in entries]


def raw_bytes() -> dict[str, bytes]:
    """Byte sequences that are not valid UTF-8 text (overlong forms, surrogates)."""
    return {
        k: bytes.fromhex(v) for k, v in json.loads((HOSTILE / "raw_bytes.json").read_text()).items()
    }


def counts() -> tuple[int, int, int]:
    return Report.objects.count(), ReportEvent.objects.count(), Attachment.objects.count()


# What a page must never contain raw when it shows a hostile string: an element or an
# attribute the string would have opened, had it not been escaped.
_LIVE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"<script>alert",
        r"<img src=x onerror",
        r"<svg/onload",
        r"<svg/<svg",
        r"<sVg/oNloAd",
        r"[\"']\s*autofocus\s+onfocus\s*=",
        r"\bhref\s*=\s*[\"']?\s*javascript:",
        r"\bsrc\s*=\s*[\"']?\s*javascript:",
        r"</textarea><script",
        r"</title><script",
        r"<!DOCTYPE x",
        r"<!ENTITY",
    )
]


def live_markup(text: str) -> list[str]:
    """The hostile markup found unescaped in ``text``."""
    return [m.group(0) for p in _LIVE for m in [p.search(text)] if m]


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    return str(data.decode("utf-8", "replace"))


# A CSV cell a spreadsheet would run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_cells(csv_text: str) -> list[str]:
    import csv
    import io

    cells = []
    for row in csv.reader(io.StringIO(csv_text)):
        for cell in row:
            if cell.startswith(FORMULA_START) and not re.fullmatch(r"-?\d+([.,]\d+)?", cell):
                cells.append(cell[:60])
    return cells
