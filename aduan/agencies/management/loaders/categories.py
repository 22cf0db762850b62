"""The top-level LAPOR! categories, with readable Indonesian capitalisation."""

from __future__ import annotations

import re

from aduan.agencies.management.loaders import Counts, read_csv, upsert
from aduan.reports.models import Category

# Kept in capitals wherever they appear.
ACRONYMS = frozenset(
    {"SP4N-LAPOR!", "ASN", "WNI", "MBG", "P4GN", "SRGI", "RI", "BUMN", "UMKM", "TNI", "KTP"}
)
# Function words written in lower case inside a title (PUEBI capitalisation rules).
LOWER_WORDS = frozenset({"dan", "di", "ke", "dari", "yang", "untuk", "atau", "pada", "dengan"})

_WORD = re.compile(r"[\w!-]+", re.UNICODE)


def _case_word(word: str, *, first: bool) -> str:
    if word.upper() in ACRONYMS:
        return word.upper()
    lower = word.lower()
    if not first and lower in LOWER_WORDS:
        return lower
    return lower[:1].upper() + lower[1:]


def nice_case(name: str) -> str:
    """``"KETENTERAMAN, KETERTIBAN UMUM, DAN PELINDUNGAN MASYARAKAT"`` →
    ``"Ketenteraman, Ketertiban Umum, dan Pelindungan Masyarakat"``."""
    position = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal position
        word = _case_word(match.group(0), first=position == 0)
        position += 1
        return word

    return _WORD.sub(replace, name.strip())


def load_categories() -> Counts:
    rows = [
        Category(code=row["code"], name=nice_case(row["name"]))
        for row in read_csv("categories.csv")
    ]
    return upsert(Category, rows, key="code", fields=("name",))
