"""The coordinator view: mentored agencies with their units, open and overdue counts and
the follow-up rate, read-only; bounded queries whatever the number of units."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from aduan.agencies.models import Agency, Role
from aduan.backoffice import performance
from tests.factories import report, staff
from tests.test_backoffice_support import (
    act,
    action_url,
    as_user,
    days_ago,
    dispatched_to,
    staff_url,
    text,
)

VIEW = "/petugas/koordinator/"


def _row(html: str, name: str) -> list[str]:
    start = html.index(f">{name}</a></th>")
    row = html[start : html.index("</tr>", start)]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in row.split("<td>")[1:]]


def test_figures_per_agency_and_unit(client: Any, world: Any) -> None:
    # Bandung: one overdue (dispatched long ago), one followed up, one at the health unit.
    # Dispatched 40 days ago: inside the 12-month window, past the first-response limit.
    late = report(now=days_ago(41), region=world.region_bandung)
    act(late, "dispatch", world.desk, agency=world.bandung, at=days_ago(40))
    answered = dispatched_to(world, world.bandung)
    act(answered, "respond", world.bandung_officer, message="Selesai.")
    at_unit = dispatched_to(world, world.bandung)
    act(at_unit, "forward", world.bandung_officer, agency=world.bandung_dinkes)
    dispatched_to(world, world.surabaya)  # not mentored: never counted

    html = text(as_user(client, world.coordinator).get(VIEW))
    # Bandung (subtree): open = late + answered(responded) + at_unit; overdue = late.
    assert _row(html, "Pemerintah Kota Bandung")[:2] == ["3", "1"]
    assert _row(html, "Pemerintah Kota Bandung")[2].startswith("33%")
    assert _row(html, "Dinas Kesehatan Kota Bandung") == ["1", "0", "0% (0 dari 1)"]
    assert _row(html, "Dinas PUPR Kota Bandung") == ["0", "0", "belum ada data"]
    assert "Pemerintah Kota Surabaya" not in html


def test_drill_down_lists_open_reports_read_only(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung_dinkes, title="Obat habis di puskesmas")
    coordinator = as_user(client, world.coordinator)
    html = text(coordinator.get(VIEW, {"instansi": "32.73.DINKES"}))
    assert staff_url(r) in html
    page = text(coordinator.get(staff_url(r)))
    assert "Obat habis di puskesmas" in page and "/aksi/" not in page
    response = coordinator.post(action_url(r, "note"), {"note-message": "Tolong dipercepat."})
    assert response.status_code == 403
    assert not r.events.filter(action="note").exists()


def test_desk_may_look_at_any_agency(client: Any, world: Any) -> None:
    dispatched_to(world, world.surabaya)
    desk = as_user(client, world.desk)
    assert 'name="instansi"' in text(desk.get(VIEW))
    html = text(desk.get(VIEW, {"instansi": "35.78"}))
    assert _row(html, "Pemerintah Kota Surabaya")[:2] == ["1", "0"]


def test_query_count_does_not_grow_with_units(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        unit = Agency.objects.create(
            code=f"32.73.U{i}", name=f"Unit {i}", kind=Agency.Kind.UNIT, parent=world.bandung
        )
        dispatched_to(world, unit)
    staff(world.surabaya, Role.COORDINATOR, username="koord@example.id")
    coordinator = as_user(client, world.coordinator)
    coordinator.get(VIEW)
    with django_assert_max_num_queries(10):
        response = coordinator.get(VIEW)
    assert "Unit 11" in text(response)


def test_follow_up_rate_counts_each_report_once_per_subtree(world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    act(r, "forward", world.bandung_officer, agency=world.bandung_dinkes)
    act(r, "forward", world.bandung_officer, agency=world.bandung_pupr)
    act(r, "respond", world.bandung_officer, message="Sudah.")
    [group] = performance.coordinator_overview([world.bandung], now=timezone.now())
    assert (group.root.received, group.root.followed_up) == (1, 1)
    units = {u.agency.code: u for u in group.units}
    assert (units["32.73.DINKES"].received, units["32.73.DINKES"].followed_up) == (1, 0)
    assert (units["32.73.PUPR"].received, units["32.73.PUPR"].followed_up) == (1, 1)
