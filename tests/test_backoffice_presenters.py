"""Deadline display: the handling agency's zone with its abbreviation, "overdue" once
the moment has passed and "due today" on the zone's own calendar day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import translation

from aduan.backoffice.presenters import deadline_view, local_text

WIB, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Jayapura")


def test_due_today_and_overdue_in_jakarta() -> None:
    deadline = datetime(2026, 11, 30, 23, 59, 59, tzinfo=WIB)
    morning = datetime(2026, 11, 30, 8, 0, tzinfo=WIB)
    view = deadline_view(deadline, "Asia/Jakarta", morning)
    assert (view.overdue, view.due_today) == (False, True)
    after = deadline_view(deadline, "Asia/Jakarta", datetime(2026, 12, 1, 0, 1, tzinfo=WIB))
    assert (after.overdue, after.due_today) == (True, False)
    before = deadline_view(deadline, "Asia/Jakarta", datetime(2026, 11, 29, 12, 0, tzinfo=WIB))
    assert (before.overdue, before.due_today) == (False, False)


def test_the_agency_zone_decides_the_day_and_the_label() -> None:
    # 23:59 WIT on 1 Dec is 21:59 WIB; at 22:30 WIB on 30 Nov it is already 1 Dec in
    # Jayapura, so the deadline is due today there.
    deadline = datetime(2026, 12, 1, 23, 59, tzinfo=WIT)
    now = datetime(2026, 11, 30, 22, 30, tzinfo=WIB)
    assert deadline_view(deadline, "Asia/Jayapura", now).due_today
    assert not deadline_view(deadline, "Asia/Jakarta", now).due_today
    with translation.override("id"):
        assert local_text(deadline, "Asia/Jayapura") == "1 Des 2026, 23.59 WIT"
        assert local_text(deadline, "Asia/Makassar") == "1 Des 2026, 22.59 WITA"
