"""Charts drawn on the server as accessible inline SVG, each with its data as a table.

Every chart carries a ``<title>`` and a ``<desc>`` (named through ``aria-labelledby``),
prints its values as text next to the marks, and tells series apart by pattern (hatching,
dots) or marker shape and dash as well as by colour, so nothing is said by colour alone.
The same numbers come back as :class:`ChartTable` for the table shown under the chart
(``stats/includes/chart.html``). No script, no ``style`` attribute (strict CSP): only SVG
presentation attributes. Pure Python, no dependencies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Colours with ≥ 3:1 contrast against white (WCAG 1.4.11 non-text contrast).
COLOURS = ("#0b4f8a", "#b34700", "#1d6b34", "#6a3d9a", "#8a5a00", "#3b3b3b")
# Fill patterns repeat the series' identity without colour; the first series is solid.
PATTERNS = ("solid", "hatch", "dots", "cross", "vertical", "horizontal")
# Line charts: a marker shape and a dash per series.
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")

FONT = "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (None: no value for that category)."""

    label: str
    values: Sequence[float | int | None]


@dataclass(frozen=True)
class ChartTable:
    """The chart's numbers as a table: one row per category, one column per series."""

    caption: str
    category_header: str
    headers: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    pattern: str


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    description: str
    svg: SafeString
    table: ChartTable
    legend: list[LegendItem] = field(default_factory=list)
    empty: bool = False


def format_value(value: float | int | None, unit: str = "", decimals: int = 0) -> str:
    """Numbers as the active language writes them (1.234 in Indonesian, 1,234 in
    English); None as an em dash."""
    if value is None:
        return "—"
    # number_format cuts digits off; round first so 66.66… reads 66.7, as in the chart.
    value = round(float(value), decimals) if isinstance(value, float) else value
    text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text}{unit}" if unit == "%" else (f"{text} {unit}" if unit else text)


class FastNumbers:
    """:func:`format_value` for many numbers at once: the active language's separators
    are looked up once (``number_format`` costs tens of microseconds a call, which
    adds up to a large share of a page with hundreds of rows). Same output; languages
    that do not group by threes fall back to :func:`format_value`."""

    def __init__(self) -> None:
        from django.utils.formats import get_format

        self.decimal = str(get_format("DECIMAL_SEPARATOR"))
        self.thousand = str(get_format("THOUSAND_SEPARATOR"))
        self.simple = get_format("NUMBER_GROUPING") == 3

    def __call__(self, value: float | int | None, unit: str = "", decimals: int = 0) -> str:
        if value is None:
            return "—"
        if not self.simple:
            return format_value(value, unit, decimals)
        if isinstance(value, float):
            value = round(value, decimals)
            text = f"{value:,.{decimals}f}"
        else:
            text = f"{value:,}" if not decimals else f"{value:,.{decimals}f}"
        text = text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.thousand)
        return f"{text}{unit}" if unit == "%" else (f"{text} {unit}" if unit else text)

    def pct(self, value: float | None, decimals: int = 1) -> str:
        return "—" if value is None else self(100 * float(value), "%", decimals)


def _safe_id(raw: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in raw)
    return cleaned or "chart"


def _nice_max(value: float) -> float:
    """A round upper bound for the axis (1, 2, 2.5, 5 × 10ⁿ)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    base = 10.0**exponent
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * base:
            return step * base
    return 10 * base  # pragma: no cover - the loop always returns


def _defs(chart_id: str, count: int) -> str:
    parts = []
    for i in range(count):
        colour = COLOURS[i % len(COLOURS)]
        pattern = PATTERNS[i % len(PATTERNS)]
        if pattern == "solid":
            continue
        pid = f"{chart_id}-p{i}"
        if pattern == "hatch":
            inner = f'<path d="M0,8 L8,0" stroke="{colour}" stroke-width="2.5"/>'
        elif pattern == "dots":
            inner = f'<circle cx="4" cy="4" r="2" fill="{colour}"/>'
        elif pattern == "cross":
            inner = f'<path d="M0,0 L8,8 M8,0 L0,8" stroke="{colour}" stroke-width="1.5"/>'
        elif pattern == "vertical":
            inner = f'<path d="M4,0 L4,8" stroke="{colour}" stroke-width="2.5"/>'
        else:
            inner = f'<path d="M0,4 L8,4" stroke="{colour}" stroke-width="2.5"/>'
        parts.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="#ffffff"/>{inner}</pattern>'
        )
    return f"<defs>{''.join(parts)}</defs>" if parts else ""


def _fill(chart_id: str, index: int) -> str:
    if PATTERNS[index % len(PATTERNS)] == "solid":
        return COLOURS[index % len(COLOURS)]
    return f"url(#{chart_id}-p{index})"


def _open_svg(chart_id: str, title: str, description: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false" '
        f'font-family="{FONT}" font-size="14">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def _legend_svg(chart_id: str, labels: list[str], y: float, line: bool) -> str:
    """The legend inside the SVG (so a saved or printed chart keeps it)."""
    parts = []
    for i, label in enumerate(labels):
        row_y = y + i * 20
        colour = COLOURS[i % len(COLOURS)]
        if line:
            dash = DASHES[i % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="0" y1="{row_y + 7}" x2="24" y2="{row_y + 7}" stroke="{colour}" '
                f'stroke-width="2.5"{dash_attr}/>' + _marker(i, 12, row_y + 7, colour)
            )
        else:
            parts.append(
                f'<rect x="0" y="{row_y}" width="24" height="14" fill="{_fill(chart_id, i)}" '
                f'stroke="{colour}" stroke-width="1.5"/>'
            )
        parts.append(f'<text x="30" y="{row_y + 12}" fill="#1b1b1b">{escape(label)}</text>')
    return "".join(parts)


def _marker(index: int, x: float, y: float, colour: str) -> str:
    shape = MARKERS[index % len(MARKERS)]
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return (
            f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z" '
            f'fill="{colour}"/>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y:.1f} L{x:.1f},{y + 5:.1f} '
            f'L{x - 5:.1f},{y:.1f} Z" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(
    title: str,
    category_header: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str,
    decimals: int,
) -> ChartTable:
    headers = [s.label for s in series]
    rows = []
    for i, category in enumerate(categories):
        cells = [format_value(s.values[i], unit, decimals) for s in series]
        rows.append((category, cells))
    return ChartTable(caption=title, category_header=category_header, headers=headers, rows=rows)


def _check(categories: Sequence[str], series: Sequence[Series]) -> None:
    for s in series:
        if len(s.values) != len(categories):
            raise ValueError(
                f"series {s.label!r} has {len(s.values)} values for {len(categories)} categories"
            )


def _legend_items(chart_id: str, series: Sequence[Series]) -> list[LegendItem]:
    return [
        LegendItem(label=s.label, colour=COLOURS[i % 6], pattern=PATTERNS[i % 6])
        for i, s in enumerate(series)
    ]


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    category_header: str,
    unit: str = "",
    decimals: int = 0,
    max_value: float | None = None,
    stacked: bool = False,
) -> Chart:
    """Horizontal bars, one group per category (long Indonesian labels fit on a phone);
    ``stacked`` puts the series end to end. Each bar (or stack) ends with its value."""
    _check(categories, series)
    chart_id = _safe_id(chart_id)
    label_w, bar_area, value_w = 150, 190, 64
    width = label_w + bar_area + value_w
    n_series = len(series)
    group_h = 22 if stacked else max(14 * n_series + 8, 22)
    bar_h = 14
    top = 8
    height_plot = top + group_h * len(categories)
    legend_y = height_plot + 12
    legend_h = (20 * n_series + 8) if n_series > 1 else 0
    height = int(height_plot + legend_h + 8)

    if stacked:
        totals = [sum(float(s.values[i] or 0) for s in series) for i in range(len(categories))]
        peak = max(totals, default=0.0)
    else:
        peak = max((float(v) for s in series for v in s.values if v is not None), default=0.0)
    scale_max = max_value if max_value is not None else _nice_max(peak)
    if scale_max <= 0:
        scale_max = 1.0

    out = [_open_svg(chart_id, title, description, width, height), _defs(chart_id, n_series)]
    # Axis line at zero.
    out.append(
        f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height_plot}" '
        f'stroke="#6b7280" stroke-width="1"/>'
    )
    for ci, category in enumerate(categories):
        gy = top + ci * group_h
        out.append(
            f'<text x="{label_w - 6}" y="{gy + group_h / 2 + 4:.1f}" text-anchor="end" '
            f'fill="#1b1b1b">{escape(_truncate(category, 21))}</text>'
        )
        if stacked:
            x = float(label_w)
            for si, s in enumerate(series):
                value = float(s.values[ci] or 0)
                w = bar_area * value / scale_max
                if w > 0:
                    out.append(
                        f'<rect x="{x:.1f}" y="{gy + 4}" width="{w:.1f}" height="{bar_h}" '
                        f'fill="{_fill(chart_id, si)}" stroke="{COLOURS[si % 6]}" '
                        f'stroke-width="1"/>'
                    )
                x += w
            total_value = sum(float(s.values[ci] or 0) for s in series)
            out.append(
                f'<text x="{x + 4:.1f}" y="{gy + 4 + bar_h - 2}" fill="#1b1b1b">'
                f"{escape(format_value(total_value, unit, decimals))}</text>"
            )
        else:
            for si, s in enumerate(series):
                raw = s.values[ci]
                by = gy + 4 + si * 14
                w = bar_area * float(raw or 0) / scale_max
                if w > 0:
                    out.append(
                        f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{bar_h - 2}" '
                        f'fill="{_fill(chart_id, si)}" stroke="{COLOURS[si % 6]}" '
                        f'stroke-width="1"/>'
                    )
                out.append(
                    f'<text x="{label_w + w + 4:.1f}" y="{by + bar_h - 4}" fill="#1b1b1b">'
                    f"{escape(format_value(raw, unit, decimals))}</text>"
                )
    return _finish(
        out, (label_w, legend_y), chart_id=chart_id, title=title, description=description,
        categories=categories, series=series, category_header=category_header, unit=unit,
        decimals=decimals, line=False,
    )  # fmt: skip


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    category_header: str,
    unit: str = "",
    decimals: int = 0,
    max_value: float | None = None,
) -> Chart:
    """A trend over periods (months): one line per series with its own marker and dash;
    the last value of each line is written at its end, every value in the table."""
    _check(categories, series)
    chart_id = _safe_id(chart_id)
    left, right, top, plot_h = 48, 60, 12, 180
    n = len(categories)
    step = 30
    plot_w = max(step * max(n - 1, 1), 220)
    width = left + plot_w + right
    axis_bottom = top + plot_h
    label_band = 44
    n_series = len(series)
    legend_h = 20 * n_series + 8 if n_series > 1 else 0
    height = axis_bottom + label_band + legend_h

    peak = max((float(v) for s in series for v in s.values if v is not None), default=0.0)
    scale_max = max_value if max_value is not None else _nice_max(peak)
    if scale_max <= 0:
        scale_max = 1.0

    def x_at(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return axis_bottom - plot_h * v / scale_max

    out = [_open_svg(chart_id, title, description, width, height)]
    for k in range(5):
        tick = scale_max * k / 4
        y = y_at(tick)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="#d0d4da" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#4a4a4a" '
            f'font-size="11">{escape(format_value(tick, unit if unit == "%" else "", 0))}</text>'
        )
    out.append(
        f'<line x1="{left}" y1="{axis_bottom}" x2="{left + plot_w}" y2="{axis_bottom}" '
        f'stroke="#6b7280" stroke-width="1"/>'
    )
    for i, category in enumerate(categories):
        x = x_at(i)
        out.append(
            f'<text x="{x:.1f}" y="{axis_bottom + 14}" text-anchor="end" fill="#1b1b1b" '
            f'font-size="11" transform="rotate(-40 {x:.1f} {axis_bottom + 14})">'
            f"{escape(_truncate(category, 10))}</text>"
        )
    for si, s in enumerate(series):
        colour = COLOURS[si % len(COLOURS)]
        dash = DASHES[si % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        # A gap (None) breaks the line rather than pretending a zero.
        segments: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(s.values):
            if v is None:
                segments.append([])
            else:
                segments[-1].append((x_at(i), y_at(float(v))))
        for seg in segments:
            if len(seg) > 1:
                points = " ".join(f"{px:.1f},{py:.1f}" for px, py in seg)
                out.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash_attr}/>'
                )
            for px, py in seg:
                out.append(_marker(si, px, py, colour))
        last = next(((i, v) for i, v in reversed(list(enumerate(s.values))) if v is not None), None)
        if last is not None:
            i, v = last
            out.append(
                f'<text x="{x_at(i) + 8:.1f}" y="{y_at(float(v)) + 4:.1f}" fill="#1b1b1b" '
                f'font-size="12">{escape(format_value(v, unit, decimals))}</text>'
            )
    return _finish(
        out, (left, axis_bottom + label_band), chart_id=chart_id, title=title,
        description=description, categories=categories, series=series,
        category_header=category_header, unit=unit, decimals=decimals, line=True,
    )  # fmt: skip


def _finish(
    out: list[str], legend_at: tuple[float, float], *, chart_id: str, title: str,
    description: str, categories: Sequence[str], series: Sequence[Series],
    category_header: str, unit: str, decimals: int, line: bool,
) -> Chart:  # fmt: skip
    """Close a bar or line chart: its legend (several series only), the SVG end, and the
    table that carries the same numbers."""
    if len(series) > 1:
        out.append(
            f'<g transform="translate({legend_at[0]},{legend_at[1]})">'
            + _legend_svg(chart_id, [s.label for s in series], 0, line=line)
            + "</g>"
        )
    out.append("</svg>")
    return Chart(
        chart_id=chart_id,
        title=title,
        description=description,
        svg=mark_safe("".join(out)),  # every text piece above is escaped
        table=_table(title, category_header, categories, series, unit, decimals),
        legend=_legend_items(chart_id, series),
        empty=not categories,
    )


def progress_bar(
    *, chart_id: str, title: str, description: str, value: float, target: float, label: str
) -> SafeString:
    """A single horizontal meter (e.g. progress to the yearly target) with the share written
    on it; the caller prints the same numbers as text next to it."""
    chart_id = _safe_id(chart_id)
    width, height = 320, 34
    share = 0.0 if target <= 0 else max(0.0, min(value / target, 1.0))
    return format_html(
        '{}<rect x="0" y="4" width="{}" height="20" fill="#ffffff" stroke="#6b7280"/>'
        '<rect x="0" y="4" width="{}" height="20" fill="{}"/>'
        '<text x="{}" y="19" fill="{}" font-weight="700">{}</text></svg>',
        mark_safe(_open_svg(chart_id, title, description, width, height)),
        width,
        f"{width * share:.1f}",
        COLOURS[0],
        f"{(width * share + 6) if share < 0.7 else 6:.1f}",
        "#1b1b1b" if share < 0.7 else "#ffffff",
        label,
    )
