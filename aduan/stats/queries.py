"""Computing the figures of :mod:`aduan.stats.kpis` from the rollups.

Whole months of a period are read from :class:`~aduan.stats.models.MonthlyRollup`
(a few hundred rows per month at most, whatever the number of reports); the days of a
partial month at either end of an explicit from/to range are aggregated from the
per-report facts, through the same counter definitions (:mod:`aduan.stats.columns`).
The live, time-dependent counts (overdue, deadlines missed without an answer) are one
query on the open facts of the cohort (a partial index keeps it small).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connections, router
from django.db.models import Count, Min, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.regions.models import Region
from aduan.reports.effects import RejectionReason
from aduan.reports.models import Category, Channel, ReportType, Status
from aduan.stats import columns
from aduan.stats.columns import (
    BUCKET_VALUE,
    BUCKETS,
    CATEGORY_COLUMNS,
    CHANNELS,
    COLUMN_NAMES,
    COLUMNS,
    LIVE_FIELDS,
    LIVE_NAMES,
    REJECTION_REASONS,
    STATUSES,
    TYPES,
    live_condition,
)
from aduan.stats.kpis import (
    ChildRow,
    Crumb,
    Durations,
    Kpis,
    Period,
    Scope,
    TrendPoint,
)
from aduan.stats.kpis import (
    Count as CountLine,
)
from aduan.stats.models import (
    CategoryRollup,
    LiveRollup,
    LiveWatermark,
    MonthlyRollup,
    ReportFact,
    ScopeKey,
)
from aduan.stats.scopes import agency_scope_of, national_scope, region_scope_of

Counters = dict[str, int]
LIVE_STATUSES = columns.LIVE_STATUSES
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # = rollups.EPOCH: the watermark before any advance


def rollups_watermark() -> datetime:
    from aduan.stats.rollups import watermark

    return watermark()


# ----------------------------------------------------------------- period split


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def split_period(period: Period) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """(first and last whole month inside the period, or None; partial day ranges)."""
    first_full = period.start if period.start.day == 1 else _next_month(period.start)
    last_full_end = _month_start(period.end + timedelta(days=1)) - timedelta(days=1)
    if first_full > last_full_end:
        return None, [(period.start, period.end)]
    partial = []
    if period.start < first_full:
        partial.append((period.start, first_full - timedelta(days=1)))
    if last_full_end < period.end:
        partial.append((last_full_end + timedelta(days=1), period.end))
    return (first_full, _month_start(last_full_end)), partial


# --------------------------------------------------------------------- filters


def _rollup_scope(qs: QuerySet[Any], scope: Scope) -> QuerySet[Any]:
    if scope.kind == "national":
        return qs.filter(kind=ScopeKey.ALL)
    if scope.kind == "agency":
        return qs.filter(kind=ScopeKey.AGENCY, key__startswith=scope.agency_path)
    return qs.filter(Q(key=scope.code) | Q(key__startswith=f"{scope.code}."), kind=ScopeKey.REGION)


def _fact_scope(qs: QuerySet[ReportFact], scope: Scope) -> QuerySet[ReportFact]:
    if scope.kind == "national":
        return qs
    if scope.kind == "agency":
        return qs.filter(agency_path__startswith=scope.agency_path)
    return qs.filter(Q(region_code=scope.code) | Q(region_code__startswith=f"{scope.code}."))


def _days_q(ranges: Iterable[tuple[date, date]]) -> Q:
    q = Q(pk__in=[])
    for start, end in ranges:
        q |= Q(day__gte=start, day__lte=end)
    return q


# -------------------------------------------------------------------- counters


def counters(scope: Scope, period: Period, names: tuple[str, ...] = COLUMN_NAMES) -> Counters:
    """Summed counters of the cohort (≤ 2 queries)."""
    months, partial = split_period(period)
    total: Counters = dict.fromkeys(names, 0)
    if months:
        row = (
            _rollup_scope(MonthlyRollup.objects.all(), scope)
            .filter(month__gte=months[0], month__lte=months[1])
            .aggregate(**{n: Sum(n) for n in names})
        )
        for n in names:
            total[n] += row[n] or 0
    if partial:
        cols = [c for c in COLUMNS if c.name in names]
        row = _fact_scope(ReportFact.objects.filter(_days_q(partial)), scope).aggregate(
            **{c.name: c.aggregate() for c in cols}
        )
        for n in names:
            total[n] += row[n] or 0
    return total


def grouped(
    kind: str,
    prefix: str,
    period: Period,
    names: tuple[str, ...],
) -> dict[str, Counters]:
    """Counters per rollup key (agency path or region code) starting with ``prefix``
    ("" = all) over the period (≤ 2 queries)."""
    months, partial = split_period(period)
    out: dict[str, Counters] = defaultdict(lambda: dict.fromkeys(names, 0))
    if months:
        qs = (
            MonthlyRollup.objects.filter(kind=kind, key__startswith=prefix)
            .filter(month__gte=months[0], month__lte=months[1])
            .order_by()
            .values("key")
            .annotate(**{n: Sum(n) for n in names})
        )
        for key, *sums in _plain_rows(qs, ("key", *names)):
            out[key] = {n: v or 0 for n, v in zip(names, sums, strict=True)}
    if partial:
        field = "agency_path" if kind == ScopeKey.AGENCY else "region_code"
        cols = [c for c in COLUMNS if c.name in names]
        rows = (
            ReportFact.objects.filter(_days_q(partial))
            .filter(**{f"{field}__startswith": prefix})
            .order_by()
            .values(field)
            .annotate(**{c.name: c.aggregate() for c in cols})
        )
        for row in rows:
            target = out[row[field]]
            for n in names:
                target[n] += row[n] or 0
    return dict(out)


def _plain_rows(qs: QuerySet[Any], columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The rows of a ``values().annotate()`` queryset of plain values (text, integers)
    as tuples in ``columns`` order, without Django's per-value converters: thousands of
    grouped rows cost more to convert than to aggregate."""
    selected = [*qs.query.values_select, *qs.query.annotation_select]
    if selected != list(columns):  # pragma: no cover - a programming error
        raise ValueError(f"columns {selected} != {list(columns)}")
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def durations(c: Counters, key: str) -> Durations:
    counts = [c[f"h{key}_{i}"] for i in range(len(BUCKETS))]
    n = sum(counts)
    if not n:
        return Durations(count=0, median=None, p90=None)
    return Durations(count=n, median=_percentile(counts, n, 0.5), p90=_percentile(counts, n, 0.9))


def _percentile(counts: list[int], n: int, q: float) -> float:
    """Nearest rank: the smallest bucket value with ≥ ceil(q·n) observations at or below."""
    import math

    rank = max(1, math.ceil(q * n))
    running = 0
    for i, count in enumerate(counts):
        running += count
        if running >= rank:
            return float(BUCKET_VALUE[i])
    return float(BUCKET_VALUE[-1])


# ------------------------------------------------------------------------ KPIs


# How far ahead a live figure looks for the next deadline that would change it; with none
# in that span it is recomputed after it anyway (a bounded read, never a scan of every
# open report's future deadline).
HORIZON = timedelta(minutes=15)


def _facts_live(
    qs: QuerySet[ReportFact],
    period: Period,
    partial: list[tuple[date, date]],
    at: datetime,
    now: datetime,
    group: str | None,
) -> tuple[dict[str, Counters], datetime]:
    """From the open facts of the cohort (``qs``, already scoped): the live counts of
    the ``partial`` days as of ``at`` (the whole months come from the live rollups),
    plus, for the whole period, the deadlines between ``at`` and ``now`` (subtracted
    when ``now`` is before ``at``), and the first deadline in [now, now + HORIZON)
    (else now + HORIZON). One query, bounded by the partial days and the window."""
    lo, hi = min(at, now), max(at, now)
    sign = 1 if now >= at else -1
    ahead = now + HORIZON
    window = Q()
    for field_name in LIVE_FIELDS.values():
        window |= Q(**{f"{field_name}__gte": lo, f"{field_name}__lt": max(hi, ahead)})
    partial_q = _days_q(partial)
    aggs: dict[str, Any] = {}
    for name, field_name in LIVE_FIELDS.items():
        cond = live_condition(name)
        aggs[f"p_{name}"] = Count("pk", filter=cond & partial_q & Q(**{f"{field_name}__lt": at}))
        aggs[f"w_{name}"] = Count(
            "pk", filter=cond & Q(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi})
        )
        aggs[f"n_{name}"] = Min(
            field_name, filter=cond & Q(**{f"{field_name}__gte": now, f"{field_name}__lt": ahead})
        )
    base = qs.filter(is_open=True, day__gte=period.start, day__lte=period.end).filter(
        window | partial_q
    )
    rows: Iterable[dict[str, Any]] = (
        base.order_by().values(group).annotate(**aggs) if group else [base.aggregate(**aggs)]
    )
    out: dict[str, Counters] = {}
    upcoming = [ahead]
    for row in rows:
        out[row[group] if group else ""] = {
            n: (row[f"p_{n}"] or 0) + sign * (row[f"w_{n}"] or 0) for n in LIVE_NAMES
        }
        upcoming.extend(row[f"n_{n}"] for n in LIVE_NAMES if row[f"n_{n}"] is not None)
    return out, min(upcoming)


def _live(scope: Scope, period: Period, now: datetime) -> tuple[dict[str, int], datetime | None]:
    """Time-dependent counts over the open reports of the cohort (exact at ``now``), and
    the next moment they may change by the clock alone. Two queries: the live rollups of
    the whole months with the watermark they are as of (one statement, so an advance
    cannot come between them), then :func:`_facts_live`."""
    months, partial = split_period(period)
    sums: dict[str, Any] = {}
    if months:
        scoped = _rollup_scope(LiveRollup.objects.all(), scope).filter(
            month__gte=months[0], month__lte=months[1]
        )
        sums = {
            n: Subquery(scoped.order_by().values("kind").annotate(s=Sum(n)).values("s")[:1])
            for n in LIVE_NAMES
        }
    row = LiveWatermark.objects.filter(pk=1).annotate(**sums).values("at", *sums).first()
    at = row["at"] if row else EPOCH
    counts = {n: (row or {}).get(n) or 0 for n in LIVE_NAMES}
    facts, valid_until = _facts_live(
        _fact_scope(ReportFact.objects.all(), scope), period, partial, at, now, None
    )
    for n in LIVE_NAMES:
        counts[n] += facts.get("", {}).get(n, 0)
    return counts, valid_until


def _as_datetime(value: Any) -> datetime:
    """A timestamp read without Django's converters (SQLite returns text)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    parsed = parse_datetime(str(value))
    if parsed is None:  # pragma: no cover - the column holds timestamps
        raise ValueError(f"not a timestamp: {value!r}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


def live_by_agency(period: Period, now: datetime) -> dict[str, Counters]:
    """Deadlines passed without an answer, per agency subtree path."""
    return live_by_agency_until(period, now)[0]


def live_by_agency_until(
    period: Period, now: datetime
) -> tuple[dict[str, Counters], datetime | None]:
    """:func:`live_by_agency` and the next moment these counts may change by the clock
    alone. Two queries: the live rollups per agency key (with their watermark), and the
    facts' window (:func:`_facts_live`)."""
    months, partial = split_period(period)
    names = ("first_missed", "completion_missed")
    groups: dict[str, Counters] = defaultdict(lambda: dict.fromkeys(names, 0))
    at: datetime | None = None
    if months:
        # The watermark in the same statement as the rows (an advance cannot come
        # between them), on the first row only (one timestamp to parse, not thousands).
        db = connections[router.db_for_read(LiveRollup)]
        ops = db.ops
        wm_table = ops.quote_name(LiveWatermark._meta.db_table)
        # Identifiers from the models' metadata, quoted; values are parameters.
        sql = (
            f"SELECT {ops.quote_name('key')}, SUM(first_missed), SUM(completion_missed), "  # noqa: S608
            f"CASE WHEN ROW_NUMBER() OVER (ORDER BY {ops.quote_name('key')}) = 1 "
            f"THEN (SELECT {ops.quote_name('at')} FROM {wm_table} WHERE id = 1) END "
            f"FROM {ops.quote_name(LiveRollup._meta.db_table)} "
            f"WHERE kind = %s AND month >= %s AND month <= %s "
            f"AND {ops.quote_name('key')} <> '' GROUP BY {ops.quote_name('key')}"
        )
        params = [ScopeKey.AGENCY.value, *(ops.adapt_datefield_value(m) for m in months)]
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            for key, first, completion, stamp in cursor.fetchall():
                groups[key] = {"first_missed": first or 0, "completion_missed": completion or 0}
                if stamp is not None:
                    at = _as_datetime(stamp)
    if at is None:
        # No live rollup row: the watermark alone (an advance adding rows between these
        # two reads would only be possible with deadlines passed in this period).
        at = rollups_watermark()
    facts, valid_until = _facts_live(
        ReportFact.objects.exclude(agency_path=""), period, partial, at, now, "agency_path"
    )
    for key, c in facts.items():
        for n in names:
            groups[key][n] += c[n]
    return subtree_sums(groups, names), valid_until


def _labels(choices: Any) -> dict[str, str]:
    return {str(code): str(label) for code, label in choices}


def compute_kpis(scope: Scope, period: Period, *, now: datetime | None = None) -> Kpis:
    """Cached (:mod:`aduan.stats.cache`) until the figures change or the next deadline
    passes; ``computed_at`` is always ``now`` (the figures are those of ``now``)."""
    from aduan.stats import cache

    now = now or timezone.now()
    parts = (scope.kind, scope.code, period.start, period.end)
    # Two entries: the counters change only with events; the live counts also when a
    # deadline passes (often, for the current year), and are one query to redo.
    c, categories = cache.cached(
        "counters",
        parts,
        lambda: ((counters(scope, period), top_categories(scope, period, limit=None)), None),
    )
    live = cache.cached("live", parts, lambda: _live(scope, period, now), now=now)
    return _kpis(scope, period, c, live, categories, now)


def _kpis(
    scope: Scope,
    period: Period,
    c: Counters,
    live: dict[str, int],
    categories: list[CountLine],
    now: datetime,
) -> Kpis:
    fr_measured = c["fr_measured"] + live["first_missed"]
    completion_measured = c["completion_measured"] + live["completion_missed"]
    channel_labels = _labels(Channel.choices)
    type_labels = _labels(ReportType.choices)
    status_labels = _labels(Status.choices)
    reason_labels = {code: str(label) for code, label in RejectionReason.CHOICES}
    return Kpis(
        scope=scope,
        period=period,
        received=c["received"],
        verified=c["verified"],
        dispatched=c["dispatched"],
        rejected=c["st_rejected"],
        rejected_by_reason=tuple(
            CountLine(r, reason_labels.get(r, r), c[f"rj_{r}"]) for r in REJECTION_REASONS
        ),
        followed_up=c["followed_up"],
        follow_up_rate=_rate(c["followed_up"], c["dispatched"]),
        first_response_on_time=c["fr_on_time"],
        first_response_measured=fr_measured,
        on_time_first_response_rate=_rate(c["fr_on_time"], fr_measured),
        completion_on_time=c["completion_on_time"],
        completion_measured=completion_measured,
        on_time_completion_rate=_rate(c["completion_on_time"], completion_measured),
        verify_days=durations(c, "v"),
        first_response_days=durations(c, "f"),
        completion_days=durations(c, "c"),
        bounced=c["bounced"],
        bounces=c["bounces"],
        bounce_rate=_rate(c["bounced"], c["dispatched"]),
        rated=c["rated"],
        satisfaction_avg=_rate(c["rating_sum"], c["rated"]),
        satisfied_rate=_rate(c["satisfied"], c["rated"]),
        resolved_answered=c["resolved_answered"],
        resolved_yes=c["resolved_yes"],
        resolved_share=_rate(c["resolved_yes"], c["resolved_answered"]),
        backlog=c["open"],
        overdue=live["overdue"],
        by_channel=tuple(CountLine(k, channel_labels[k], c[f"ch_{k}"]) for k in CHANNELS),
        by_category=tuple(categories),
        by_type=tuple(CountLine(k, type_labels[k], c[f"ty_{k}"]) for k in TYPES),
        by_status=tuple(CountLine(k, status_labels[k], c[f"st_{k}"]) for k in STATUSES),
        computed_at=now,
    )


def top_categories(scope: Scope, period: Period, *, limit: int | None = 10) -> list[CountLine]:
    """Received reports per category, largest first (≤ 3 queries)."""
    months, partial = split_period(period)
    totals: dict[int, int] = defaultdict(int)  # 0 = not categorised
    if months:
        rows = (
            _rollup_scope(CategoryRollup.objects.all(), scope)
            .filter(month__gte=months[0], month__lte=months[1])
            .order_by()
            .values("category_id")
            .annotate(n=Sum("received"))
        )
        for row in rows:
            totals[row["category_id"] or 0] += row["n"] or 0
    if partial:
        rows = (
            _fact_scope(ReportFact.objects.filter(_days_q(partial)), scope)
            .order_by()
            .values("category_id")
            .annotate(n=CATEGORY_COLUMNS[0].aggregate())
        )
        for row in rows:
            totals[row["category_id"] or 0] += row["n"] or 0
    known = {
        pk: (code, name)
        for pk, code, name in Category.objects.filter(pk__in=[k for k in totals if k]).values_list(
            "pk", "code", "name"
        )
    }
    uncategorised = ("", _("Belum dikategorikan"))
    lines = [CountLine(*known.get(pk, uncategorised), n) for pk, n in totals.items() if n]
    lines.sort(key=lambda line: (-line.count, line.label))
    return lines if limit is None else lines[:limit]


# ---------------------------------------------------------------- trends, drill


TREND_NAMES = ("received", "dispatched", "followed_up", "fr_measured", "fr_on_time")


def monthly_trend(scope: Scope, period: Period) -> list[TrendPoint]:
    """Whole months overlapping the period (an explicit range's partial first/last
    month shows the whole month). On-time first response here counts answered reports
    only (no live part). One query; cached (:mod:`aduan.stats.cache`)."""
    from aduan.stats import cache

    return cache.cached(
        "trend",
        (scope.kind, scope.code, period.start, period.end),
        lambda: (_monthly_trend(scope, period), None),
    )


def _monthly_trend(scope: Scope, period: Period) -> list[TrendPoint]:
    first, last = _month_start(period.start), _month_start(period.end)
    rows = (
        _rollup_scope(MonthlyRollup.objects.all(), scope)
        .filter(month__gte=first, month__lte=last)
        .order_by()
        .values("month")
        .annotate(**{n: Sum(n) for n in TREND_NAMES})
    )
    by_month = {row["month"]: row for row in rows}
    points = []
    month = first
    while month <= last:
        row = by_month.get(month) or dict.fromkeys(TREND_NAMES, 0)
        points.append(
            TrendPoint(
                month=month,
                received=row["received"] or 0,
                dispatched=row["dispatched"] or 0,
                followed_up=row["followed_up"] or 0,
                follow_up_rate=_rate(row["followed_up"] or 0, row["dispatched"] or 0),
                on_time_first_response_rate=_rate(row["fr_on_time"] or 0, row["fr_measured"] or 0),
            )
        )
        month = _next_month(month)
    return points


CHILD_NAMES = (
    "received",
    "dispatched",
    "followed_up",
    "fr_measured",
    "fr_on_time",
    "bounced",
    "open",
)


def _child_row(scope: Scope, c: Counters) -> ChildRow:
    return ChildRow(
        scope=scope,
        received=c["received"],
        dispatched=c["dispatched"],
        followed_up=c["followed_up"],
        follow_up_rate=_rate(c["followed_up"], c["dispatched"]),
        on_time_first_response_rate=_rate(c["fr_on_time"], c["fr_measured"]),
        bounce_rate=_rate(c["bounced"], c["dispatched"]),
        backlog=c["open"],
    )


def _sum_into(
    groups: dict[str, Counters], assign: Callable[[str], Iterable[str]], names: tuple[str, ...]
) -> dict[str, Counters]:
    out: dict[str, Counters] = defaultdict(lambda: dict.fromkeys(names, 0))
    for key, c in groups.items():
        for target in assign(key):
            bucket = out[target]
            for n in names:
                bucket[n] += c[n]
    return out


def children(scope: Scope, period: Period, *, now: datetime | None = None) -> list[ChildRow]:
    """On-time first response in drill-down rows counts answered reports only (no clock
    part), so the rows are cached (:mod:`aduan.stats.cache`) until the figures change."""
    from aduan.stats import cache

    return cache.cached(
        "children",
        (scope.kind, scope.code, period.start, period.end),
        lambda: (_children(scope, period), None),
    )


def _children(scope: Scope, period: Period) -> list[ChildRow]:
    empty = dict.fromkeys(CHILD_NAMES, 0)
    if scope.kind == "national" or (scope.kind == "region" and scope.level == "province"):
        if scope.kind == "national":
            regions = list(Region.objects.filter(level=Region.Level.PROVINCE))
            prefix = ""
        else:
            regions = list(Region.objects.filter(parent_id=scope.code))
            prefix = f"{scope.code}."
        wanted = {r.code for r in regions}
        groups = grouped(ScopeKey.REGION, prefix, period, CHILD_NAMES)
        if scope.kind == "national":
            sums = _sum_into(groups, lambda k: [k.split(".", 1)[0]], CHILD_NAMES)
        else:
            sums = _sum_into(groups, lambda k: [k] if k in wanted else [], CHILD_NAMES)
        national = national_scope()
        return [
            _child_row(region_scope_of(r, national), sums.get(r.code, empty))
            for r in sorted(regions, key=lambda r: r.name)
        ]
    if scope.kind == "agency":
        agencies = list(Agency.objects.filter(parent_id=scope.agency_id))
        groups = grouped(ScopeKey.AGENCY, scope.agency_path, period, CHILD_NAMES)
        return _agency_rows(agencies, groups)
    return []


def _ancestors(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


# What the agency tables and the compliance index read from every agency's rollups: one
# query serves both (cached, see agency_groups).
AGENCY_NAMES = (
    *CHILD_NAMES,
    "completion_measured",
    "completion_on_time",
    "rated",
    "rating_sum",
)


def agency_groups(period: Period) -> dict[str, Counters]:
    """:func:`grouped` counters (:data:`AGENCY_NAMES`) per agency path (where reports
    are handled), cached (:mod:`aduan.stats.cache`): the national page's agency table
    and compliance index, and the region pages, share one query (≤ 2 queries)."""
    from aduan.stats import cache

    return cache.cached(
        "agency_groups",
        (period.start, period.end),
        lambda: (grouped(ScopeKey.AGENCY, "", period, AGENCY_NAMES), None),
    )


def subtree_sums(groups: dict[str, Counters], names: tuple[str, ...]) -> dict[str, Counters]:
    """Counters per agency path summed into every ancestor path (an agency's figures
    are its whole subtree's): :func:`_sum_into` with :func:`_ancestors`, on lists."""
    acc: dict[str, list[int]] = {}
    for key, c in groups.items():
        values = [c[n] for n in names]
        prefix = "/"
        for part in key.split("/"):
            if not part:
                continue
            prefix = f"{prefix}{part}/"
            current = acc.get(prefix)
            if current is None:
                acc[prefix] = values.copy()
            else:
                for i, v in enumerate(values):
                    current[i] += v
    return {path: dict(zip(names, v, strict=True)) for path, v in acc.items()}


def agency_subtrees(period: Period) -> dict[str, Counters]:
    """:data:`AGENCY_NAMES` of every agency subtree, keyed by agency path: what the
    agency tables (national, region pages) and the compliance index read; computed once
    per version of the figures (:mod:`aduan.stats.cache`)."""
    from aduan.stats import cache

    return cache.cached(
        "agency_subtrees",
        (period.start, period.end),
        lambda: (subtree_sums(agency_groups(period), AGENCY_NAMES), None),
    )


def agency_sums(period: Period, names: tuple[str, ...]) -> dict[str, Counters]:
    """Counters of every agency subtree, keyed by agency path (≤ 2 queries)."""
    if set(names) <= set(AGENCY_NAMES):
        return agency_subtrees(period)
    return subtree_sums(grouped(ScopeKey.AGENCY, "", period, names), names)


def _agency_rows(agencies: list[Agency], groups: dict[str, Counters]) -> list[ChildRow]:
    wanted = {a.path for a in agencies}
    sums = _sum_into(groups, lambda k: [p for p in _ancestors(k) if p in wanted], CHILD_NAMES)
    empty = dict.fromkeys(CHILD_NAMES, 0)
    national = national_scope()
    return [
        _child_row(agency_scope_of(a, national), sums.get(a.path, empty))
        for a in sorted(agencies, key=lambda a: a.name)
    ]


def top_agencies(period: Period, *, region: Scope | None = None) -> list[ChildRow]:
    """Cached (:mod:`aduan.stats.cache`): reads every agency's rollups; no clock part."""
    from aduan.stats import cache

    return cache.cached(
        "top_agencies",
        (period.start, period.end, region.code if region else ""),
        lambda: (_top_agencies(period, region=region), None),
    )


def _top_agencies(period: Period, *, region: Scope | None = None) -> list[ChildRow]:
    qs = Agency.objects.exclude(kind__in=(Agency.Kind.DESK,))
    if region is None:
        qs = qs.filter(parent__isnull=True)
    else:
        qs = qs.exclude(kind=Agency.Kind.UNIT).filter(
            Q(region_id=region.code) | Q(region__code__startswith=f"{region.code}.")
        )
    # Plain tuples: hundreds of model instances cost more than the sums themselves.
    agencies = sorted(qs.values_list("pk", "code", "name", "kind", "path"), key=lambda a: a[2])
    sums = agency_subtrees(period)
    empty = dict.fromkeys(CHILD_NAMES, 0)
    top = national_scope().crumbs[0]
    return [
        _child_row(
            Scope(
                kind="agency",
                code=code,
                name=name,
                level=kind,
                crumbs=(top, Crumb("agency", code, name)),
                agency_id=pk,
                agency_path=path,
            ),
            sums.get(path, empty),
        )
        for pk, code, name, kind, path in agencies
    ]
