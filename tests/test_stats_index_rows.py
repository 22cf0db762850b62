"""The compliance index rows rendered in Python (aduan.stats.compliance_pages.
ranking_rows_html) are exactly what the template loop they replace produced, in both
languages, with names that need escaping; the fast number formatting equals
format_value."""

from __future__ import annotations

import random
import re
from typing import Any

from django.template import Context, Template
from django.utils import translation

from aduan.stats import compliance_pages
from aduan.stats.charts import FastNumbers, format_value
from aduan.stats.kpis import ComplianceComponents, ComplianceRow

# The loop of stats/includes/index_groups.html before the rows moved to Python.
REFERENCE = Template(
    """{% load stats %}{% for row in group.rated %}
      <tr>
        <td class="num">{{ row.rank }}</td>
        <th scope="row"><a href="{% scope_url row.agency_code 'agency' %}">
          {{ row.agency_name }}</a></th>
        <td class="num">{{ row.index|num:1 }}</td>
        <td><span class="predicate predicate-{{ row.predicate }}">
          {{ row.predicate_label }}</span></td>
        <td class="num">{{ row.dispatched|num }}</td>
        <td class="num">{{ row.components.follow_up_rate|pct }}</td>
        <td class="num">{{ row.components.on_time_first_response_rate|pct }}</td>
        <td class="num">{{ row.components.on_time_completion_rate|pct }}</td>
        <td class="num">{{ row.components.satisfaction|pct }}</td>
        <td class="num">{{ row.components.bounce_rate|pct }}</td>
      </tr>
      {% endfor %}"""
)


def squash(html: str) -> str:
    return re.sub(r"\s*\n\s*", "", html).strip()


def rows(rng: random.Random) -> list[ComplianceRow]:
    def rate() -> float | None:
        return None if rng.random() < 0.2 else rng.choice([0.0, 1.0, 0.5, 0.0005, rng.random()])

    out = []
    for i in range(40):
        index = round(rng.random() * 100, 1)
        out.append(
            ComplianceRow(
                agency_code=rng.choice(["32.73", "KEMENKES", f"A-{i}", "X&Y"]),
                agency_name=rng.choice(["Pemkot Bandung", 'Dinas "A" & <B>', "Kementerian Ü"]),
                agency_kind="city",
                peer_group="local",
                peer_group_label="Pemerintah kabupaten/kota",
                received=rng.randint(0, 10**6),
                dispatched=rng.randint(0, 10**6),
                index=index,
                predicate=rng.choice(["baik", "sedang", "kurang"]),
                predicate_label=rng.choice(["Baik", "Sedang", "Kurang & <x>"]),
                rank=i + 1,
                peers=40,
                components=ComplianceComponents(rate(), rate(), rate(), rate(), rate()),
            )
        )
    return out


def test_rows_equal_the_template_loop(db: Any) -> None:
    rng = random.Random(3)
    group = compliance_pages.PeerGroup(
        code="local", label="x", rows=rows(rng), predicate_counts={}, unrated=0
    )
    for language in ("id", "en"):
        for namespace, query in (("stats", "tahun=2026"), ("stats-staff", "")):
            with translation.override(language):
                context = {"group": group, "stats_ns": namespace, "period_qs": query}
                expected = REFERENCE.render(Context(context))
                got = compliance_pages.ranking_rows_html(
                    group, namespace=namespace, period_qs=query
                )
            assert squash(got) == squash(expected)
    assert "&lt;B&gt;" in got and "X&amp;Y" in got


def test_fast_numbers_equal_format_value(db: Any) -> None:
    rng = random.Random(9)
    values: list[float | int | None] = [None, 0, 0.0, 0.05, 0.15, 99.95, -0.04, 10**9]
    values += [rng.random() * 10 ** rng.randint(0, 7) for _ in range(3000)]
    values += [rng.randint(-(10**7), 10**7) for _ in range(3000)]
    for language in ("id", "en"):
        with translation.override(language):
            fast = FastNumbers()
            for value in values:
                for decimals in (0, 1, 2):
                    for unit in ("", "%", "hari"):
                        assert fast(value, unit, decimals) == format_value(value, unit, decimals)
