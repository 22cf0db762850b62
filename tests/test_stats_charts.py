"""Server-side SVG charts: accessible names, values as text, the same data as a table."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from aduan.stats import charts
from aduan.stats.charts import Series

SVG = "{http://www.w3.org/2000/svg}"


def _parse(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own output


def _bar() -> charts.Chart:
    return charts.bar_chart(
        chart_id="top kategori",
        title="Kategori teratas",
        description="Jumlah laporan per kategori",
        categories=["Kesehatan", "Jalan <rusak> & jembatan"],
        series=[Series("Diterima", [1234, 56]), Series("Ditindaklanjuti", [1000, None])],
        category_header="Kategori",
    )


def test_bar_chart_has_title_desc_and_role() -> None:
    chart = _bar()
    root = _parse(chart)
    assert root.get("role") == "img"
    assert chart.chart_id == "top-kategori"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text == "Kategori teratas"
    assert desc is not None and desc.text == "Jumlah laporan per kategori"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_bar_chart_escapes_labels_and_writes_values_as_text() -> None:
    with translation.override("id"):
        chart = _bar()
    svg = str(chart.svg)
    assert "<rusak>" not in svg and "&lt;rusak&gt;" in svg
    texts = [t.text for t in _parse(chart).iter(f"{SVG}text")]
    assert "1.234" in texts and "56" in texts and "1.000" in texts and "—" in texts
    # The second series is patterned, not only coloured.
    assert "<pattern" in svg and 'fill="url(#top-kategori-p1)"' in svg
    # Legend inside the SVG names both series.
    assert "Diterima" in texts and "Ditindaklanjuti" in texts


def test_table_has_the_same_numbers() -> None:
    with translation.override("en"):
        chart = _bar()
    assert chart.table.headers == ["Diterima", "Ditindaklanjuti"]
    assert chart.table.rows == [
        ("Kesehatan", ["1,234", "1,000"]),
        ("Jalan <rusak> & jembatan", ["56", "—"]),
    ]


def test_stacked_bar_writes_totals() -> None:
    chart = charts.bar_chart(
        chart_id="s",
        title="t",
        description="d",
        categories=["A"],
        series=[Series("x", [3]), Series("y", [4])],
        category_header="c",
        stacked=True,
    )
    texts = [t.text for t in _parse(chart).iter(f"{SVG}text")]
    assert "7" in texts
    assert chart.table.rows == [("A", ["3", "4"])]


def test_line_chart_breaks_on_missing_values_and_labels_last_point() -> None:
    chart = charts.line_chart(
        chart_id="tren",
        title="Tren",
        description="Per bulan",
        categories=["Jan", "Feb", "Mar", "Apr"],
        series=[Series("Tindak lanjut", [50, None, 60.5, 75]), Series("Target", [70] * 4)],
        category_header="Bulan",
        unit="%",
        decimals=1,
        max_value=100,
    )
    root = _parse(chart)
    lines = root.findall(f".//{SVG}polyline")
    # Series 1 has segments [Jan] and [Mar, Apr] → one polyline; series 2 → one.
    assert len(lines) == 2
    assert lines[1].get("stroke-dasharray")  # the second series is dashed
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "75,0%" in texts or "75.0%" in texts
    assert chart.table.rows[1] == ("Feb", ["—", "70,0%"]) or chart.table.rows[1] == (
        "Feb",
        ["—", "70.0%"],
    )


def test_mismatched_series_is_an_error() -> None:
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        charts.line_chart(
            chart_id="x",
            title="t",
            description="d",
            categories=["a", "b", "c"],
            series=[Series("s", [1, 2])],
            category_header="c",
        )


def test_empty_chart_renders_a_sentence_not_an_svg() -> None:
    chart = charts.bar_chart(
        chart_id="e", title="t", description="d", categories=[], series=[], category_header="c"
    )
    html = render_to_string("stats/includes/chart.html", {"chart": chart})
    assert chart.empty and "<svg" not in html


def test_include_renders_svg_and_table_with_caption() -> None:
    chart = _bar()
    html = render_to_string("stats/includes/chart.html", {"chart": chart})
    assert "<svg" in html and "<caption" in html
    assert re.search(r'<th scope="row">Kesehatan</th>', html)
    assert 'style="' not in html and "<script" not in html


def test_progress_bar_is_labelled() -> None:
    svg = str(
        charts.progress_bar(
            chart_id="target",
            title="Target",
            description="Kemajuan",
            value=50,
            target=200,
            label="25%",
        )
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.get("role") == "img"
    assert [t.text for t in root.iter(f"{SVG}text")] == ["25%"]


@pytest.mark.parametrize("kind", ["bar", "stacked", "line"])
def test_marks_stay_inside_the_view_box(kind: str) -> None:
    categories = [f"Bulan {i}" for i in range(12)]
    series = [Series("a", [i * 10 for i in range(12)]), Series("b", [None, *range(11)])]
    if kind == "line":
        chart = charts.line_chart(
            chart_id="v",
            title="t",
            description="d",
            categories=categories,
            series=series,
            category_header="c",
        )
    else:
        chart = charts.bar_chart(
            chart_id="v",
            title="t",
            description="d",
            categories=categories,
            series=series,
            category_header="c",
            stacked=kind == "stacked",
        )
    root = _parse(chart)
    _x0, _y0, width, height = (float(v) for v in root.get("viewBox", "").split())
    for element in root.iter():
        for attr, limit in (("x", width), ("y", height), ("cx", width), ("cy", height)):
            value = element.get(attr)
            if value is not None and element.get("transform") is None:
                assert -1 <= float(value) <= limit, (element.tag, attr, value)
        if element.tag == f"{SVG}rect" and element.get("x") is not None:
            right = float(element.get("x", "0")) + float(element.get("width", "0"))
            assert right <= width + 1, ("rect overflows", right, width)
