"""Live counts (overdue, deadlines missed without an answer) from the live rollups and the
watermark (aduan.stats.rollups.advance): exactly what the raw report rows say at any
moment — before, at and after the watermark — for every scope and period kind, after
random real transitions interleaved with advances; drift in them is detected."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import F, Q

from aduan.reports.models import Report
from aduan.stats import kpis, queries, rollups
from aduan.stats.columns import LIVE_STATUSES, OPEN_STATUSES
from aduan.stats.models import LiveRollup, LiveWatermark
from tests.factories import report
from tests.test_stats_engine import _random_step

WIB = ZoneInfo("Asia/Jakarta")


def raw_live(scope: kpis.Scope, period: kpis.Period, now: datetime) -> dict[str, int]:
    """The live counts straight from the report rows of the cohort."""
    start = datetime.combine(period.start, datetime.min.time(), tzinfo=WIB)
    end = datetime.combine(period.end + timedelta(days=1), datetime.min.time(), tzinfo=WIB)
    qs = Report.objects.filter(
        submitted_at__gte=start, submitted_at__lt=end, status__in=OPEN_STATUSES
    )
    if scope.kind == "agency":
        qs = qs.filter(agency__path__startswith=scope.agency_path)
    elif scope.kind == "region":
        qs = qs.filter(Q(region_id=scope.code) | Q(region__code__startswith=f"{scope.code}."))
    waiting = qs.filter(status__in=LIVE_STATUSES, dispatched_at__isnull=False)
    return {
        "overdue": qs.filter(due_at__lt=now).count(),
        "first_missed": waiting.filter(
            first_response_at__isnull=True, first_response_due_at__lt=now
        ).count(),
        "completion_missed": waiting.filter(
            responded_at__isnull=True, completion_due_at__lt=now
        ).count(),
    }


def walk(world: Any, seed: int) -> list[datetime]:
    """Random reports through random transitions, with advances of the watermark in
    between; returns the moments worth asking about."""
    rng = random.Random(seed)
    regions = [world.region_bandung, world.region_surabaya, world.region_jayapura, None]
    start = datetime(2026, 3, 2, 9, 0, tzinfo=WIB)
    reports: list[tuple[Report, datetime]] = []
    for _i in range(20):
        submitted = start + timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 8))
        r = report(
            now=submitted,
            region=rng.choice(regions),
            type=rng.choice(["complaint", "aspiration", "info_request"]),
        )
        reports.append((r, submitted))
    moments = []
    for step in range(6):
        for r, submitted in reports:
            if rng.random() < 0.7:
                _random_step(rng, world, r, submitted + timedelta(days=3 * step + 1))
        # The worker's tick, at a moment after some deadlines (it never goes back).
        mark = start + timedelta(days=20 * (step + 1), hours=rng.randint(0, 23))
        rollups.advance(to=mark)
        assert rollups.watermark() == mark
        drift = rollups.check()
        assert drift.total == 0, drift.examples
        moments.append(mark)
    assert LiveRollup.objects.exists()  # deadlines really passed before the watermark
    deadlines = Report.objects.exclude(due_at=None).values_list("due_at", flat=True)
    moments += [
        d + delta for d in list(deadlines)[:6] for delta in (-timedelta(seconds=1), timedelta(0))
    ]
    return moments


@pytest.mark.parametrize(
    ("seed", "rewrite_after"),
    # Every advance applied deadline by deadline, or every advance a grouped rewrite.
    [(4, timedelta(days=10_000)), (5, timedelta(days=10_000)), (4, timedelta(0))],
)
def test_live_counts_equal_raw_rows_around_the_watermark(
    world: Any, seed: int, rewrite_after: timedelta, monkeypatch: Any
) -> None:
    monkeypatch.setattr(rollups, "REWRITE_AFTER", rewrite_after)
    moments = walk(world, seed)
    mark = rollups.watermark()
    moments += [
        mark - timedelta(days=9),
        mark,
        mark + timedelta(minutes=1),
        mark + timedelta(days=40),
    ]
    scopes = [
        kpis.national_scope(),
        kpis.resolve_scope("agency", world.bandung.code),
        kpis.resolve_scope("region", world.region_bandung.code.split(".")[0]),
        kpis.resolve_scope("region", world.region_surabaya.code),
    ]
    periods = [
        kpis.parse_period("2026"),
        kpis.parse_period("2026-04"),
        kpis.parse_period(None, "2026-03-10", "2026-05-20"),  # partial months at both ends
    ]
    for now in moments:
        for period in periods:
            for scope in scopes:
                counts, valid_until = queries._live(scope, period, now)
                assert counts == raw_live(scope, period, now), (scope.code, period, now)
                # A deadline exactly at ``now`` counts from the next instant on.
                assert valid_until is not None and valid_until >= now
                # Nothing changes by the clock alone before valid_until.
                if valid_until > now:
                    before = valid_until - timedelta(microseconds=1)
                    assert raw_live(scope, period, before) == counts
            by_agency, _until = queries.live_by_agency_until(period, now)
            for agency in (world.bandung, world.surabaya, world.jayapura):
                scope = kpis.resolve_scope("agency", agency.code)
                raw = raw_live(scope, period, now)
                got = by_agency.get(agency.path, {"first_missed": 0, "completion_missed": 0})
                assert got == {k: raw[k] for k in ("first_missed", "completion_missed")}


def test_kpis_use_the_live_rollups(world: Any) -> None:
    walk(world, 6)
    mark = rollups.watermark()
    period = kpis.parse_period("2026")
    figures = kpis.compute_kpis(kpis.national_scope(), period, now=mark + timedelta(hours=1))
    raw = raw_live(kpis.national_scope(), period, mark + timedelta(hours=1))
    assert figures.overdue == raw["overdue"]
    counters = queries.counters(kpis.national_scope(), period)
    assert figures.first_response_measured == counters["fr_measured"] + raw["first_missed"]
    assert figures.completion_measured == (
        counters["completion_measured"] + raw["completion_missed"]
    )


def test_check_detects_live_drift_and_rebuild_repairs_it(world: Any) -> None:
    walk(world, 7)
    wrong = LiveRollup.objects.filter(kind="all").update(overdue=F("overdue") + 2)
    assert wrong >= 1
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("stats", "rebuild", "--check", stdout=out)
    assert f"live rows wrong {wrong} " in out.getvalue()
    call_command("stats", "rebuild", stdout=StringIO())
    assert rollups.check().total == 0
    # The rebuild counts as of its own moment: the watermark is now.
    assert rollups.watermark() > datetime(2026, 7, 1, tzinfo=WIB)


def test_without_any_advance_the_facts_are_counted(world: Any) -> None:
    r = report(now=datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    assert not LiveWatermark.objects.exists() and rollups.watermark() == rollups.EPOCH
    r.refresh_from_db()
    assert r.due_at is not None
    period = kpis.parse_period("2026")
    later = r.due_at + timedelta(hours=1)
    assert queries._live(kpis.national_scope(), period, later)[0]["overdue"] == 1
    assert rollups.check().total == 0


def test_tick_command_moves_the_watermark(world: Any) -> None:
    report(now=datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    out = StringIO()
    call_command("stats", "tick", stdout=out)
    assert "watermark now" in out.getvalue()
    assert rollups.watermark() > datetime(2026, 1, 1, tzinfo=WIB)
    assert LiveRollup.objects.filter(kind="all", overdue=1).exists()
    assert rollups.check().total == 0
    # A tick never moves the watermark back.
    assert rollups.advance(to=datetime(2026, 1, 1, tzinfo=WIB)) == 0
    assert rollups.watermark().date() > date(2026, 1, 1)
