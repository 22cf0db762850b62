"""Figures for the desk's triage page: live accuracy per week, auto-dispatch outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from aduan.triage.models import Suggestion


@dataclass(frozen=True)
class Week:
    start: datetime
    decided: int
    top1: int
    top3: int

    @property
    def top1_percent(self) -> float:
        return round(100 * self.top1 / self.decided, 1) if self.decided else 0.0

    @property
    def top3_percent(self) -> float:
        return round(100 * self.top3 / self.decided, 1) if self.decided else 0.0


def weekly_accuracy(weeks: int = 12, now: datetime | None = None) -> list[Week]:
    """Share of the desk's own dispatches that matched the suggestion, per week.

    Auto-dispatched reports are left out unless they came back and the desk re-routed
    them: the system agreeing with itself says nothing about accuracy.
    """
    since = (now or timezone.now()) - timedelta(weeks=weeks)
    rows = (
        Suggestion.objects.filter(chosen_at__gte=since)
        .filter(Q(auto_dispatched=False) | Q(returned=True))
        .annotate(week=TruncWeek("chosen_at"))
        .values("week")
        .annotate(
            decided=Count("id"),
            top1=Count("id", filter=Q(top1_hit=True)),
            top3=Count("id", filter=Q(top3_hit=True)),
        )
        .order_by("-week")
    )
    return [Week(r["week"], r["decided"], r["top1"], r["top3"]) for r in rows]


@dataclass(frozen=True)
class AutoCounts:
    auto_routed: int
    returned: int


def auto_dispatch_counts(days: int = 30, now: datetime | None = None) -> AutoCounts:
    since = (now or timezone.now()) - timedelta(days=days)
    figures = Suggestion.objects.filter(auto_dispatched=True, chosen_at__gte=since).aggregate(
        total=Count("id"), returned=Count("id", filter=Q(returned=True))
    )
    return AutoCounts(figures["total"] or 0, figures["returned"] or 0)
