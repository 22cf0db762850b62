"""Keeping the statistics rollups consistent with the reports.

Upkeep: :func:`on_events_recorded` is a lifecycle hook subscriber (registered in
``StatsConfig.ready``); it runs inside the transaction that wrote the event, recomputes
the report's :class:`~aduan.stats.models.ReportFact` from the report row and applies
the difference between the old and the new fact's contributions to the two
:class:`~aduan.stats.models.MonthlyRollup` rows (agency key, region key) and the
:class:`~aduan.stats.models.CategoryRollup` rows. Rollups therefore commit or roll back
together with the change. History replayed under ``hooks.suppressed()`` (demo data,
bulk import) is not seen by the hook: those commands call :func:`rebuild` afterwards.

Live counts (overdue, deadlines missed without an answer) change by the clock alone.
:class:`~aduan.stats.models.LiveRollup` holds them as of the watermark
(:class:`~aduan.stats.models.LiveWatermark`): events apply their differences at the
watermark, and :func:`advance` (every minute from the worker, or ``aduan stats tick``)
adds the deadlines that passed since and moves the watermark to now. A reader adds the
deadlines between the watermark and ``now`` from the facts (a partial index on each
deadline of the open facts), so the figures are exact at any moment and the read is
bounded by the deadlines of the last minute, not by the open reports. An advisory lock
(PostgreSQL; SQLite serialises writers anyway) keeps an advance from interleaving with
an event: events take it shared, :func:`advance` and the rebuild exclusively.

Recompute: :func:`rebuild` rewrites every fact from the raw reports and every rollup
from the facts; :func:`check` does the same computation without writing and returns the
drift (``aduan stats rebuild --check``), live rollups at the stored watermark included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, router, transaction
from django.db.models import F, Field, Model, Q
from django.utils import timezone

from aduan.core.prepared import insert_for
from aduan.reports.models import Report, ReportEvent
from aduan.sla import calendar
from aduan.stats import cache as stats_cache
from aduan.stats.columns import (
    CATEGORY_COLUMN_NAMES,
    CATEGORY_COLUMNS,
    COLUMN_NAMES,
    COLUMNS,
    LIVE_FIELDS,
    LIVE_NAMES,
    OPEN_STATUSES,
    contribution,
    live_aggregates,
    live_contribution,
)
from aduan.stats.models import (
    CategoryRollup,
    LiveRollup,
    LiveWatermark,
    MonthlyRollup,
    PendingFact,
    ReportFact,
    ScopeKey,
)

WIB = ZoneInfo("Asia/Jakarta")
DESK_TZ = "Asia/Jakarta"
CHUNK = 5000

REPORT_FIELDS = (
    "pk",
    "submitted_at",
    "verified_at",
    "dispatched_at",
    "first_response_at",
    "responded_at",
    "closed_at",
    "due_at",
    "first_response_due_at",
    "completion_due_at",
    "status",
    "rejection_reason",
    "channel",
    "type",
    "category_id",
    "region_id",
    "bounce_count",
    "rating",
    "resolved",
    "agency__path",
    "agency__time_zone",
)
FACT_FIELDS = tuple(f.attname for f in ReportFact._meta.concrete_fields if f.attname != "report_id")
# The watermark before any advance: every live count is zero as of then.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_LOCK_KEY = 0x41_44_55_4C  # the advisory lock of the live rollups ("ADUL")
# An advance over a longer span than this rewrites the live rollups in one grouped pass.
REWRITE_AFTER = timedelta(hours=6)


# ------------------------------------------------------------------ working days


class _WorkingDayTable:
    """Cumulative working-day counts so a duration is two lookups, not a day loop.
    Rebuilt when the cuti bersama data changes (same cache as the SLA calendar)."""

    FIRST = date(2000, 1, 1)
    LAST = date(2045, 12, 31)

    def __init__(self) -> None:
        self._leave: frozenset[date] | None = None
        self._cum: list[int] = []

    def _table(self) -> list[int]:
        leave = calendar.collective_leave_dates()
        if leave is not self._leave:
            cum, total, day = [], 0, self.FIRST
            while day <= self.LAST:
                if calendar.is_working_day(day):
                    total += 1
                cum.append(total)
                day += timedelta(days=1)
            self._cum, self._leave = cum, leave
        return self._cum

    def between(self, start: datetime, end: datetime, tz: str) -> int:
        first, last = calendar.local_date(start, tz), calendar.local_date(end, tz)
        if last <= first:
            return 0
        if first < self.FIRST or last > self.LAST:
            return calendar.working_days_between(start, end, tz)
        cum = self._table()
        return cum[(last - self.FIRST).days] - cum[(first - self.FIRST).days]


working_days = _WorkingDayTable()


# ------------------------------------------------------------------------- facts


def compute_fact(row: dict[str, Any]) -> dict[str, Any]:
    """The fact of one report (``row``: :data:`REPORT_FIELDS` values)."""
    submitted: datetime = row["submitted_at"]
    local_day = submitted.astimezone(WIB).date()
    tz = row["agency__time_zone"] or DESK_TZ
    status = row["status"]
    dispatched_at, first_at = row["dispatched_at"], row["first_response_at"]
    responded_at = row["responded_at"]
    verified_at = row["verified_at"]
    decided_at = verified_at or (row["closed_at"] if status == "rejected" else None)
    dispatched = dispatched_at is not None
    first_due, completion_due = row["first_response_due_at"], row["completion_due_at"]
    followed_up = dispatched and responded_at is not None
    return {
        "month": local_day.replace(day=1),
        "day": local_day,
        "agency_path": row["agency__path"] or "",
        "region_code": row["region_id"] or "",
        "category_id": row["category_id"],
        "channel": row["channel"],
        "type": row["type"],
        "status": status,
        "rejection_reason": row["rejection_reason"] if status == "rejected" else "",
        "verified": verified_at is not None or dispatched,
        "dispatched": dispatched,
        "followed_up": followed_up,
        "first_response_on_time": (
            first_at <= first_due if dispatched and first_at and first_due else None
        ),
        "completion_on_time": (
            responded_at <= completion_due if followed_up and completion_due else None
        ),
        "verify_wd": (working_days.between(submitted, decided_at, DESK_TZ) if decided_at else None),
        "first_response_wd": (
            working_days.between(dispatched_at, first_at, tz)
            if dispatched_at and first_at
            else None
        ),
        "completion_wd": (
            working_days.between(dispatched_at, responded_at, tz) if followed_up else None
        ),
        "bounce_count": row["bounce_count"],
        "rating": row["rating"],
        "resolved": row["resolved"],
        "is_open": status in OPEN_STATUSES,
        "due_at": row["due_at"],
        "first_response_due_at": first_due if dispatched else None,
        "completion_due_at": completion_due if dispatched else None,
        "first_response_given": first_at is not None,
    }


def _report_rows(ids: Iterable[int] | None = None) -> Iterator[dict[str, Any]]:
    qs = Report.objects.order_by("pk")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    yield from qs.values(*REPORT_FIELDS).iterator(chunk_size=CHUNK)


# ------------------------------------------------------------- incremental upkeep

RollupKey = tuple[str, str, date]  # kind, key, month
CategoryKey = tuple[str, str, date, int]


@dataclass
class _Deltas:
    rollups: dict[RollupKey, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    categories: dict[CategoryKey, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    live: dict[RollupKey, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )

    def add_live(self, fact: dict[str, Any], sign: int, at: datetime) -> None:
        """The fact's live counts as of ``at``."""
        counts = live_contribution(fact, at)
        if not any(counts.values()):
            return
        for kind, key in _keys(fact):
            target = self.live[(kind, key, fact["month"])]
            for name, value in counts.items():
                if value:
                    target[name] += sign * value

    def add(self, fact: dict[str, Any], sign: int) -> None:
        main = contribution(COLUMNS, fact)
        cat = contribution(CATEGORY_COLUMNS, fact)
        for kind, key in _keys(fact):
            target = self.rollups[(kind, key, fact["month"])]
            for name, value in main.items():
                if value:
                    target[name] += sign * value
            ctarget = self.categories[(kind, key, fact["month"], fact["category_id"] or 0)]
            for name, value in cat.items():
                if value:
                    ctarget[name] += sign * value


def _keys(fact: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return (
        (ScopeKey.ALL, ""),
        (ScopeKey.AGENCY, fact["agency_path"]),
        (ScopeKey.REGION, fact["region_code"]),
    )


def _lock(*, exclusive: bool) -> None:
    """The live rollups' advisory lock, until the transaction ends (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    name = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name}(%s)", [_LOCK_KEY])


def watermark() -> datetime:
    """The moment the live rollups are as of."""
    at = LiveWatermark.objects.filter(pk=1).values_list("at", flat=True).first()
    return at or EPOCH


def advance(to: datetime | None = None) -> int:
    """Count the deadlines that passed between the watermark and ``to`` (default: now)
    into the live rollups and move the watermark there. Returns how many facts had a
    deadline in that window (or, after a long pause, how many rows were rewritten).
    Cheap when run often (the worker runs it every minute)."""
    to = to or timezone.now()
    with transaction.atomic():
        _lock(exclusive=True)
        at = watermark()
        if to <= at:
            return 0
        if to - at > REWRITE_AFTER:
            # First advance, or none for a long time: one grouped pass over the open
            # facts beats applying a day's worth of deadlines one rollup row at a time.
            return _rewrite_live(to)
        window = Q()
        for field_name in LIVE_FIELDS.values():
            window |= Q(**{f"{field_name}__gte": at, f"{field_name}__lt": to})
        deltas = _Deltas()
        seen = 0
        rows = ReportFact.objects.filter(window, is_open=True).values(*FACT_FIELDS)
        for fact in rows.iterator(chunk_size=CHUNK):
            seen += 1
            deltas.add_live(fact, -1, at)
            deltas.add_live(fact, +1, to)
        _apply(deltas)
        LiveWatermark.objects.update_or_create(pk=1, defaults={"at": to})
    return seen


def _rewrite_live(at: datetime) -> int:
    """Replace the live rollups by their values as of ``at`` and move the watermark there
    (under the exclusive lock). Returns how many rows were written."""
    rows = _live_from_facts(at)
    LiveRollup.objects.all().delete()
    _insert(
        LiveRollup,
        ["kind", "key", "month", *LIVE_NAMES],
        [[k, key, m, *v] for (k, key, m), v in rows.items()],
    )
    LiveWatermark.objects.update_or_create(pk=1, defaults={"at": at})
    return len(rows)


def deferred() -> bool:
    return bool(getattr(settings, "ADUAN_STATS_DEFERRED", False))


def on_events_recorded(events: list[ReportEvent]) -> None:
    """Hook subscriber: refresh the reports' facts and the rollups they count in — in the
    events' transaction, or (``ADUAN_STATS_DEFERRED``) mark the reports for :func:`drain`:
    one insert instead of a dozen queries and the rollup rows' locks, so the events'
    transaction (and the event chain's head, locked until it commits) ends sooner."""
    ids = list(dict.fromkeys(event.report_id for event in events))
    if deferred():
        if len(ids) == 1:  # every submission: the statement written once
            mark = insert_for(PendingFact._meta.label, ignore_conflicts=True)
            mark(PendingFact(report_id=ids[0]), using=router.db_for_write(PendingFact))
        else:
            PendingFact.objects.bulk_create(
                [PendingFact(report_id=pk) for pk in ids], ignore_conflicts=True
            )
        return
    refresh(ids)


DRAIN_BATCH = 2000


def drain(*, limit: int | None = None) -> int:
    """Refresh the facts of the marked reports, a batch per transaction; returns how many
    reports were refreshed. Several workers may drain at once (``SKIP LOCKED``)."""
    done = 0
    while limit is None or done < limit:
        with transaction.atomic():
            batch = PendingFact.objects.order_by("marked_at")
            if connection.features.has_select_for_update_skip_locked:
                batch = batch.select_for_update(skip_locked=True)
            ids = list(batch.values_list("report_id", flat=True)[:DRAIN_BATCH])
            if not ids:
                break
            refresh(ids)
            PendingFact.objects.filter(report_id__in=ids).delete()
        done += len(ids)
    return done


def refresh(report_ids: Iterable[int]) -> int:
    """Recompute the facts of these reports and apply the differences to the rollups.
    Returns how many facts changed. Runs in (or opens) a transaction."""
    ids = list(report_ids)
    changed = 0
    with transaction.atomic():
        new_facts = {row["pk"]: compute_fact(row) for row in _report_rows(ids)}
        old_facts = {
            row.pop("report_id"): row
            for row in ReportFact.objects.select_for_update()
            .filter(report_id__in=ids)
            .values("report_id", *FACT_FIELDS)
        }
        deltas = _Deltas()
        at: datetime | None = None
        for pk, new in new_facts.items():
            old = old_facts.get(pk)
            if old == new:
                continue
            if at is None:
                # Before any write: an advance either finished (its watermark is read
                # here) or waits for this transaction (it then sees the new facts).
                _lock(exclusive=False)
                at = watermark()
            changed += 1
            if old is not None:
                deltas.add(old, -1)
                deltas.add_live(old, -1, at)
                ReportFact.objects.filter(report_id=pk).update(**new)
            else:
                ReportFact.objects.create(report_id=pk, **new)
            deltas.add(new, +1)
            deltas.add_live(new, +1, at)
        _apply(deltas)
        if changed:
            stats_cache.bump()
    return changed


def _apply(deltas: _Deltas) -> None:
    targets: list[tuple[type[Model], tuple[str, ...], dict[Any, dict[str, int]]]] = [
        (MonthlyRollup, ("kind", "key", "month"), deltas.rollups),
        (CategoryRollup, ("kind", "key", "month", "category_id"), deltas.categories),
        (LiveRollup, ("kind", "key", "month"), deltas.live),
    ]
    for model, names, table in targets:
        for key, counters in table.items():
            changes = {n: F(n) + v for n, v in counters.items() if v}
            if not changes:
                continue
            row = dict(zip(names, key, strict=True))
            # The row may not exist yet: create it empty (racing creators are harmless),
            # then add in the database so concurrent writers' increments both count.
            model._default_manager.bulk_create([model(**row)], ignore_conflicts=True)
            model._default_manager.filter(**row).update(**changes)


def refresh_missing() -> int:
    """Build the facts (and rollup contributions) of reports that have none: reports
    created while hooks were suppressed (demo seeding, bulk import). Returns how many."""
    from django.db.models import Exists, OuterRef

    done = 0
    while True:
        ids = list(
            Report.objects.filter(~Exists(ReportFact.objects.filter(report_id=OuterRef("pk"))))
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return done
        refresh(ids)
        done += len(ids)


# ---------------------------------------------------------------- full recompute


@dataclass
class Drift:
    facts_checked: int = 0
    facts_missing: int = 0
    facts_stale: int = 0
    facts_orphan: int = 0
    rollup_rows_checked: int = 0
    rollup_rows_wrong: int = 0
    category_rows_wrong: int = 0
    live_rows_wrong: int = 0
    watermark: datetime | None = None
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            self.facts_missing
            + self.facts_stale
            + self.facts_orphan
            + self.rollup_rows_wrong
            + self.category_rows_wrong
            + self.live_rows_wrong
        )

    def note(self, text: str) -> None:
        if len(self.examples) < 20:
            self.examples.append(text)


def _computed_facts() -> Iterator[tuple[int, dict[str, Any]]]:
    for row in _report_rows():
        yield row["pk"], compute_fact(row)


# Each rollup kind and the fact column that keys it (none: the national total).
_KEY_KINDS: tuple[tuple[ScopeKey, str | None], ...] = (
    (ScopeKey.ALL, None),
    (ScopeKey.AGENCY, "agency_path"),
    (ScopeKey.REGION, "region_code"),
)


def _rollups_from_facts() -> tuple[
    dict[RollupKey, tuple[int, ...]], dict[CategoryKey, tuple[int, ...]]
]:
    """Every rollup row as aggregated from the stored facts (one grouped query per key
    kind and table)."""
    main: dict[RollupKey, tuple[int, ...]] = {}
    cats: dict[CategoryKey, tuple[int, ...]] = {}
    main_aggs = {c.name: c.aggregate() for c in COLUMNS}
    cat_aggs = {c.name: c.aggregate() for c in CATEGORY_COLUMNS}
    for kind, field_name in _KEY_KINDS:
        by = [field_name] if field_name else []
        for row in ReportFact.objects.order_by().values("month", *by).annotate(**main_aggs):
            key = row[field_name] if field_name else ""
            main[(str(kind), key, row["month"])] = tuple(row[n] for n in COLUMN_NAMES)
        for row in (
            ReportFact.objects.order_by().values("month", *by, "category_id").annotate(**cat_aggs)
        ):
            key = row[field_name] if field_name else ""
            cats[(str(kind), key, row["month"], row["category_id"] or 0)] = tuple(
                row[n] for n in CATEGORY_COLUMN_NAMES
            )
    return main, cats


def _live_from_facts(at: datetime) -> dict[RollupKey, tuple[int, ...]]:
    """The live rollups as of ``at``, aggregated from the stored open facts (rows with
    a non-zero count only)."""
    out: dict[RollupKey, tuple[int, ...]] = {}
    aggs = live_aggregates(at)
    for kind, field_name in _KEY_KINDS:
        by = [field_name] if field_name else []
        rows = ReportFact.objects.filter(is_open=True).order_by().values("month", *by)
        for row in rows.annotate(**aggs):
            values = tuple(row[n] for n in LIVE_NAMES)
            if any(values):
                key = row[field_name] if field_name else ""
                out[(str(kind), key, row["month"])] = values
    return out


def _stored_live() -> dict[RollupKey, tuple[int, ...]]:
    return {
        (r["kind"], r["key"], r["month"]): tuple(r[n] for n in LIVE_NAMES)
        for r in LiveRollup.objects.values("kind", "key", "month", *LIVE_NAMES)
    }


def _stored_rollups() -> tuple[
    dict[RollupKey, tuple[int, ...]], dict[CategoryKey, tuple[int, ...]]
]:
    main = {
        (r["kind"], r["key"], r["month"]): tuple(r[n] for n in COLUMN_NAMES)
        for r in MonthlyRollup.objects.values("kind", "key", "month", *COLUMN_NAMES)
    }
    cats = {
        (r["kind"], r["key"], r["month"], r["category_id"]): tuple(
            r[n] for n in CATEGORY_COLUMN_NAMES
        )
        for r in CategoryRollup.objects.values(
            "kind", "key", "month", "category_id", *CATEGORY_COLUMN_NAMES
        )
    }
    return main, cats


def _compare(
    expected: dict[Any, tuple[int, ...]],
    stored: dict[Any, tuple[int, ...]],
    names: tuple[str, ...],
    drift: Drift,
    label: str,
) -> int:
    wrong = 0
    for key in set(expected) | set(stored):
        want = expected.get(key, (0,) * len(names))
        have = stored.get(key, (0,) * len(names))
        if want != have:
            wrong += 1
            diff = {n: (h, w) for n, h, w in zip(names, have, want, strict=True) if h != w}
            drift.note(f"{label} {key}: stored→expected {diff}")
    return wrong


def check() -> Drift:
    """Recompute everything from raw reports without writing; return the drift. (An
    event or an advance while it runs may show as drift: run it again to confirm.)
    Marked reports are refreshed first: their facts are due, not drift."""
    drain()
    drift = Drift()
    drift.watermark = watermark()
    stored_iter = ReportFact.objects.order_by("report_id").values("report_id", *FACT_FIELDS)
    stored: dict[int, dict[str, Any]] = {}
    seen: set[int] = set()
    buffer: list[tuple[int, dict[str, Any]]] = []

    def flush() -> None:
        if not buffer:
            return
        ids = [pk for pk, _f in buffer]
        stored.clear()
        for row in stored_iter.filter(report_id__in=ids):
            stored[row.pop("report_id")] = row
        for pk, fact in buffer:
            have = stored.get(pk)
            if have is None:
                drift.facts_missing += 1
                drift.note(f"fact missing for report {pk}")
            elif have != fact:
                drift.facts_stale += 1
                diff = {k: (have[k], v) for k, v in fact.items() if have[k] != v}
                drift.note(f"fact of report {pk}: stored→expected {diff}")
        buffer.clear()

    for pk, fact in _computed_facts():
        drift.facts_checked += 1
        seen.add(pk)
        buffer.append((pk, fact))
        if len(buffer) >= CHUNK:
            flush()
    flush()
    drift.facts_orphan = ReportFact.objects.count() - (drift.facts_checked - drift.facts_missing)
    expected_main, expected_cats = _rollups_from_facts()
    stored_main, stored_cats = _stored_rollups()
    drift.rollup_rows_checked = len(expected_main)
    drift.rollup_rows_wrong = _compare(expected_main, stored_main, COLUMN_NAMES, drift, "rollup")
    drift.category_rows_wrong = _compare(
        expected_cats, stored_cats, CATEGORY_COLUMN_NAMES, drift, "category rollup"
    )
    drift.live_rows_wrong = _compare(
        _live_from_facts(drift.watermark), _stored_live(), LIVE_NAMES, drift, "live rollup"
    )
    return drift


def _insert(model: type[Model], columns: list[str], rows: list[list[Any]]) -> None:
    """Plain multi-row insert (COPY on PostgreSQL): bulk_create's per-value machinery
    costs minutes at a million rows. Values are adapted per column type here."""
    if not rows:
        return
    fields = [cast(Field[Any, Any], model._meta.get_field(c)) for c in columns]
    ops = connection.ops
    adapters: list[Any] = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        else:
            adapters.append(None)
    names = ", ".join(ops.quote_name(f.column) for f in fields)
    table = ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapted = [
            [v if a is None or v is None else a(v) for a, v in zip(adapters, row, strict=True)]
            for row in rows
        ]
        marks = ", ".join(["%s"] * len(columns))
        # Identifiers come from the model's metadata, quoted; values are parameters.
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, adapted)


def rebuild() -> tuple[int, int]:
    """Rewrite all facts from raw reports and all rollups from the facts, in one
    transaction. Returns (facts, rollup rows)."""
    columns = ["report_id", *FACT_FIELDS]
    with transaction.atomic():
        ReportFact.objects.all().delete()
        batch: list[list[Any]] = []
        facts = 0
        for pk, fact in _computed_facts():
            batch.append([pk, *(fact[f] for f in FACT_FIELDS)])
            if len(batch) >= CHUNK:
                _insert(ReportFact, columns, batch)
                facts += len(batch)
                batch = []
        _insert(ReportFact, columns, batch)
        facts += len(batch)
        return facts, rebuild_rollups()


def rebuild_rollups() -> int:
    """Rewrite the rollup tables from the stored facts."""
    main, cats = _rollups_from_facts()
    with transaction.atomic():
        _lock(exclusive=True)
        _rewrite_live(timezone.now())
        MonthlyRollup.objects.all().delete()
        CategoryRollup.objects.all().delete()
        _insert(
            MonthlyRollup,
            ["kind", "key", "month", *COLUMN_NAMES],
            [[k, key, m, *v] for (k, key, m), v in main.items()],
        )
        _insert(
            CategoryRollup,
            ["kind", "key", "month", "category_id", *CATEGORY_COLUMN_NAMES],
            [[k, key, m, c, *v] for (k, key, m, c), v in cats.items()],
        )
        stats_cache.bump()
    return len(main)


__all__ = [
    "Drift",
    "advance",
    "check",
    "compute_fact",
    "on_events_recorded",
    "rebuild",
    "refresh",
    "refresh_missing",
    "watermark",
]
