"""Statistics engine: KPI arithmetic against hand-computed figures, rollups kept equal to
a full recompute, targets, compliance index, bounded queries."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import F

from aduan.reports import hooks, lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Report, Status
from aduan.sla import calendar
from aduan.sla.models import CollectiveLeave
from aduan.stats import compliance, kpis, rollups
from aduan.stats.models import ComplianceSettings, MonthlyRollup, NationalTarget, ReportFact
from tests.factories import report

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 12, 30, 12, 0, tzinfo=WIB)
YEAR_2026 = kpis.parse_period("2026")


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=WIB)


def act(r: Report, action: str, actor: Actor, now: datetime, **change: Any) -> None:
    lifecycle.transition(r, action, actor=actor, change=Change(**change), now=now)


@pytest.fixture
def story(world: Any) -> dict[str, Report]:
    """Seven reports whose figures are worked out by hand in the tests below.

    Calendar (WIB): 2 Nov 2026 is a Monday; 24 Dec is made cuti bersama here and 25 Dec is
    Christmas, so from Wed 23 Dec to Mon 28 Dec is ONE working day.
    """
    CollectiveLeave.objects.create(date=date(2026, 12, 24), description="Cuti bersama Natal")
    calendar.clear_cache()
    desk = Actor.staff(world.desk)
    bdg, dinkes = Actor.staff(world.bandung_admin), Actor.staff(world.dinkes_officer)
    sby, reporter = Actor.staff(world.surabaya_officer), Actor.reporter()
    msg = {"message": "Sudah ditindaklanjuti."}

    # R1: verified in 2 working days, forwarded to a unit, answered 3 working days after
    # dispatch (on time), closed, rated 4 / resolved.
    r1 = report(now=at(11, 2, 9), region=world.region_bandung, category=world.category_health)
    act(r1, "dispatch", desk, at(11, 4), agency=world.bandung)
    act(r1, "forward", bdg, at(11, 5), agency=world.bandung_dinkes)
    act(r1, "respond", dinkes, at(11, 9, 11), **msg)
    act(r1, "close", reporter, at(11, 10))
    act(r1, "rate", reporter, at(11, 10, 11), rating=4, resolved=True)

    # R2: bounced once ("bukan wewenang"), re-dispatched to Surabaya, answered on the last
    # day of its first-response limit; rated 2 / not resolved.
    r2 = report(now=at(11, 3, 8), region=world.region_bandung, channel="sms")
    act(r2, "dispatch", desk, at(11, 3, 9), agency=world.bandung)
    act(r2, "return_to_desk", bdg, at(11, 4), reason="Bukan wewenang Pemkot Bandung.")
    act(r2, "dispatch", desk, at(11, 5), agency=world.surabaya)
    act(r2, "respond", sby, at(11, 12, 12), **msg)
    act(r2, "close", reporter, at(11, 13))
    act(r2, "rate", reporter, at(11, 13, 11), rating=2, resolved=False)

    # R3: aspiration (completion limit 5 working days); reopen cycle: answered the next
    # day, the reporter replies, answered again after 9 working days (late completion).
    r3 = report(now=at(11, 2), region=world.region_surabaya, channel="mobile", type="aspiration")
    act(r3, "dispatch", desk, at(11, 2, 11), agency=world.surabaya)
    act(r3, "respond", sby, at(11, 3), **msg)
    act(r3, "reporter_reply", reporter, at(11, 4), message="Belum selesai.")
    act(r3, "respond", sby, at(11, 13), **msg)

    # R4: rejected as spam the next working day.
    r4 = report(now=at(11, 2, 12), channel="email")
    act(r4, "reject", desk, at(11, 3), reason="spam")

    # R5: dispatched to Jayapura (WIT) and never answered: both deadlines passed by NOW.
    r5 = report(now=at(11, 2, 13), region=world.region_jayapura)
    act(r5, "dispatch", desk, at(11, 2, 14), agency=world.jayapura)

    # R6: answered across the Christmas holiday and cuti bersama: 1 working day.
    r6 = report(now=at(12, 22, 9), region=world.region_bandung)
    act(r6, "dispatch", desk, at(12, 23), agency=world.bandung)
    act(r6, "respond", bdg, at(12, 28), **msg)

    # R7: still waiting for the desk, not yet late.
    r7 = report(now=at(12, 29, 9), region=world.region_bandung)
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r5": r5, "r6": r6, "r7": r7}


def test_calendar_assumptions_of_the_story(story: Any) -> None:
    assert not calendar.is_working_day(date(2026, 12, 25))
    assert not calendar.is_working_day(date(2026, 12, 24))
    assert calendar.is_working_day(date(2026, 11, 2))


def test_national_kpis_match_hand_computed_figures(story: Any) -> None:
    k = kpis.compute_kpis(kpis.national_scope(), YEAR_2026, now=NOW)
    assert (k.received, k.verified, k.dispatched, k.rejected) == (7, 5, 5, 1)
    assert [(c.code, c.count) for c in k.rejected_by_reason if c.count] == [("spam", 1)]
    assert k.followed_up == 4 and k.follow_up_rate == pytest.approx(0.8)
    # On time: R1, R2, R3, R6; R5's deadline passed without an answer.
    assert (k.first_response_on_time, k.first_response_measured) == (4, 5)
    assert k.on_time_first_response_rate == pytest.approx(0.8)
    # Completion: R1, R2, R6 on time; R3 late (9 > 5 working days); R5 missed.
    assert (k.completion_on_time, k.completion_measured) == (3, 5)
    # Verify: R1 2, R2 0, R3 0, R4 1, R5 0, R6 1 → 0 0 0 1 1 2.
    assert k.verify_days == kpis.Durations(count=6, median=0.0, p90=2.0)
    # First response: R1 3, R2 5, R3 1, R6 1 (holidays skipped) → 1 1 3 5.
    assert k.first_response_days == kpis.Durations(count=4, median=1.0, p90=5.0)
    # Completion (last follow-up): R1 3, R2 5, R3 9, R6 1 → 1 3 5 9.
    assert k.completion_days == kpis.Durations(count=4, median=3.0, p90=9.0)
    assert (k.bounced, k.bounces) == (1, 1) and k.bounce_rate == pytest.approx(0.2)
    assert k.rated == 2 and k.satisfaction_avg == pytest.approx(3.0)
    assert k.satisfied_rate == pytest.approx(0.5) and k.resolved_share == pytest.approx(0.5)
    # Open: R3 (responded), R5, R6 (responded), R7; overdue: only R5.
    assert (k.backlog, k.overdue) == (4, 1)
    channels = {c.code: c.count for c in k.by_channel}
    assert channels["web"] == 4 and channels["sms"] == 1 and channels["mobile"] == 1
    assert {c.code: c.count for c in k.by_type}["aspiration"] == 1
    assert {c.code: c.count for c in k.by_category} == {"kesehatan": 1, "": 6}
    assert sum(c.count for c in k.by_status) == 7


def test_scopes_attribute_reports_to_agency_subtree_and_region(story: Any) -> None:
    bandung = kpis.compute_kpis(kpis.resolve_scope("agency", "32.73"), YEAR_2026, now=NOW)
    assert (bandung.received, bandung.dispatched, bandung.followed_up) == (2, 2, 2)  # R1, R6
    dinkes = kpis.compute_kpis(kpis.resolve_scope("agency", "32.73.DINKES"), YEAR_2026, now=NOW)
    assert dinkes.received == 1 and dinkes.satisfaction_avg == 4.0
    surabaya = kpis.compute_kpis(kpis.resolve_scope("agency", "35.78"), YEAR_2026, now=NOW)
    assert (surabaya.received, surabaya.bounced) == (2, 1)  # R2 (bounced elsewhere), R3
    jabar = kpis.compute_kpis(kpis.resolve_scope("region", "32"), YEAR_2026, now=NOW)
    assert jabar.received == 4  # R1, R2, R6, R7: the province includes Kota Bandung
    jayapura = kpis.compute_kpis(kpis.resolve_scope("region", "91.71"), YEAR_2026, now=NOW)
    assert (jayapura.received, jayapura.overdue, jayapura.first_response_measured) == (1, 1, 1)


def test_periods_months_and_partial_ranges(story: Any) -> None:
    national = kpis.national_scope()
    november = kpis.compute_kpis(national, kpis.parse_period("2026-11"), now=NOW)
    assert november.received == 5
    # A range cutting months: whole months from rollups, the edges from facts.
    span = kpis.parse_period(None, "2026-11-03", "2026-12-22")
    assert kpis.compute_kpis(national, span, now=NOW).received == 2  # R2, R6
    assert kpis.compute_kpis(national, kpis.parse_period("2025"), now=NOW).received == 0
    trend = kpis.monthly_trend(national, YEAR_2026)
    assert len(trend) == 12 and trend[10].received == 5 and trend[11].received == 2
    assert trend[0].received == 0 and trend[0].follow_up_rate is None


def test_drill_down_children_and_top_agencies(story: Any, world: Any) -> None:
    provinces = {c.scope.code: c.received for c in kpis.children(kpis.national_scope(), YEAR_2026)}
    assert provinces == {"32": 4, "35": 1, "91": 1}
    regencies = kpis.children(kpis.resolve_scope("region", "32"), YEAR_2026)
    assert [(c.scope.code, c.received) for c in regencies] == [("32.73", 4)]
    units = {
        c.scope.code: c.received
        for c in kpis.children(kpis.resolve_scope("agency", "32.73"), YEAR_2026)
    }
    assert units == {"32.73.DINKES": 1, "32.73.PUPR": 0}
    top = {c.scope.code: c.received for c in kpis.top_agencies(YEAR_2026)}
    assert top["32.73"] == 2 and top["35.78"] == 2 and top["KEMENKES"] == 0
    in_jabar = kpis.top_agencies(YEAR_2026, region=kpis.resolve_scope("region", "32"))
    assert [c.scope.code for c in in_jabar] == ["32.73"]


def test_top_categories(story: Any) -> None:
    lines = kpis.top_categories(kpis.national_scope(), YEAR_2026, limit=1)
    assert [(c.code, c.count) for c in lines] == [("", 6)]
    assert lines[0].label == "Belum dikategorikan"


# ------------------------------------------------------------------------- rollups


def test_rollups_follow_every_event_and_match_full_recompute(story: Any) -> None:
    drift = rollups.check()
    assert drift.total == 0, drift.examples
    assert drift.facts_checked == 7


def test_check_detects_drift_and_rebuild_repairs_it(story: Any) -> None:
    MonthlyRollup.objects.filter(kind="agency").update(received=F("received") + 1)
    ReportFact.objects.filter(report_id=story["r1"].pk).update(rating=5)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("stats", "rebuild", "--check", stdout=out)
    assert exit_info.value.code == 1
    assert "DRIFT" in out.getvalue() and "facts missing 0, stale 1" in out.getvalue()
    call_command("stats", "rebuild", stdout=StringIO())
    out = StringIO()
    call_command("stats", "rebuild", "--check", stdout=out)
    assert out.getvalue().startswith("OK: 7 reports")


def test_history_replayed_with_hooks_suppressed_is_picked_up(world: Any) -> None:
    with hooks.suppressed():
        r = report(now=at(11, 2))
    assert not ReportFact.objects.filter(report_id=r.pk).exists()
    assert rollups.check().facts_missing == 1
    assert rollups.refresh_missing() == 1
    assert rollups.check().total == 0


def _random_step(rng: random.Random, world: Any, r: Report, now: datetime) -> None:
    desk = Actor.staff(world.desk)
    agency_actor = {
        world.bandung.pk: Actor.staff(world.bandung_admin),
        world.bandung_dinkes.pk: Actor.staff(world.dinkes_officer),
        world.surabaya.pk: Actor.staff(world.surabaya_officer),
        world.ombudsman.pk: Actor.staff(world.ombudsman_officer),
    }
    options: list[tuple[str, Actor, dict[str, Any]]] = []
    s = r.status
    msg = {"message": "Pesan uji."}
    if s == Status.SUBMITTED:
        target = rng.choice([world.bandung, world.surabaya, world.bandung_dinkes])
        category = rng.choice([world.category_health, world.category_roads, None])
        options += [
            ("dispatch", desk, {"agency": target, "category": category}),
            ("request_info", desk, msg),
            ("reject", desk, {"reason": rng.choice(["spam", "out_of_scope", "abusive"])}),
            ("archive", desk, {"reason": "duplicate"}),
        ]
    elif s == Status.NEEDS_INFO:
        options += [("provide_info", Actor.reporter(), msg), ("expire", Actor.system(), {})]
    elif s in (Status.DISPATCHED, Status.IN_PROGRESS, Status.ESCALATED):
        staff = agency_actor.get(r.agency_id) if r.agency_id else None
        if staff is not None:
            options += [("accept", staff, {}), ("update", staff, msg), ("respond", staff, msg)]
            if s != Status.ESCALATED:
                options.append(("return_to_desk", staff, {"reason": "Bukan wewenang."}))
            if r.agency_id == world.bandung.pk:
                options.append(("forward", staff, {"agency": world.bandung_dinkes}))
        if s != Status.ESCALATED:
            options.append(("escalate", Actor.reporter(), {}))
    elif s == Status.RESPONDED:
        options += [
            ("reporter_reply", Actor.reporter(), msg),
            ("close", Actor.reporter(), {}),
            ("auto_close", Actor.system(), {}),
        ]
    elif s == Status.CLOSED and r.rating is None:
        options.append(
            (
                "rate",
                Actor.reporter(),
                {"rating": rng.randint(1, 5), "resolved": rng.random() < 0.6},
            )
        )
    if not options:
        return
    action, actor, change = rng.choice(options)
    try:
        lifecycle.transition(r, action, actor=actor, change=Change(**change), now=now)
    except lifecycle.TransitionError:
        r.refresh_from_db()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_full_recompute_after_random_transitions(world: Any, seed: int) -> None:
    """Random reports walked through random real transitions (bounces, reopen cycles,
    escalations, moves between agencies and categories): the incrementally kept rollups
    must equal a full recompute from the raw rows at every checkpoint."""
    rng = random.Random(seed)
    regions = [world.region_bandung, world.region_surabaya, world.region_jayapura, None]
    start = datetime(2026, 1, 5, 9, 0, tzinfo=WIB)
    reports: list[tuple[Report, datetime]] = []
    for _i in range(24):
        submitted = start + timedelta(days=rng.randint(0, 300), hours=rng.randint(0, 8))
        r = report(
            now=submitted,
            region=rng.choice(regions),
            channel=rng.choice(["web", "sms", "mobile", "email"]),
            type=rng.choice(["complaint", "aspiration", "info_request"]),
            category=rng.choice([world.category_health, None]),
            is_confidential=rng.random() < 0.2,
        )
        reports.append((r, submitted))
    for step in range(8):
        for r, submitted in reports:
            now = submitted + timedelta(days=2 * step + 1, hours=rng.randint(0, 6))
            if rng.random() < 0.8:
                _random_step(rng, world, r, now)
        drift = rollups.check()
        assert drift.total == 0, drift.examples
    statuses = set(Report.objects.values_list("status", flat=True))
    assert len(statuses) >= 4  # the walk really moved reports around
    rebuilt_before = list(MonthlyRollup.objects.order_by("kind", "key", "month").values())
    call_command("stats", "rebuild", stdout=StringIO())
    rebuilt = list(MonthlyRollup.objects.order_by("kind", "key", "month").values())
    strip = [{k: v for k, v in row.items() if k != "id"} for row in rebuilt]
    kept = [
        {k: v for k, v in row.items() if k != "id"}
        for row in rebuilt_before
        if any(row[n] for n in ("received", "open"))
    ]
    assert kept == strip


# --------------------------------------------------------------------- query bounds


def test_query_counts_do_not_grow_with_reports(
    story: Any, django_assert_max_num_queries: Any
) -> None:
    national = kpis.national_scope()
    span = kpis.parse_period(None, "2026-11-03", "2026-12-22")
    # The live counts are two reads: the live rollups with their watermark, and the
    # deadlines since the watermark (plus the partial days) from the facts.
    with django_assert_max_num_queries(7):
        kpis.compute_kpis(national, span, now=NOW)
    with django_assert_max_num_queries(5):
        kpis.compute_kpis(national, YEAR_2026, now=NOW)
    with django_assert_max_num_queries(1):
        kpis.monthly_trend(national, YEAR_2026)
    with django_assert_max_num_queries(3):
        kpis.children(national, YEAR_2026)
    with django_assert_max_num_queries(3):
        kpis.top_agencies(YEAR_2026)
    with django_assert_max_num_queries(5):
        kpis.compliance_ranking(YEAR_2026, now=NOW)
    with django_assert_max_num_queries(3):
        kpis.target_progress(2026, today=date(2026, 12, 30))


# ---------------------------------------------------------------- targets, index


def test_default_targets_are_data(db: Any) -> None:
    t2021 = NationalTarget.objects.get(year=2021)
    assert t2021.reports_target == 454_790 and float(t2021.follow_up_target) == 0.7
    assert NationalTarget.objects.filter(year=2026).exists()


def test_target_progress_projects_linearly(story: Any) -> None:
    progress = kpis.target_progress(2026, today=date(2026, 12, 30))
    assert progress is not None
    assert progress.received == 7 and progress.as_of == date(2026, 12, 30)
    assert progress.projected_received == round(7 / 364 * 365)
    assert progress.follow_up_rate == pytest.approx(0.8)
    assert not progress.on_track
    assert "364 hari" in progress.method and "365" in progress.method
    NationalTarget.objects.filter(year=2026).update(reports_target=5)
    assert kpis.target_progress(2026, today=date(2026, 12, 30)).on_track  # type: ignore[union-attr]
    assert kpis.target_progress(2030) is None


def test_compliance_index_formula_predicates_and_ranking(story: Any) -> None:
    result = kpis.compliance_ranking(YEAR_2026, now=NOW)
    rows = {r.agency_code: r for r in result.rows}
    bandung = rows["32.73"]
    # Bandung subtree: R1 and R6, both followed up and on time, no bounce, one rating 4.
    assert bandung.components.follow_up_rate == 1.0
    assert bandung.components.satisfaction == pytest.approx(0.75)
    assert bandung.index == pytest.approx(100 * (0.35 + 0.2 + 0.2 + 0.15 * 0.75 + 0.1), abs=0.1)
    assert bandung.predicate == "baik" and bandung.predicate_label == "Baik"
    surabaya = rows["35.78"]
    # Surabaya: R2 (on time, rated 2, bounced before reaching it) and R3 (late completion).
    assert surabaya.components.on_time_completion_rate == pytest.approx(0.5)
    assert surabaya.components.bounce_rate == pytest.approx(0.5)
    expected = 100 * (0.35 * 1 + 0.2 * 1 + 0.2 * 0.5 + 0.15 * 0.25 + 0.1 * 0.5)
    assert surabaya.index == pytest.approx(expected, abs=0.1)
    assert surabaya.predicate == "sedang"
    jayapura = rows["91.71"]  # dispatched, never answered: both deadlines missed
    assert jayapura.components.follow_up_rate == 0.0
    assert jayapura.components.on_time_first_response_rate == 0.0
    assert jayapura.components.on_time_completion_rate == 0.0
    assert jayapura.index == pytest.approx(100 * 0.1 / 0.85, abs=0.1)  # no ratings yet
    assert jayapura.predicate == "kurang"
    assert (bandung.peer_group, bandung.rank, surabaya.rank, jayapura.rank) == ("local", 1, 2, 3)
    assert bandung.peers == 3
    assert rows["KEMENKES"].index is None and rows["KEMENKES"].rank is None
    assert (result.agencies_measured, result.agencies_half_followed_up) == (3, 2)
    assert result.share_half_followed_up == pytest.approx(2 / 3)
    assert "0.35 × tingkat tindak lanjut" in result.formula
    assert "ORI" not in rows and "32.73.DINKES" not in rows  # no units, no Ombudsman


def test_compliance_weights_and_thresholds_are_data(story: Any) -> None:
    ComplianceSettings.objects.create(
        weight_follow_up=1,
        weight_first_response=0,
        weight_completion=0,
        weight_satisfaction=0,
        weight_bounce=0,
        threshold_good=99,
        threshold_fair=50,
    )
    result = compliance.compliance_ranking(YEAR_2026, peer_group="local", now=NOW)
    assert {r.agency_code: r.index for r in result.rows} == {
        "32.73": 100.0,
        "35.78": 100.0,
        "91.71": 0.0,
    }
    assert [r.rank for r in result.rows] == [1, 1, 3]  # ties share a rank
    assert result.weights["follow_up_rate"] == 1.0 and result.thresholds["baik"] == 99.0
    assert "1.00 × tingkat tindak lanjut" in result.formula


# ------------------------------------------------------------------ parsing, scope


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("2026-13", None, None), "period"),
        (("26", None, None), "period"),
        (("1999", None, None), "period"),
        (("2026", "2026-01-01", None), "period"),
        ((None, "2026-02-30", None), "from"),
        ((None, "2026-03-01", "2026-02-01"), "from"),
        ((None, None, "tomorrow"), "to"),
    ],
)
def test_bad_periods_name_their_field(args: Any, field: str) -> None:
    with pytest.raises(kpis.StatsInputError) as exc:
        kpis.parse_period(*args, today=date(2026, 6, 1))
    assert exc.value.field == field and exc.value.message


def test_periods_parse() -> None:
    today = date(2026, 6, 15)
    assert kpis.parse_period(None, today=today) == kpis.Period(
        "year", date(2026, 1, 1), date(2026, 12, 31), "2026"
    )
    february = kpis.parse_period("2028-02", today=today)
    assert (february.start, february.end, february.kind) == (
        date(2028, 2, 1),
        date(2028, 2, 29),
        "month",
    )
    december = kpis.parse_period("2026-12", today=today)
    assert december.end == date(2026, 12, 31) and december.param == {"period": "2026-12"}
    ranged = kpis.parse_period(None, None, "2026-03-10", today=today)
    assert (ranged.start, ranged.end) == (date(2026, 1, 1), date(2026, 3, 10))
    assert ranged.param == {"from": "2026-01-01", "to": "2026-03-10"}


def test_scopes_resolve_with_breadcrumbs(world: Any) -> None:
    dinkes = kpis.resolve_scope("agency", "32.73.DINKES")
    assert [c.code for c in dinkes.crumbs] == ["", "32.73", "32.73.DINKES"]
    assert dinkes.level == "unit" and dinkes.agency_path == "/32.73/32.73.DINKES/"
    regency = kpis.resolve_scope("region", "32.73")
    assert [c.name for c in regency.crumbs] == ["Nasional", "Jawa Barat", "Kota Bandung"]
    assert kpis.resolve_scope(None, None).is_national
    with pytest.raises(kpis.ScopeNotFound):
        kpis.resolve_scope("region", "99")
    with pytest.raises(kpis.StatsInputError) as exc:
        kpis.resolve_scope("agency", "")
    assert exc.value.field == "code"
    with pytest.raises(kpis.StatsInputError) as exc:
        kpis.resolve_scope("planet", "x")
    assert exc.value.field == "scope"
