"""National yearly targets (reports received, follow-up share) and their progress.

Projection method (also shown on the page): the year-to-date daily average of received
reports multiplied by the number of days in the year (linear extrapolation); the
follow-up share is the share of the reports dispatched so far this year that received
an agency follow-up.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.stats.kpis import Period, TargetProgress
from aduan.stats.models import NationalTarget
from aduan.stats.queries import counters
from aduan.stats.scopes import national_scope


def target_progress(year: int | None = None, *, today: date | None = None) -> TargetProgress | None:
    today = today or timezone.localdate()
    year = year or today.year
    target = NationalTarget.objects.filter(year=year).first()
    if target is None:
        return None
    start, year_end = date(year, 1, 1), date(year, 12, 31)
    as_of = min(max(today, start), year_end)
    c = counters(
        national_scope(),
        Period(kind="range", start=start, end=as_of, label=str(year)),
        ("received", "dispatched", "followed_up"),
    )
    elapsed = (as_of - start).days + 1
    days_in_year = (year_end - start).days + 1
    projected = round(c["received"] / elapsed * days_in_year) if today >= start else 0
    follow_up_target = float(target.follow_up_target)
    rate = c["followed_up"] / c["dispatched"] if c["dispatched"] else None
    method = _(
        "Proyeksi akhir tahun = rata-rata laporan diterima per hari sejak 1 Januari "
        "(%(received)s laporan dalam %(days)s hari) × %(year_days)s hari dalam setahun. "
        "Porsi tindak lanjut = laporan terdisposisi tahun ini yang sudah ditindaklanjuti "
        "instansi ÷ seluruh laporan terdisposisi tahun ini."
    ) % {"received": c["received"], "days": elapsed, "year_days": days_in_year}
    return TargetProgress(
        year=year,
        as_of=as_of,
        reports_target=target.reports_target,
        received=c["received"],
        received_share=c["received"] / target.reports_target if target.reports_target else 0.0,
        follow_up_target=follow_up_target,
        follow_up_rate=rate,
        projected_received=projected,
        projected_share=projected / target.reports_target if target.reports_target else 0.0,
        on_track=projected >= target.reports_target
        and rate is not None
        and rate >= follow_up_target,
        method=method,
    )
