"""The statistics pages on the demo data (`aduan seed --demo`, as `make run` loads it):
the public dashboard, an agency's page and a coordinator's page show numbers that this
test recomputes from the raw report rows."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from aduan.stats.models import NationalTarget
from tests.test_backoffice_support import as_user, text
from tests.test_refdata import clear_reference_data
from tests.test_stats_pages import _cells_row, _expected, _kpi


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        call_command("loadrefdata", stdout=StringIO())
        yield
        clear_reference_data()


pytestmark = [pytest.mark.usefixtures("loaded"), pytest.mark.django_db]


def test_demo_dashboards_show_the_raw_numbers(client: Any) -> None:
    # The default targets come from a data migration, which a transactional test run
    # earlier in the same process may have flushed.
    NationalTarget.objects.get_or_create(
        year=timezone.localdate().year,
        defaults={"reports_target": 454_790, "follow_up_target": Decimal("0.70")},
    )
    call_command("seed", "--demo", "--reports", "40", stdout=StringIO())
    national = _expected()
    assert national["received"] > 0
    html = text(client.get("/statistik/"))
    assert _kpi(html, "Laporan diterima") == str(national["received"])
    assert _kpi(html, "Didisposisikan") == str(national["dispatched"])
    assert _kpi(html, "Ditindaklanjuti") == str(national["followed_up"])
    assert "Target nasional" in html and "Cara menghitung proyeksi" in html

    bandung = _expected("/32.73/")
    html = text(client.get("/statistik/instansi/32.73/"))
    assert _kpi(html, "Laporan diterima") == str(bandung["received"])
    assert _kpi(html, "Ditindaklanjuti") == str(bandung["followed_up"])

    coordinator = get_user_model().objects.get(username="koordinator.jabar@demo.aduan.id")
    response = as_user(client, coordinator).get("/petugas/statistik/koordinator/")
    assert response.status_code == 200
    html = text(response)
    assert "Pemerintah Kota Bandung" in html
    if bandung["dispatched"]:
        rate = 100 * bandung["followed_up"] / bandung["dispatched"]
        start = html.index("Pemerintah Kota Bandung</h2>")
        cells = _cells_row(html[start:], "Tingkat tindak lanjut")
        assert cells[0] == f"{rate:.1f}%".replace(".", ",")
