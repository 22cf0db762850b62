"""The compliance index and the coordinator's comparison as the pages show them: rows
per peer group, predicate counts and their chart, the readable weights, and each mentored
agency's figures next to its peer group's median (:mod:`aduan.stats.kpis` figures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from django.urls import reverse
from django.utils.html import escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.stats import charts, kpis
from aduan.stats.charts import Chart, Series
from aduan.stats.kpis import Kpis

# ---- compliance index ---------------------------------------------------------------------

PREDICATES = ("baik", "sedang", "kurang")


@dataclass
class PeerGroup:
    code: str
    label: str
    rows: list[kpis.ComplianceRow]
    predicate_counts: dict[str, int]
    unrated: int
    rows_html: SafeString = field(default_factory=lambda: mark_safe(""))

    @property
    def rated(self) -> list[kpis.ComplianceRow]:
        return [r for r in self.rows if r.rank is not None]

    @property
    def top(self) -> list[kpis.ComplianceRow]:
        return self.rated[:3]


@dataclass
class ComplianceSummary:
    result: kpis.ComplianceResult
    groups: list[PeerGroup]
    predicate_counts: dict[str, int]
    chart: Chart


def compliance_groups(result: kpis.ComplianceResult, *, only: str = "") -> list[PeerGroup]:
    """Rows per peer group, in the engine's order (peer group, then rank)."""
    groups: dict[str, PeerGroup] = {}
    for row in result.rows:
        if only and row.peer_group != only:
            continue
        group = groups.get(row.peer_group)
        if group is None:
            group = groups[row.peer_group] = PeerGroup(
                code=row.peer_group,
                label=row.peer_group_label,
                rows=[],
                predicate_counts=dict.fromkeys(PREDICATES, 0),
                unrated=0,
            )
        group.rows.append(row)
        if row.predicate in group.predicate_counts:
            group.predicate_counts[row.predicate] += 1
        else:
            group.unrated += 1
    return list(groups.values())


def ranking_rows_html(group: PeerGroup, *, namespace: str, period_qs: str) -> SafeString:
    """The ``<tr>`` rows of a peer group's ranking table (rated agencies), as
    ``stats/includes/index_groups.html`` showed them with a loop: hundreds of rows cost
    the template engine a good part of a second, this a few milliseconds."""
    fmt = charts.FastNumbers()
    placeholder = "__AGENCY_CODE__"
    base = reverse(f"{namespace}:agency", kwargs={"code": placeholder})
    query = f"?{period_qs}" if period_qs else ""
    safe = RFC3986_SUBDELIMS + "/~:@"  # as reverse() quotes a path
    lines = []
    for row in group.rated:
        url = base.replace(placeholder, quote(row.agency_code, safe=safe)) + query
        parts = row.components
        lines.append(
            f'<tr><td class="num">{row.rank}</td>'
            f'<th scope="row"><a href="{escape(url)}">{escape(row.agency_name)}</a></th>'
            f'<td class="num">{fmt(row.index, "", 1)}</td>'
            f'<td><span class="predicate predicate-{escape(row.predicate)}">'
            f"{escape(row.predicate_label)}</span></td>"
            f'<td class="num">{fmt(row.dispatched)}</td>'
            f'<td class="num">{fmt.pct(parts.follow_up_rate)}</td>'
            f'<td class="num">{fmt.pct(parts.on_time_first_response_rate)}</td>'
            f'<td class="num">{fmt.pct(parts.on_time_completion_rate)}</td>'
            f'<td class="num">{fmt.pct(parts.satisfaction)}</td>'
            f'<td class="num">{fmt.pct(parts.bounce_rate)}</td></tr>'
        )
    # Every value above is escaped or a formatted number.
    return mark_safe("\n".join(lines))


def predicate_labels() -> dict[str, str]:
    return {"baik": _("Baik"), "sedang": _("Sedang"), "kurang": _("Kurang")}


def compliance_summary(result: kpis.ComplianceResult) -> ComplianceSummary:
    groups = compliance_groups(result)
    totals = dict.fromkeys(PREDICATES, 0)
    for group in groups:
        for key, value in group.predicate_counts.items():
            totals[key] += value
    labels = predicate_labels()
    chart = charts.bar_chart(
        chart_id="compliance-predicates",
        title=_("Predikat kepatuhan per kelompok instansi"),
        description=_(
            "Batang bertumpuk: jumlah instansi berpredikat Baik, Sedang, dan Kurang di "
            "setiap kelompok sejawat. Instansi tanpa laporan terdisposisi belum dinilai."
        ),
        categories=[g.label for g in groups],
        series=[Series(labels[p], [g.predicate_counts[p] for g in groups]) for p in PREDICATES],
        category_header=_("Kelompok instansi"),
        stacked=True,
    )
    return ComplianceSummary(result=result, groups=groups, predicate_counts=totals, chart=chart)


# ---- coordinator: mentored agencies against their peers -------------------------------------

COMPARED = (
    ("index", gettext_lazy("Indeks kepatuhan")),
    ("follow_up_rate", gettext_lazy("Tingkat tindak lanjut")),
    ("on_time_first_response_rate", gettext_lazy("Tanggapan pertama tepat waktu")),
    ("on_time_completion_rate", gettext_lazy("Penyelesaian tepat waktu")),
    ("satisfaction", gettext_lazy("Kepuasan pelapor")),
    ("bounce_rate", gettext_lazy("Tingkat dikembalikan (bukan wewenang)")),
)


def _metric(row: kpis.ComplianceRow, key: str) -> float | None:
    if key == "index":
        return row.index
    value: float | None = getattr(row.components, key)
    return None if value is None else 100 * value


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class MetricLine:
    label: str
    own: float | None
    peer_median: float | None
    verdict: str  # words, never colour alone: "di atas", "di bawah", "sama dengan" median


@dataclass
class Mentored:
    code: str
    name: str
    row: kpis.ComplianceRow | None  # None: not in the index (a work unit)
    peer_label: str = ""
    peers: int = 0
    lines: list[MetricLine] = field(default_factory=list)
    figures: Kpis | None = None  # for agencies outside the index


def _verdict(key: str, own: float | None, median: float | None) -> str:
    if own is None or median is None:
        return _("tidak dapat dibandingkan")
    if abs(own - median) < 0.05:
        return _("sama dengan median")
    better = own < median if key == "bounce_rate" else own > median
    return _("lebih baik dari median") if better else _("lebih buruk dari median")


def coordinator_comparison(
    result: kpis.ComplianceResult, codes: list[str]
) -> tuple[list[Mentored], Chart | None]:
    """Each mentored agency's index and components next to the median of its rated peer
    group (same kind of agency), with the verdict in words."""
    by_code = {r.agency_code: r for r in result.rows}
    labels = {key: str(label) for key, label in COMPARED}
    out: list[Mentored] = []
    for code in codes:
        row = by_code.get(code)
        if row is None:
            out.append(Mentored(code=code, name="", row=None))
            continue
        peers = [r for r in result.rows if r.peer_group == row.peer_group and r.index is not None]
        lines = []
        for key, _label in COMPARED:
            own = _metric(row, key)
            median = _median([v for v in (_metric(p, key) for p in peers) if v is not None])
            lines.append(
                MetricLine(
                    label=labels[key],
                    own=own,
                    peer_median=median,
                    verdict=_verdict(key, own, median),
                )
            )
        out.append(
            Mentored(
                code=code,
                name=row.agency_name,
                row=row,
                peer_label=row.peer_group_label,
                peers=len(peers),
                lines=lines,
            )
        )
    rated = [m for m in out if m.row is not None and m.lines]
    chart = None
    if rated:
        chart = charts.bar_chart(
            chart_id="coordinator-index",
            title=_("Indeks kepatuhan instansi dampingan dibanding median sejawat"),
            description=_(
                "Batang berpasangan: indeks kepatuhan setiap instansi dampingan (0–100) dan "
                "median indeks kelompok sejawatnya."
            ),
            categories=[m.name for m in rated],
            series=[
                Series(_("Instansi"), [m.lines[0].own for m in rated]),
                Series(_("Median sejawat"), [m.lines[0].peer_median for m in rated]),
            ],
            category_header=_("Instansi"),
            decimals=1,
            max_value=100,
        )
    return out, chart


def weight_rows(result: kpis.ComplianceResult) -> list[tuple[str, float]]:
    """The index's weights with readable component names."""
    labels = {key: str(label) for key, label in COMPARED}
    labels["satisfaction"] = _("Kepuasan pelapor")
    labels["bounce_rate"] = _("Tidak dikembalikan (1 − tingkat dikembalikan)")
    return [(labels.get(key, key), weight) for key, weight in result.weights.items()]
