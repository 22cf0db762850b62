"""Performance figures (DESIGN §6): the public contract of the statistics engine.

Pages, the API, exports and open data import from here only. Every figure is read from
the rollups (:mod:`aduan.stats.rollups`), never from raw reports, so dashboards do not
slow down as reports accumulate. The figures, the agency tables and the compliance
index are also cached between events (:mod:`aduan.stats.cache`, which states the
staleness rule: never after an event, a changed setting or a passed deadline).

Definitions (all figures are *cohort* figures: the reports **received** in the period,
what happened to them so far; "received" dates are calendar dates in WIB):

- received: reports submitted in the period (every channel, confidential ones included —
  they are counted, never listed).
- verified: of those, verified by the desk (dispatched reports count as verified).
- dispatched: of those, ever dispatched to an agency.
- rejected: currently rejected, by reason (incomplete, out of scope, abusive, spam).
- followed_up: dispatched reports that received an agency follow-up (``respond``);
  follow_up_rate = followed_up / dispatched.
- on-time first response: a first response (interim update or follow-up) at or before
  ``first_response_due_at``. Measured over the reports whose first response is known
  (given) plus those whose deadline passed without one (still open, counted live);
  on_time_first_response_rate = on time / measured.
- on-time completion: the (last) follow-up at or before ``completion_due_at``; measured
  over followed-up reports plus open reports past their completion deadline.
- durations, in working days (:mod:`aduan.sla.calendar`, national holidays + cuti bersama,
  the handling agency's time zone; the day of the start is not counted, so an answer on
  the same day is 0): verify = submitted → verified (or rejected), first response =
  (last) dispatch → first response, completion = (last) dispatch → (last) follow-up.
  Medians and p90 come from histograms with exact 1-working-day buckets up to 30 days
  and wider buckets above (31–40, 41–50, 51–60, 61–90, 91–120, 121–180, 181+); a
  figure in a wide bucket is reported as the bucket's upper bound (181+ as 181).
  A percentile is the smallest bucket value v with at least q·n observations ≤ v
  ("nearest rank").
- bounce: a "bukan wewenang" return to the desk. bounced = dispatched reports returned at
  least once, bounces = total returns; bounce_rate = bounced / dispatched.
- satisfaction: rated = reports with a rating (1–5); satisfaction_avg = mean rating;
  satisfied_rate = share of ratings ≥ 4; resolved_share = "resolved: yes" / answered.
- backlog: reports of the cohort still open now (submitted, needs info, dispatched, in
  progress, responded, escalated); overdue: of those, past their current deadline now.
- breakdowns by channel, category, report type, status and rejection reason count
  received reports (rejection reason: rejected ones).

Scope attribution: a report belongs to the agency currently (or last) handling it and
to every ancestor of that agency (materialised ``path`` prefix), and to its region
(a province includes its regencies/cities). Reports never dispatched belong to no
agency: they count nationally and in their region, not in any agency scope.

Rates are fractions in [0, 1], or ``None`` when the denominator is 0. Durations are
working days (``float``) or ``None`` when nothing was measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

ScopeKind = Literal["national", "region", "agency"]
PeriodKind = Literal["year", "month", "range"]


class StatsInputError(ValueError):
    """A scope or period parameter is invalid (HTTP 400). ``field`` names the parameter
    (``scope``, ``code``, ``period``, ``from``, ``to``); ``message`` is Indonesian and
    actionable."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ScopeNotFound(LookupError):
    """The region or agency code does not exist (HTTP 404)."""

    def __init__(self, message: str, *, field: str = "code") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Crumb:
    """One breadcrumb step: national → province → regency/city, or agency ancestors."""

    kind: ScopeKind
    code: str  # "" for national
    name: str


@dataclass(frozen=True)
class Scope:
    """Where figures are counted.

    ``kind``: national | region | agency. ``code``: "" (national), a region code ("32",
    "32.73") or an agency code. ``name``: display name. ``crumbs``: from national down to
    and including this scope (for breadcrumbs). ``level``: "national", region level
    ("province" | "regency") or the agency kind ("ministry", "unit", ...).
    ``agency_path`` is the materialised path for agency scopes ("" otherwise).
    """

    kind: ScopeKind
    code: str
    name: str
    level: str
    crumbs: tuple[Crumb, ...]
    agency_id: int | None = None
    agency_path: str = ""

    @property
    def is_national(self) -> bool:
        return self.kind == "national"


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar dates (WIB). ``kind`` tells how it was asked:
    a year ("2026"), a month ("2026-11") or an explicit range (from/to). ``label`` is
    for display ("2026", "November 2026", "1 Jan 2026 – 15 Mar 2026")."""

    kind: PeriodKind
    start: date
    end: date
    label: str

    @property
    def param(self) -> dict[str, str]:
        """Query parameters that reproduce this period (for links)."""
        if self.kind == "year":
            return {"period": f"{self.start:%Y}"}
        if self.kind == "month":
            return {"period": f"{self.start:%Y-%m}"}
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class Count:
    """One breakdown line: a code, its display label and how many reports."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Durations:
    """Working-day duration statistics of one measure."""

    count: int  # how many reports were measured
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Kpis:
    """All item-1 figures of one scope and period (definitions in the module docstring)."""

    scope: Scope
    period: Period
    received: int
    verified: int
    dispatched: int
    rejected: int
    rejected_by_reason: tuple[Count, ...]
    followed_up: int
    follow_up_rate: float | None
    first_response_on_time: int
    first_response_measured: int
    on_time_first_response_rate: float | None
    completion_on_time: int
    completion_measured: int
    on_time_completion_rate: float | None
    verify_days: Durations
    first_response_days: Durations
    completion_days: Durations
    bounced: int
    bounces: int
    bounce_rate: float | None
    rated: int
    satisfaction_avg: float | None
    satisfied_rate: float | None
    resolved_answered: int
    resolved_yes: int
    resolved_share: float | None
    backlog: int
    overdue: int
    by_channel: tuple[Count, ...]
    by_category: tuple[Count, ...]
    by_type: tuple[Count, ...]
    by_status: tuple[Count, ...]
    computed_at: datetime


@dataclass(frozen=True)
class TrendPoint:
    """One month of a trend series (cohort of reports received that month)."""

    month: date  # first day of the month
    received: int
    dispatched: int
    followed_up: int
    follow_up_rate: float | None
    on_time_first_response_rate: float | None


@dataclass(frozen=True)
class ChildRow:
    """One line of a drill-down table: a sub-scope and its headline figures."""

    scope: Scope
    received: int
    dispatched: int
    followed_up: int
    follow_up_rate: float | None
    on_time_first_response_rate: float | None
    bounce_rate: float | None
    backlog: int


@dataclass(frozen=True)
class TargetProgress:
    """Progress toward the national yearly targets (DESIGN §6)."""

    year: int
    as_of: date  # last day counted
    reports_target: int
    received: int
    received_share: float  # received / reports_target
    follow_up_target: float  # a fraction, e.g. 0.70
    follow_up_rate: float | None
    projected_received: int  # at year end
    projected_share: float  # projected_received / reports_target
    on_track: bool  # projection ≥ target and follow-up rate ≥ target
    method: str  # Indonesian text describing the projection, shown on the page


@dataclass(frozen=True)
class ComplianceComponents:
    """Inputs to the index, each a fraction in [0, 1] or None (not measured)."""

    follow_up_rate: float | None
    on_time_first_response_rate: float | None
    on_time_completion_rate: float | None
    satisfaction: float | None  # (mean rating − 1) / 4
    bounce_rate: float | None  # enters the index as (1 − bounce_rate)


@dataclass(frozen=True)
class ComplianceRow:
    agency_code: str
    agency_name: str
    agency_kind: str
    peer_group: str  # ministry | institution | province | local (regency + city)
    peer_group_label: str
    received: int
    dispatched: int
    index: float | None  # 0–100; None when the agency had no dispatched reports
    predicate: str  # "baik" | "sedang" | "kurang" | "" (not rated)
    predicate_label: str  # "Baik" / "Sedang" / "Kurang" / "Belum dinilai"
    rank: int | None  # 1 = best within the peer group; None when not rated
    peers: int  # rated agencies in the peer group
    components: ComplianceComponents


@dataclass(frozen=True)
class ComplianceResult:
    period: Period
    rows: tuple[ComplianceRow, ...]  # sorted by peer group, then rank (unrated last)
    weights: dict[str, float]  # component name → weight (sums to 1)
    thresholds: dict[str, float]  # "baik" → min index, "sedang" → min index
    formula: str  # Indonesian text of the formula with the current weights
    agencies_measured: int  # agencies with at least one dispatched report
    agencies_half_followed_up: int  # of those, follow-up rate ≥ 50 %
    share_half_followed_up: float | None
    peer_groups: tuple[Count, ...] = field(default_factory=tuple)  # code, label, rated


# --------------------------------------------------------------------------- parsing


def resolve_scope(kind: str | None, code: str | None) -> Scope:
    """Scope from request parameters. ``kind`` None/"" → national; "region" needs a
    region code ("32" or "32.73"); "agency" an agency code.

    Raises StatsInputError (bad kind / missing code, field "scope" or "code") and
    ScopeNotFound (unknown code, field "code")."""
    from aduan.stats import scopes

    return scopes.resolve_scope(kind, code)


def national_scope() -> Scope:
    from aduan.stats import scopes

    return scopes.national_scope()


def parse_period(
    period: str | None,
    date_from: str | None = None,
    date_to: str | None = None,
    *,
    today: date | None = None,
) -> Period:
    """Period from request parameters: ``period`` = "YYYY" or "YYYY-MM", or
    ``from``/``to`` = "YYYY-MM-DD" (both inclusive; either may be omitted: from defaults
    to 1 Jan of ``to``'s year, to defaults to today). Nothing given → the current year.
    Giving both ``period`` and from/to is an error. Raises StatsInputError."""
    from aduan.stats import scopes

    return scopes.parse_period(period, date_from, date_to, today=today)


# ------------------------------------------------------------------------- figures


def compute_kpis(scope: Scope, period: Period, *, now: datetime | None = None) -> Kpis:
    """All item-1 figures; a bounded number of queries (≤ 6) whatever the data size."""
    from aduan.stats import queries

    return queries.compute_kpis(scope, period, now=now)


def monthly_trend(scope: Scope, period: Period) -> list[TrendPoint]:
    """One point per calendar month overlapping the period (months without reports
    included, with zeros). One query."""
    from aduan.stats import queries

    return queries.monthly_trend(scope, period)


def top_categories(scope: Scope, period: Period, *, limit: int = 10) -> list[Count]:
    """Categories with the most received reports, largest first. One query."""
    from aduan.stats import queries

    return queries.top_categories(scope, period, limit=limit)


def children(scope: Scope, period: Period, *, now: datetime | None = None) -> list[ChildRow]:
    """Drill-down one level: national → provinces (region scopes) ; province →
    its regencies/cities; regency → none. Agency → its direct child agencies (units).
    For agency hierarchy from national use :func:`top_agencies`. Sorted by name.
    Bounded queries."""
    from aduan.stats import queries

    return queries.children(scope, period, now=now)


def top_agencies(period: Period, *, region: Scope | None = None) -> list[ChildRow]:
    """Top-level agencies (no parent), or, with a region scope, the agencies whose
    region is within it (any level except units). Sorted by name. Bounded queries."""
    from aduan.stats import queries

    return queries.top_agencies(period, region=region)


def target_progress(year: int | None = None, *, today: date | None = None) -> TargetProgress | None:
    """National target progress for ``year`` (default: the current year); None when no
    target is stored for that year."""
    from aduan.stats import targets

    return targets.target_progress(year, today=today)


def compliance_ranking(
    period: Period, *, peer_group: str | None = None, now: datetime | None = None
) -> ComplianceResult:
    """Compliance index of every agency (ministries, institutions/BUMN, provinces,
    regencies/cities; not units, desk or Ombudsman) over the period, ranked within its
    peer group. ``peer_group`` (ministry | institution | province | local) filters the
    rows (the share-of-agencies figures always cover all groups). Bounded queries."""
    from aduan.stats import compliance

    return compliance.compliance_ranking(period, peer_group=peer_group, now=now)


__all__ = [
    "ChildRow",
    "ComplianceComponents",
    "ComplianceResult",
    "ComplianceRow",
    "Count",
    "Crumb",
    "Durations",
    "Kpis",
    "Period",
    "Scope",
    "ScopeNotFound",
    "StatsInputError",
    "TargetProgress",
    "TrendPoint",
    "children",
    "compliance_ranking",
    "compute_kpis",
    "monthly_trend",
    "national_scope",
    "parse_period",
    "resolve_scope",
    "target_progress",
    "top_agencies",
    "top_categories",
]
