"""Inclusion statistics: small-cell suppression that cannot be bypassed, and the page."""

from __future__ import annotations

import random
import re
from datetime import datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from scipy.optimize import linprog

from aduan.reports.models import Channel, Report
from aduan.stats import inclusion as inc

WIB = ZoneInfo("Asia/Jakarta")
URL = "/statistik/inklusi/"
GENDERS = ["female", "male", "undisclosed"]
AGES = ["lt18", "18-30", "31-45", "46-60", "gt60", inc.UNKNOWN]
DISABILITY = ["yes", "no", inc.UNKNOWN]
CHANNELS = ["web", "sms", "mobile"]


def page_vars(tables: list[inc.Table]) -> tuple[list[inc.Var], list[inc.Equation]]:
    variables = list({id(v): v for t in tables for v in t.variables()}.values())
    return variables, [eq for t in tables for eq in t.equations()]


def attack(tables: list[inc.Table]) -> dict[inc.Key, tuple[float, float]]:
    """What a reader can work out of each hidden number from everything shown on the page:
    the smallest and largest value consistent with every sum (LP). Zeros are shown, so a
    reader knows every hidden number is at least 1."""
    variables, equations = page_vars(tables)
    hidden = [v for v in variables if v.hidden]
    if not hidden:
        return {}
    index = {id(v): i for i, v in enumerate(hidden)}
    rows, rhs = [], []
    for eq in equations:
        row = np.zeros(len(hidden))
        known = 0.0
        for v, sign in [*((p, 1.0) for p in eq.parts), (eq.total, -1.0)]:
            if v.hidden:
                row[index[id(v)]] += sign
            else:
                known += sign * v.value
        if row.any():
            rows.append(row)
            rhs.append(-known)
    ranges = {}
    for i, v in enumerate(hidden):
        c = np.zeros(len(hidden))
        c[i] = 1.0
        low = linprog(c, A_eq=rows, b_eq=rhs, bounds=(1, None), method="highs")
        high = linprog(-c, A_eq=rows, b_eq=rhs, bounds=(1, None), method="highs")
        assert low.status == 0
        top = float("inf") if high.status == 3 else -high.fun
        ranges[v.key] = (low.fun, top)
    return ranges


def random_groups(rng: random.Random, regions: list[str], n: int) -> list[inc.Group]:
    return [
        inc.Group(
            region=rng.choice(regions),
            gender=rng.choice(GENDERS),
            age=rng.choice(AGES),
            disability=rng.choice(DISABILITY),
            channel=rng.choice(CHANNELS),
            count=rng.choice([1, 1, 2, 3, 8, 15]),
        )
        for _ in range(n)
    ]


REGIONS = [("32", "Jawa Barat"), ("35", "Jawa Timur"), ("91", "Papua"), (inc.UNKNOWN, "?")]


@pytest.mark.parametrize("seed", range(12))
def test_no_small_number_is_shown_or_can_be_worked_out(seed: int) -> None:
    rng = random.Random(seed)
    groups = random_groups(rng, [r for r, _ in REGIONS], rng.choice([3, 10, 30, 60]))
    tables, grand = inc.build_page(groups=groups, regions=REGIONS, row_heading="Provinsi")
    variables, equations = page_vars(tables)
    assert grand.value == sum(g.count for g in groups)
    for v in variables:
        if not v.hidden:
            assert v.value == 0 or v.value >= inc.THRESHOLD
    for eq in equations:
        assert sum(1 for v in eq.members if v.hidden) != 1
    for key, (low, high) in attack(tables).items():
        assert high - low > 0.5, (key, low, high)


def test_one_small_cell_hides_a_partner_in_its_row_and_column() -> None:
    groups = [
        inc.Group("32", "female", "18-30", "no", "web", 4),
        inc.Group("32", "male", "18-30", "no", "web", 40),
        inc.Group("35", "female", "18-30", "no", "web", 30),
        inc.Group("35", "male", "18-30", "no", "web", 50),
    ]
    regions = [("32", "Jawa Barat"), ("35", "Jawa Timur")]
    tables, _grand = inc.build_page(groups=groups, regions=regions, row_heading="Provinsi")
    gender = tables[0]
    assert gender.cells["32", "female"].hidden  # 4
    # 40 in the same row and 30 in the same column go too, else 44 − 40 = 4.
    assert gender.cells["32", "male"].hidden and gender.cells["35", "female"].hidden
    assert gender.row_totals["32"].value == 44 and not gender.row_totals["32"].hidden
    assert all(high - low > 0.5 for low, high in attack(tables).values())
    html = gender.display_rows()
    assert html[0]["cells"][:2] == [None, None] and html[0]["total"] == 44


def test_zeros_are_shown_and_hidden_ones_are_not_betrayed_by_their_sum() -> None:
    # Jawa Barat: one woman, one man, 20 undisclosed. Hiding the two 1s alone would let
    # readers compute x + y = 22 − 20 = 2, so both are 1; the rule hides a third number.
    groups = [
        inc.Group("32", "female", "18-30", "no", "web", 1),
        inc.Group("32", "male", "18-30", "no", "web", 1),
        inc.Group("32", "undisclosed", "18-30", "no", "web", 20),
        inc.Group("35", "female", "18-30", "no", "web", 20),
        inc.Group("35", "male", "18-30", "no", "web", 25),
        inc.Group("35", "undisclosed", "18-30", "no", "web", 12),
    ]
    regions = [("32", "Jawa Barat"), ("35", "Jawa Timur"), ("91", "Papua")]
    tables, _grand = inc.build_page(groups=groups, regions=regions, row_heading="Provinsi")
    gender = tables[0]
    row = gender.display_rows()[0]
    assert row["cells"][:2] == [None, None]
    assert row["cells"][2] is None or row["total"] is None
    assert gender.display_rows()[2]["cells"] == [0, 0, 0]  # Papua: nobody, shown as 0
    assert all(high - low > 0.5 for low, high in attack(tables).values())


def test_locked_totals_follow_the_national_page() -> None:
    groups = [
        inc.Group("32.73", "female", "18-30", "no", "web", 30),
        inc.Group("32.73", "male", "18-30", "no", "web", 3),
        inc.Group("32.04", "female", "31-45", "yes", "sms", 12),
        inc.Group("32.04", "male", "31-45", "yes", "sms", 11),
    ]
    regions = [("32.73", "Kota Bandung"), ("32.04", "Kab. Bandung"), ("32", "Provinsi")]
    locked: dict[inc.Key, int | None] = {("gender", "male"): None, ("all",): 56}
    tables, grand = inc.build_page(
        groups=groups, regions=regions, row_heading="Kabupaten/kota", locked=locked
    )
    assert grand.shown == 56
    assert tables[0].column_totals["male"].hidden
    assert all(high - low > 0.5 for low, high in attack(tables).values())


# ---- the page ---------------------------------------------------------------------------

_seq = count(1)


def make(world: Any, n: int, *, year: int = 2025, consent: bool = True, **fields: Any) -> None:
    fields.setdefault("region", world.region_bandung)
    fields.setdefault("channel", Channel.WEB)
    Report.objects.bulk_create(
        Report(
            tracking_id=f"TST{next(_seq):07d}",
            secret_hash="x" * 64,
            title="t",
            body="b",
            submitted_at=datetime(year, 6, 1, 10, 0, tzinfo=WIB),
            demographics_consent=consent,
            **fields,
        )
        for _ in range(n)
    )


CELL = re.compile(r"<td>(.*?)</td>", re.S)


def cells(html: str) -> list[str]:
    return [c.strip() for c in CELL.findall(html)]


def numbers(html: str) -> list[int]:
    return [int(c) for c in cells(html) if c.isdigit()]


def test_page_counts_consented_reports_of_the_year_and_hides_small_ones(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    make(world, 14, gender="female", age_band="18-30", has_disability=False)
    make(world, 12, gender="male", age_band="18-30", has_disability=False)
    make(world, 11, gender="female", age_band="31-45", has_disability=True, channel=Channel.SMS)
    make(world, 3, gender="male", age_band="31-45", has_disability=True)  # a small group
    make(world, 9, consent=False, gender="male")  # no consent: never counted
    make(world, 20, year=2024, gender="female")  # another year
    make(world, 13, gender="female", region=world.region_surabaya)
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"tahun": "2025"})
    html = response.content.decode()
    assert response.status_code == 200
    shown = numbers(html)
    assert shown and all(n == 0 or n >= 10 for n in shown)
    assert max(shown) >= 10
    assert "53" in cells(html)  # grand total: 14 + 12 + 11 + 3 + 13
    assert "disembunyikan" in html and "×" in html
    assert "<caption>" in html and 'scope="row"' in html
    assert "Jawa Barat" in html and "Papua" in html

    # The province page: regencies as rows, totals as on the national page's row.
    province = client.get(URL, {"tahun": "2025", "provinsi": "32"}).content.decode()
    assert "Kota Bandung" in province and "Kota Surabaya" not in province
    assert all(n == 0 or n >= 10 for n in numbers(province))
    national, _grand = inc.national_tables(2025)
    tables, grand = inc.province_tables(2025, world.province_jabar)
    assert grand.value == 40  # Jawa Barat: 14 + 12 + 11 + 3
    assert grand.shown == national[0].row_totals["32"].shown
    for c, _label in national[0].columns:
        assert tables[0].column_totals[c].shown == national[0].cells["32", c].shown


def test_bad_filters_are_ignored_and_explained(client: Any, world: Any) -> None:
    response = client.get(URL, {"tahun": "abad", "provinsi": "99"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "tidak dikenal" in html and "Seluruh Indonesia" in html


def test_results_are_cached_per_year_and_region(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    make(world, 15, gender="female")
    client.get(URL, {"tahun": "2025"})
    with django_assert_max_num_queries(2):  # the province list only
        client.get(URL, {"tahun": "2025"})
