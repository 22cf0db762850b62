"""Statistics cache (aduan.stats.cache): the agency tables, the compliance index and the
KPIs are served from the cache between events, never stale after a new event, a changed
setting or a deadline passing; the national page lists the busiest agencies."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.agencies.models import Agency
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Report
from aduan.stats import cache as stats_cache
from aduan.stats import compliance, kpis, pages
from aduan.stats.models import ComplianceSettings
from tests.factories import report

WIB = ZoneInfo("Asia/Jakarta")
YEAR = kpis.parse_period("2026")


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=WIB)


def act(r: Report, action: str, actor: Actor, now: datetime, **change: Any) -> None:
    lifecycle.transition(r, action, actor=actor, change=Change(**change), now=now)


def uncached_ranking(now: datetime) -> kpis.ComplianceResult:
    return compliance._ranking(YEAR, now)[0]


def queries_of(fn: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as captured:
        value = fn()
    return value, len(captured)


def test_compliance_cached_between_events_and_fresh_after_one(world: Any) -> None:
    desk, bdg = Actor.staff(world.desk), Actor.staff(world.bandung_admin)
    r1 = report(now=at(11, 2, 9), region=world.region_bandung)
    act(r1, "dispatch", desk, at(11, 3), agency=world.bandung)
    now = at(11, 4)
    first, n = queries_of(lambda: kpis.compliance_ranking(YEAR, now=now))
    assert n > 0
    # Served until the next deadline, or for queries.HORIZON when none is that close.
    again, n = queries_of(lambda: kpis.compliance_ranking(YEAR, now=now + timedelta(minutes=10)))
    assert n == 0 and again == first
    bandung = {r.agency_code: r for r in first.rows}["32.73"]
    assert bandung.components.follow_up_rate == 0.0

    # A new event changes the figures: the next call recomputes them.
    act(r1, "respond", bdg, at(11, 5), message="Sudah ditindaklanjuti.")
    later = at(11, 5, 12)
    fresh, n = queries_of(lambda: kpis.compliance_ranking(YEAR, now=later))
    assert n > 0
    assert {r.agency_code: r for r in fresh.rows}["32.73"].components.follow_up_rate == 1.0
    assert fresh == uncached_ranking(later)
    # The peer-group filter reads the same cached ranking.
    local, n = queries_of(lambda: kpis.compliance_ranking(YEAR, peer_group="local", now=later))
    assert n == 0 and {r.peer_group for r in local.rows} == {"local"}
    assert local.rows == tuple(r for r in fresh.rows if r.peer_group == "local")


def test_cached_figures_follow_the_clock_past_a_deadline(world: Any) -> None:
    r1 = report(now=at(11, 2, 9), region=world.region_bandung)
    act(r1, "dispatch", Actor.staff(world.desk), at(11, 2, 10), agency=world.bandung)
    r1.refresh_from_db()
    due = r1.first_response_due_at
    assert due is not None
    national = kpis.national_scope()
    before = kpis.compute_kpis(national, YEAR, now=due - timedelta(minutes=1))
    assert before.first_response_measured == 0 and before.overdue == 0
    ranking = kpis.compliance_ranking(YEAR, now=due - timedelta(minutes=1))
    assert {r.agency_code: r for r in ranking.rows}[
        "32.73"
    ].components.on_time_first_response_rate is None

    # No event, only time passes: the deadline is missed, the figures change.
    after_now = due + timedelta(minutes=1)
    after = kpis.compute_kpis(national, YEAR, now=after_now)
    assert after.first_response_measured == 1 and after.on_time_first_response_rate == 0.0
    assert after.computed_at == after_now
    ranking = kpis.compliance_ranking(YEAR, now=after_now)
    assert {r.agency_code: r for r in ranking.rows}[
        "32.73"
    ].components.on_time_first_response_rate == 0.0
    assert ranking == uncached_ranking(after_now)

    # Asking about an earlier moment than a cached computation recomputes too.
    again = kpis.compute_kpis(national, YEAR, now=due - timedelta(minutes=1))
    assert again.first_response_measured == 0


def test_settings_and_agency_changes_invalidate(world: Any) -> None:
    r1 = report(now=at(11, 2, 9), region=world.region_bandung)
    act(r1, "dispatch", Actor.staff(world.desk), at(11, 3), agency=world.bandung)
    now = at(11, 4)
    before = kpis.compliance_ranking(YEAR, now=now)
    assert "0.35 × tingkat tindak lanjut" in before.formula
    ComplianceSettings.objects.create(
        weight_follow_up=1,
        weight_first_response=0,
        weight_completion=0,
        weight_satisfaction=0,
        weight_bounce=0,
    )
    assert "1.00 × tingkat tindak lanjut" in kpis.compliance_ranking(YEAR, now=now).formula

    names = {r.scope.code: r.scope.name for r in kpis.top_agencies(YEAR)}
    assert names["32.73"] == world.bandung.name
    world.bandung.name = "Pemerintah Kota Bandung (baru)"
    world.bandung.save()
    names = {r.scope.code: r.scope.name for r in kpis.top_agencies(YEAR)}
    assert names["32.73"] == "Pemerintah Kota Bandung (baru)"


def test_version_survives_eviction(db: Any) -> None:
    token = stats_cache.version()
    assert stats_cache.version() == token
    stats_cache.bump()
    assert stats_cache.version() != token
    cache.clear()  # evicted: a new token, never an old one
    assert stats_cache.version() not in {token, ""}


def test_national_page_lists_busiest_agencies_with_link_to_all(client: Any, world: Any) -> None:
    desk = Actor.staff(world.desk)
    # More agencies with reports than the page lists by default.
    extra = [
        Agency.objects.create(
            code=f"LMB{i:02d}", name=f"Lembaga Uji {i:02d}", kind=Agency.Kind.INSTITUTION
        )
        for i in range(pages.AGENCY_ROWS + 2)
    ]
    for i, agency in enumerate(extra):
        for _ in range(1 + (i == 5) * 2):  # LMB05 received three reports
            r = report(now=at(11, 2, 9), region=world.region_bandung)
            act(r, "dispatch", desk, at(11, 3), agency=agency)
    html = client.get("/statistik/", {"tahun": "2026"}).content.decode()
    section = html.split('id="agencies-caption"', 1)[1].split("</table>", 1)[0]
    listed = re.findall(r"/statistik/instansi/([A-Z0-9.]+)/", section)
    assert len(listed) == pages.AGENCY_ROWS and listed[0] == "LMB05"
    total = len(extra)
    assert f"Tampilkan semua {total} instansi" in html
    assert "instansi=semua" in html

    full = client.get("/statistik/", {"tahun": "2026", "instansi": "semua"}).content.decode()
    section = full.split('id="agencies-caption"', 1)[1].split("</table>", 1)[0]
    listed = re.findall(r"/statistik/instansi/([A-Z0-9.]+)/", section)
    assert len(listed) == total and listed == sorted(listed)  # all of them, by name
    assert "Tampilkan semua" not in full
