"""The counters kept in the rollups, defined once and used three ways.

Each :class:`Col` is a tiny predicate over one :class:`~aduan.stats.models.ReportFact`
row. The same definition gives (1) the contribution of one fact to a rollup row, in
Python, when a lifecycle event changes a fact (incremental upkeep), (2) a SQL aggregate
over facts (full rebuild, ``--check`` and non-month-aligned periods), and (3) the
rollup model's columns. Keeping a single definition is what makes "rollups == full
recompute" hold by construction.

Duration histograms: exact one-working-day buckets 0..30, then 31–40, 41–50, 51–60,
61–90, 91–120, 121–180 and 181+ (see :data:`BUCKETS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

Op = Literal["count", "true", "notnull", "eq", "range", "sum", "gte"]

CHANNELS = (
    "web",
    "api",
    "mobile",
    "sms",
    "chat",
    "email",
    "open311",
    "agency_app",
    "import",
)
TYPES = ("complaint", "aspiration", "info_request")
STATUSES = (
    "submitted",
    "needs_info",
    "rejected",
    "dispatched",
    "in_progress",
    "responded",
    "closed",
    "escalated",
    "archived",
)
OPEN_STATUSES = ("submitted", "needs_info", "dispatched", "in_progress", "responded", "escalated")
REJECTION_REASONS = ("incomplete", "out_of_scope", "abusive", "spam")

# (low, high) inclusive working-day bounds of each histogram bucket.
BUCKETS: tuple[tuple[int, int], ...] = (
    *((d, d) for d in range(31)),
    (31, 40),
    (41, 50),
    (51, 60),
    (61, 90),
    (91, 120),
    (121, 180),
    (181, 1_000_000),
)
# Value reported for an observation in a bucket (its upper bound; 181+ → 181).
BUCKET_VALUE: tuple[int, ...] = tuple(hi if hi < 1_000_000 else lo for lo, hi in BUCKETS)
DURATIONS = {"v": "verify_wd", "f": "first_response_wd", "c": "completion_wd"}


@dataclass(frozen=True)
class Col:
    name: str
    op: Op
    field: str = ""
    value: Any = None
    high: Any = None

    def of(self, fact: Mapping[str, Any]) -> int:
        """This counter's contribution of one fact (a dict of fact fields)."""
        if self.op == "count":
            return 1
        current = fact[self.field]
        if self.op == "true":
            return 1 if current is True else 0
        if self.op == "notnull":
            return 0 if current is None else 1
        if self.op == "eq":
            return 1 if current == self.value else 0
        if self.op == "gte":
            return 1 if current is not None and current >= self.value else 0
        if self.op == "range":
            return 1 if current is not None and self.value <= current <= self.high else 0
        return int(current or 0)  # sum

    def aggregate(self) -> Any:
        """The same counter as a SQL aggregate over facts."""
        if self.op == "count":
            return Count("pk")
        if self.op == "sum":
            return Coalesce(Sum(self.field), 0)
        if self.op == "true":
            condition = Q(**{self.field: True})
        elif self.op == "notnull":
            condition = Q(**{f"{self.field}__isnull": False})
        elif self.op == "eq":
            condition = Q(**{self.field: self.value})
        elif self.op == "gte":
            condition = Q(**{f"{self.field}__gte": self.value})
        else:
            condition = Q(**{f"{self.field}__gte": self.value, f"{self.field}__lte": self.high})
        return Count("pk", filter=condition)


COLUMNS: tuple[Col, ...] = (
    Col("received", "count"),
    Col("verified", "true", "verified"),
    Col("dispatched", "true", "dispatched"),
    Col("followed_up", "true", "followed_up"),
    Col("fr_measured", "notnull", "first_response_on_time"),
    Col("fr_on_time", "true", "first_response_on_time"),
    Col("completion_measured", "notnull", "completion_on_time"),
    Col("completion_on_time", "true", "completion_on_time"),
    Col("bounced", "gte", "bounce_count", 1),
    Col("bounces", "sum", "bounce_count"),
    Col("rated", "notnull", "rating"),
    Col("rating_sum", "sum", "rating"),
    Col("satisfied", "gte", "rating", 4),
    Col("resolved_answered", "notnull", "resolved"),
    Col("resolved_yes", "true", "resolved"),
    Col("open", "true", "is_open"),
    *(Col(f"ch_{c}", "eq", "channel", c) for c in CHANNELS),
    *(Col(f"ty_{t}", "eq", "type", t) for t in TYPES),
    *(Col(f"st_{s}", "eq", "status", s) for s in STATUSES),
    *(Col(f"rj_{r}", "eq", "rejection_reason", r) for r in REJECTION_REASONS),
    *(
        Col(f"h{key}_{i}", "range", field, lo, hi)
        for key, field in DURATIONS.items()
        for i, (lo, hi) in enumerate(BUCKETS)
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)

# The per-category rollup keeps fewer counters.
CATEGORY_COLUMNS: tuple[Col, ...] = (
    Col("received", "count"),
    Col("dispatched", "true", "dispatched"),
    Col("followed_up", "true", "followed_up"),
)
CATEGORY_COLUMN_NAMES = tuple(c.name for c in CATEGORY_COLUMNS)


def contribution(cols: tuple[Col, ...], fact: Mapping[str, Any]) -> dict[str, int]:
    return {c.name: c.of(fact) for c in cols}


# ---- live counts: deadlines passed without an answer ------------------------------------
#
# Unlike the counters above, these depend on the clock: a fact counts once ``now`` is past
# one of its deadlines. :class:`~aduan.stats.models.LiveRollup` keeps them as of a moment
# (the watermark, see :mod:`aduan.stats.rollups`); the deadlines between the watermark and
# ``now`` are counted from the facts, a window of a minute or so.

LIVE_STATUSES = ("dispatched", "in_progress", "escalated")
LIVE_NAMES = ("overdue", "first_missed", "completion_missed")
LIVE_FIELDS = {
    "overdue": "due_at",
    "first_missed": "first_response_due_at",
    "completion_missed": "completion_due_at",
}


def live_deadlines(fact: Mapping[str, Any]) -> dict[str, Any]:
    """For each live count, the deadline after which this fact counts in it (None: it
    never counts while the fact stays as it is)."""
    if not fact["is_open"]:
        return dict.fromkeys(LIVE_NAMES)
    waiting = fact["status"] in LIVE_STATUSES
    return {
        "overdue": fact["due_at"],
        "first_missed": (
            fact["first_response_due_at"] if waiting and not fact["first_response_given"] else None
        ),
        "completion_missed": (
            fact["completion_due_at"] if waiting and not fact["followed_up"] else None
        ),
    }


def live_contribution(fact: Mapping[str, Any], at: Any) -> dict[str, int]:
    """The fact's contribution to the live counts at the moment ``at``."""
    return {
        name: 1 if deadline is not None and deadline < at else 0
        for name, deadline in live_deadlines(fact).items()
    }


def live_condition(name: str) -> Q:
    """SQL side of :func:`live_deadlines`: the facts that count in ``name`` once its
    deadline (``LIVE_FIELDS[name]``) has passed."""
    if name == "overdue":
        return Q(is_open=True)
    waiting = Q(is_open=True, status__in=LIVE_STATUSES)
    if name == "first_missed":
        return waiting & Q(first_response_given=False)
    return waiting & Q(followed_up=False)


def live_aggregates(before: Any, since: Any = None) -> dict[str, Any]:
    """Count facts per live count whose deadline is before ``before`` (and, with
    ``since``, at or after it)."""
    out = {}
    for name, field_name in LIVE_FIELDS.items():
        q = live_condition(name) & Q(**{f"{field_name}__lt": before})
        if since is not None:
            q &= Q(**{f"{field_name}__gte": since})
        out[name] = Count("pk", filter=q)
    return out
