"""Open311 GET requests and requests/{id}: the spec's filters, paging, and who sees what
(the public sees verified non-confidential reports; an agency's key adds its own)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from aduan.integrations.models import Scope
from aduan.open311 import forms
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Report
from tests.factories import submit
from tests.open311_schemas import FORMATS, errors_of, make_key, parse, url


def dispatched(world: Any, *, agency: Any = None, **fields: Any) -> Report:
    fields.setdefault("category", world.category_roads)
    report = submit(**fields).report
    transition(
        report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=agency or world.bandung),
    )
    return report


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["service_request_id"] for item in parse(response, "requests")]


def get(client: Any, fmt: str = "json", **params: Any) -> Any:
    return client.get(url("requests", fmt), params)


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_list_shows_only_verified_non_confidential_reports(client, world, fmt):
    public = dispatched(
        world,
        body="Jalan rusak, hubungi saya di 0812-3456-7890.",
        region=world.region_bandung,
        district=world.district_bandung,
        latitude="-6.914744",
        longitude="107.609810",
        reporter_name="Dewi Lestari",
        reporter_email="dewi@example.id",
    )
    dispatched(world, is_confidential=True)
    submit(title="Belum diverifikasi")

    response = get(client, fmt)

    assert ids(response) == [public.tracking_id]
    (item,) = parse(response, "requests")
    assert item["status"] == "open"
    assert item["service_code"] == "pekerjaan-umum-penataan-ruang"
    assert item["service_name"] == "Pekerjaan Umum dan Penataan Ruang"
    assert item["agency_responsible"] == "Pemerintah Kota Bandung"
    assert item["service_notice"] == "Terdisposisi — Pemerintah Kota Bandung"
    assert item["address"] == "Sukasari, Kota Bandung"
    assert item["address_id"] == "32.73.01"
    assert item["lat"] == pytest.approx(-6.914744)
    assert item["long"] == pytest.approx(107.60981)
    assert item["description"] == "Jalan rusak, hubungi saya di [telepon disamarkan]."
    assert item["expected_datetime"] is not None
    assert item["status_notes"] is None
    for private in (b"0812-3456-7890", b"Dewi", b"dewi@example.id"):
        assert private not in response.content


def test_status_notes_are_the_latest_public_message(client, world):
    report = dispatched(world)
    officer = Actor.staff(world.bandung_officer)
    transition(report, "accept", actor=officer)
    transition(report, "update", actor=officer, change=Change(message="Tim sudah ke lokasi."))
    transition(report, "note", actor=officer, change=Change(message="Catatan internal rahasia"))
    transition(report, "respond", actor=officer, change=Change(message="Lampu sudah diganti."))

    (item,) = parse(get(client), "requests")

    assert item["status_notes"] == "Lampu sudah diganti."
    assert item["status"] == "open"  # responded: the reporter may still answer


def test_closed_and_rejected_are_closed(client, world):
    report = dispatched(world)
    officer = Actor.staff(world.bandung_officer)
    transition(report, "respond", actor=officer, change=Change(message="Selesai diperbaiki."))
    transition(report, "close", actor=Actor.reporter())
    open_one = dispatched(world)

    assert ids(get(client, status="closed")) == [report.tracking_id]
    assert ids(get(client, status="open")) == [open_one.tracking_id]
    assert set(ids(get(client, status="open,closed"))) == {report.tracking_id, open_one.tracking_id}
    (message,) = errors_of(get(client, status="pending"), 400)
    assert message.startswith("status:")


def test_filter_by_service_code(client, world):
    roads = dispatched(world)
    health = dispatched(world, category=world.category_health)

    assert ids(get(client, service_code="kesehatan")) == [health.tracking_id]
    both = get(client, service_code="kesehatan,pekerjaan-umum-penataan-ruang")
    assert set(ids(both)) == {roads.tracking_id, health.tracking_id}
    assert ids(get(client, service_code="taman")) == []


def test_ids_list_overrides_other_filters(client, world):
    old = dispatched(world, now=timezone.now() - timedelta(days=200))
    new = dispatched(world, category=world.category_health)
    confidential = dispatched(world, is_confidential=True)
    display = f"{new.tracking_id[:5]}-{new.tracking_id[5:]}"
    wanted = f"{old.tracking_id}, {display},{confidential.tracking_id},junk"

    response = get(client, service_request_id=wanted, service_code="kesehatan", status="closed")

    assert set(ids(response)) == {old.tracking_id, new.tracking_id}


def test_date_window(client, world):
    now = timezone.now()
    old = dispatched(world, now=now - timedelta(days=100))
    recent = dispatched(world, now=now - timedelta(days=3))

    # Default: the last 90 days.
    assert ids(get(client)) == [recent.tracking_id]
    start = (now - timedelta(days=120)).isoformat()
    end = (now - timedelta(days=50)).isoformat()
    assert ids(get(client, start_date=start, end_date=end)) == [old.tracking_id]
    # One end given: 90 days from it.
    assert ids(get(client, start_date=start)) == [old.tracking_id]
    assert ids(get(client, end_date=now.isoformat())) == [recent.tracking_id]


def test_date_with_a_plus_lost_in_the_query_string(client, world):
    report = dispatched(world)
    start = (timezone.localtime() - timedelta(days=1)).replace(microsecond=0).isoformat()

    raw = f"{url('requests', 'json')}?start_date={start.replace('+', '%20')}"

    assert ids(client.get(raw)) == [report.tracking_id]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-01-01T00:00:00+07:00", "end_date": "2026-06-01T00:00:00+07:00"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
        {"start_date": "kemarin"},
        {"page_size": "1001"},
        {"page": "0"},
    ],
)
def test_bad_filters_are_400(client, world, params):
    errors_of(get(client, "xml", **params), 400)


def test_paging_with_a_link_to_the_next_page(client, world):
    now = timezone.now()
    reports = [dispatched(world, now=now - timedelta(hours=h)) for h in range(3)]

    first = get(client, page_size="2")

    assert ids(first) == [r.tracking_id for r in reports[:2]]
    next_url = urlparse(first["Link"].split(";")[0].strip("<>"))
    query = {k: v[0] for k, v in parse_qs(next_url.query).items()}
    assert query == {"page_size": "2", "page": "2"}
    second = get(client, **query)
    assert ids(second) == [reports[2].tracking_id]
    assert "Link" not in second


def test_default_page_size(client, world, monkeypatch):
    assert forms.DEFAULT_PAGE_SIZE == 50
    monkeypatch.setattr(forms, "DEFAULT_PAGE_SIZE", 2)
    for _ in range(3):
        dispatched(world)

    response = get(client)

    assert len(ids(response)) == 2
    assert "page=2" in response["Link"]


def test_list_query_count_is_bounded(client, world, django_assert_max_num_queries):
    officer = Actor.staff(world.bandung_officer)
    for _ in range(6):
        report = dispatched(world, region=world.region_bandung, district=world.district_bandung)
        transition(report, "update", actor=officer, change=Change(message="Sedang dikerjakan."))
    key = make_key(world.bandung)

    with django_assert_max_num_queries(1):
        assert len(ids(get(client))) == 6
    with django_assert_max_num_queries(3):
        assert len(ids(get(client, api_key=key))) == 6


# ---- an agency's key ------------------------------------------------------------------


def test_key_adds_its_own_confidential_and_filed_reports(client, world):
    bandung_secret = dispatched(world, agency=world.bandung_dinkes, is_confidential=True)
    surabaya_secret = dispatched(world, agency=world.surabaya, is_confidential=True)
    filed = submit(source_agency=world.bandung, external_id="BDG-1").report
    unverified_other = submit().report
    public = dispatched(world, agency=world.surabaya)

    bandung = set(ids(get(client, api_key=make_key(world.bandung, [Scope.READ]))))
    surabaya = set(ids(get(client, api_key=make_key(world.surabaya, [Scope.READ]))))

    assert bandung == {bandung_secret.tracking_id, filed.tracking_id, public.tracking_id}
    assert surabaya == {surabaya_secret.tracking_id, public.tracking_id}
    assert unverified_other.tracking_id not in bandung | surabaya


def test_key_reads_are_not_cacheable(client, world):
    dispatched(world)
    response = get(client, api_key=make_key(world.bandung))

    assert "no-store" in response["Cache-Control"]
    assert "Cache-Control" not in get(client)


def test_invalid_or_unscoped_key_is_403_even_for_reads(client, world):
    errors_of(get(client, api_key="adn_x_y"), 403)
    errors_of(get(client, api_key=make_key(world.bandung, [Scope.WEBHOOKS])), 403)


# ---- one request ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request(client, world, fmt):
    report = dispatched(world)
    display = f"{report.tracking_id[:5]}-{report.tracking_id[5:]}"

    (item,) = parse(client.get(url(f"requests/{display}", fmt)), "requests")

    assert item["service_request_id"] == report.tracking_id


@pytest.mark.parametrize("fmt", FORMATS)
def test_hidden_request_answers_like_an_unknown_one(client, world, fmt):
    confidential = dispatched(world, is_confidential=True)
    unverified = submit().report

    hidden = errors_of(client.get(url(f"requests/{confidential.tracking_id}", fmt)), 404)
    hidden += errors_of(client.get(url(f"requests/{unverified.tracking_id}", fmt)), 404)
    unknown = errors_of(client.get(url("requests/0000000000", fmt)), 404)

    assert [m.replace(confidential.tracking_id, "ID") for m in hidden[:1]] == [
        m.replace("0000000000", "ID") for m in unknown
    ]


def test_one_confidential_request_with_the_handling_agency_key(client, world):
    report = dispatched(world, agency=world.bandung_dinkes, is_confidential=True)
    path = url(f"requests/{report.tracking_id}", "json")

    assert parse(client.get(path, {"api_key": make_key(world.bandung)}), "requests")
    errors_of(client.get(path, {"api_key": make_key(world.surabaya)}), 404)


def test_text_xml_cannot_carry_is_dropped_not_fatal(client, world):
    report = dispatched(world, body="Lampu\x0bmati \x01 di gang 🙏 <b>&amp;</b>")

    (item,) = parse(get(client, "xml"), "requests")

    assert item["service_request_id"] == report.tracking_id
    assert item["description"] == "Lampumati  di gang 🙏 <b>&amp;</b>"
    (same,) = parse(get(client, "json"), "requests")
    assert same["description"] == "Lampu\x0bmati \x01 di gang 🙏 <b>&amp;</b>"
