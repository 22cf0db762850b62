"""The compliance index of agencies (DESIGN §6), published with its formula.

For each agency (its whole subtree, over the reports received in the period)::

    index = 100 × Σ wᵢ·cᵢ / Σ wᵢ   (over the components that could be measured)

with components c: follow-up rate, on-time first response rate, on-time completion
rate, satisfaction ((mean rating − 1) / 4) and routing accuracy (1 − bounce rate), and
weights w from :class:`~aduan.stats.models.ComplianceSettings` (admin-editable). A
component without data (e.g. no ratings yet) is left out and the remaining weights are
rescaled. Agencies without any dispatched report are not rated. Predicate: Baik when the
index ≥ the "Baik" threshold, Sedang when ≥ the "Sedang" threshold, else Kurang. Ranks
are competition ranks (1, 2, 2, 4) within the peer group: ministries; institutions
(lembaga and BUMN); provinces; regencies and cities. On-time rates count answered
reports plus the open reports whose deadline passed without an answer (as in the KPIs).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.stats import cache as stats_cache
from aduan.stats.kpis import (
    ComplianceComponents,
    ComplianceResult,
    ComplianceRow,
    Count,
    Period,
)
from aduan.stats.models import ComplianceSettings
from aduan.stats.queries import agency_sums, live_by_agency_until

PEER_GROUPS = {
    Agency.Kind.MINISTRY: "ministry",
    Agency.Kind.INSTITUTION: "institution",
    Agency.Kind.BUMN: "institution",
    Agency.Kind.PROVINCE: "province",
    Agency.Kind.REGENCY: "local",
    Agency.Kind.CITY: "local",
}
AgencyRow = tuple[str, str, str, str]  # code, name, kind, path
NAMES = (
    "received",
    "dispatched",
    "followed_up",
    "fr_measured",
    "fr_on_time",
    "completion_measured",
    "completion_on_time",
    "rated",
    "rating_sum",
    "bounced",
)


def peer_group_labels() -> dict[str, str]:
    return {
        "ministry": _("Kementerian"),
        "institution": _("Lembaga dan BUMN"),
        "province": _("Pemerintah provinsi"),
        "local": _("Pemerintah kabupaten/kota"),
    }


def component_labels() -> dict[str, str]:
    return {
        "follow_up_rate": _("tingkat tindak lanjut"),
        "on_time_first_response_rate": _("tanggapan pertama tepat waktu"),
        "on_time_completion_rate": _("penyelesaian tepat waktu"),
        "satisfaction": _("kepuasan pelapor ((rata-rata nilai − 1) ÷ 4)"),
        "bounce_rate": _("ketepatan disposisi (1 − tingkat bukan wewenang)"),
    }


def current_settings() -> ComplianceSettings:
    return ComplianceSettings.objects.order_by("-id").first() or ComplianceSettings()


def formula_text(weights: dict[str, float]) -> str:
    labels = component_labels()
    total = sum(weights.values()) or 1.0
    parts = " + ".join(f"{w / total:.2f} × {labels[name]}" for name, w in weights.items() if w)
    return _(
        "Indeks = 100 × (%(parts)s). Komponen yang belum ada datanya tidak dihitung dan "
        "bobot lainnya disesuaikan."
    ) % {"parts": parts}


def _rate(n: int, d: int) -> float | None:
    return n / d if d else None


def components(c: dict[str, int], live: dict[str, int] | None = None) -> ComplianceComponents:
    live = live or {"first_missed": 0, "completion_missed": 0}
    avg = _rate(c["rating_sum"], c["rated"])
    return ComplianceComponents(
        follow_up_rate=_rate(c["followed_up"], c["dispatched"]),
        on_time_first_response_rate=_rate(c["fr_on_time"], c["fr_measured"] + live["first_missed"]),
        on_time_completion_rate=_rate(
            c["completion_on_time"], c["completion_measured"] + live["completion_missed"]
        ),
        satisfaction=None if avg is None else (avg - 1) / 4,
        bounce_rate=_rate(c["bounced"], c["dispatched"]),
    )


def index_of(parts: ComplianceComponents, weights: dict[str, float]) -> float | None:
    values = {
        "follow_up_rate": parts.follow_up_rate,
        "on_time_first_response_rate": parts.on_time_first_response_rate,
        "on_time_completion_rate": parts.on_time_completion_rate,
        "satisfaction": parts.satisfaction,
        "bounce_rate": None if parts.bounce_rate is None else 1 - parts.bounce_rate,
    }
    used = {k: w for k, w in weights.items() if w and values[k] is not None}
    total = sum(used.values())
    if not total:
        return None
    return round(100 * sum(w * float(values[k] or 0) for k, w in used.items()) / total, 1)


def predicate(index: float | None, settings: ComplianceSettings) -> tuple[str, str]:
    if index is None:
        return "", _("Belum dinilai")
    if index >= float(settings.threshold_good):
        return "baik", _("Baik")
    if index >= float(settings.threshold_fair):
        return "sedang", _("Sedang")
    return "kurang", _("Kurang")


def compliance_ranking(
    period: Period, *, peer_group: str | None = None, now: datetime | None = None
) -> ComplianceResult:
    """The ranking of all peer groups is cached (:mod:`aduan.stats.cache`) until the
    figures change or the next unanswered deadline passes; ``peer_group`` filters it."""
    now = now or timezone.now()
    result = ranking_until(period, now)[0]
    if peer_group:
        result = replace(result, rows=tuple(r for r in result.rows if r.peer_group == peer_group))
    return result


def ranking_until(period: Period, now: datetime) -> tuple[ComplianceResult, datetime | None]:
    """The whole (cached) ranking and the moment it stops being valid by the clock."""
    return stats_cache.cached_until(
        "compliance", (period.start, period.end), lambda: _ranking(period, now), now=now
    )


def _ranking(period: Period, now: datetime) -> tuple[ComplianceResult, datetime | None]:
    settings = current_settings()
    weights = settings.weights()
    labels = peer_group_labels()
    # Plain tuples (code, name, kind, path): hundreds of model instances cost more than
    # the arithmetic below.
    agencies = list(
        Agency.objects.filter(kind__in=list(PEER_GROUPS), is_active=True).values_list(
            "code", "name", "kind", "path"
        )
    )
    sums = agency_sums(period, NAMES)
    live, valid_until = live_by_agency_until(period, now)
    empty = dict.fromkeys(NAMES, 0)
    rows: list[ComplianceRow] = []
    measured = half = 0
    by_group: dict[str, list[tuple[float, AgencyRow, dict[str, int], ComplianceComponents]]] = {}
    unrated: dict[str, list[tuple[AgencyRow, dict[str, int], ComplianceComponents]]] = {}
    for agency in agencies:
        c = sums.get(agency[3], empty)
        parts = components(c, live.get(agency[3]))
        if c["dispatched"]:
            measured += 1
            if c["followed_up"] * 2 >= c["dispatched"]:
                half += 1
        index = index_of(parts, weights) if c["dispatched"] else None
        group = PEER_GROUPS[Agency.Kind(agency[2])]
        if index is None:
            unrated.setdefault(group, []).append((agency, c, parts))
        else:
            by_group.setdefault(group, []).append((index, agency, c, parts))
    group_counts = []
    for group in labels:
        entries = sorted(by_group.get(group, []), key=lambda e: (-e[0], e[1][1]))
        group_counts.append(Count(group, labels[group], len(entries)))
        previous: float | None = None
        rank = 0
        ranked: list[tuple[float | None, int | None, Any, Any, Any]] = []
        for position, (index, agency, c, parts) in enumerate(entries, start=1):
            if index != previous:
                rank, previous = position, index
            ranked.append((index, rank, agency, c, parts))
        for agency, c, parts in sorted(unrated.get(group, []), key=lambda e: e[0][1]):
            ranked.append((None, None, agency, c, parts))  # no index: listed last, unranked
        for index, place, agency, c, parts in ranked:
            code, label = predicate(index, settings)
            rows.append(
                ComplianceRow(
                    agency_code=agency[0],
                    agency_name=agency[1],
                    agency_kind=agency[2],
                    peer_group=group,
                    peer_group_label=labels[group],
                    received=c["received"],
                    dispatched=c["dispatched"],
                    index=index,
                    predicate=code,
                    predicate_label=label,
                    rank=place,
                    peers=len(entries),
                    components=parts,
                )
            )
    total_weight = sum(weights.values()) or 1.0
    result = ComplianceResult(
        period=period,
        rows=tuple(rows),
        weights={k: v / total_weight for k, v in weights.items()},
        thresholds={
            "baik": float(settings.threshold_good),
            "sedang": float(settings.threshold_fair),
        },
        formula=formula_text(weights),
        agencies_measured=measured,
        agencies_half_followed_up=half,
        share_half_followed_up=half / measured if measured else None,
        peer_groups=tuple(group_counts),
    )
    return result, valid_until
