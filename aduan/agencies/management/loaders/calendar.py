"""Cuti bersama dates, from the ``holidays`` package's Indonesian government calendar.

Only missing dates are added: the desk edits these rows when a new joint decree (SKB
three ministers) appears, and a reload must never undo that work.
"""

from __future__ import annotations

from datetime import date

import holidays

from aduan.agencies.management.loaders import Counts
from aduan.sla import calendar
from aduan.sla.models import CollectiveLeave

FIRST_YEAR = 2019

# The package names cuti bersama in English ("Eid al-Fitr Joint Holiday"); these are
# the Indonesian names used in the decrees, in KBBI spelling.
HOLIDAY_NAMES = {
    "Lunar New Year": "Tahun Baru Imlek",
    "Day of Silence": "Hari Suci Nyepi",
    "Good Friday": "Wafat Yesus Kristus",
    "Eid al-Fitr": "Idulfitri",
    "Vesak": "Hari Raya Waisak",
    "Ascension": "Kenaikan Yesus Kristus",
    "Eid al-Adha": "Iduladha",
    "Islamic New Year": "Tahun Baru Islam",
    "Independence Day": "Hari Kemerdekaan Republik Indonesia",
    "Prophet's Birthday": "Maulid Nabi Muhammad SAW",
    "Christmas": "Hari Raya Natal",
}
_JOINT = " Joint Holiday"
_OBSERVED = " (observed)"


def describe(english: str, fallback: str) -> str:
    """Indonesian description of one cuti bersama day.

    ``fallback`` is the package's own Indonesian name, used for a holiday a later
    package release adds and this table does not know yet.
    """
    english = english.split("; ")[0]  # two holidays on one day: the first names it
    observed = english.endswith(_OBSERVED)
    base = english.removesuffix(_OBSERVED).removesuffix(_JOINT)
    name = HOLIDAY_NAMES.get(base)
    if name is None:
        return fallback or english
    text = f"Cuti bersama {name}"
    return f"{text} (pengganti)" if observed else text


def collective_leave_days(last_year: int) -> dict[date, str]:
    years = range(FIRST_YEAR, last_year + 1)
    english = holidays.country_holidays("ID", years=years, categories=("government",))
    local = holidays.country_holidays("ID", years=years, categories=("government",), language="id")
    return {day: describe(name, local.get(day, "")) for day, name in sorted(english.items())}


def load_collective_leave(*, today: date) -> Counts:
    wanted = collective_leave_days(today.year + 1)
    existing = set(CollectiveLeave.objects.values_list("date", flat=True))
    missing = [
        CollectiveLeave(date=day, description=text)
        for day, text in wanted.items()
        if day not in existing
    ]
    CollectiveLeave.objects.bulk_create(missing)
    # bulk_create sends no post_save, so the working-day cache must be told directly.
    calendar.clear_cache()
    return Counts(created=len(missing), unchanged=len(wanted) - len(missing))
