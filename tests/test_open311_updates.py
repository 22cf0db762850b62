"""The servicerequestupdates extension: reading status changes, and the handling agency's
system posting its progress (idempotent by its own update_id)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from aduan.integrations import keys
from aduan.integrations.models import ApiKey, Scope
from aduan.open311 import services
from aduan.open311.models import Open311Update
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Report, ReportEvent, Status
from tests.factories import submit
from tests.open311_schemas import FORMATS, errors_of, make_key, parse, url
from tests.test_concurrency import race


def dispatched(world: Any, *, agency: Any = None, **fields: Any) -> Report:
    report = submit(category=world.category_roads, **fields).report
    transition(
        report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=agency or world.bandung),
        now=fields.get("now"),
    )
    return report


def updates(client: Any, fmt: str = "json", **params: Any) -> list[dict[str, Any]]:
    response = client.get(url("servicerequestupdates", fmt), params)
    assert response.status_code == 200, response.content
    return parse(response, "updates")


def post(client: Any, data: dict[str, Any], fmt: str = "json", **extra: Any) -> Any:
    return client.post(url("servicerequestupdates", fmt), data, **extra)


@pytest.fixture
def bandung_key(world: Any) -> str:
    return make_key(world.bandung)


def update_form(report: Report, api_key: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "api_key": api_key,
        "service_request_id": report.tracking_id,
        "status": "open",
        "description": "Petugas sudah meninjau lokasi, hubungi 0812-3456-7890.",
        "update_id": "SIMPEL-991",
        "updated_datetime": "2020-01-01T08:00:00+07:00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# ---- reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_updates_of_public_reports(client, world, fmt):
    report = dispatched(world)
    officer = Actor.staff(world.bandung_officer)
    transition(report, "accept", actor=officer)
    transition(report, "note", actor=officer, change=Change(message="Catatan internal"))
    transition(report, "respond", actor=officer, change=Change(message="Sudah diperbaiki."))
    transition(report, "reporter_reply", actor=Actor.reporter(), change=Change(message="Belum!"))
    dispatched(world, is_confidential=True)

    items = updates(client, fmt)

    assert [(u["status"], u["description"]) for u in items] == [
        ("open", "Diverifikasi dan didisposisikan"),
        ("open", "Diterima dan diproses instansi"),
        ("open", "Sudah diperbaiki."),
    ]
    assert {u["service_request_id"] for u in items} == {report.tracking_id}
    events = report.events.filter(action__in=["dispatch", "accept", "respond"]).order_by("id")
    assert [u["update_id"] for u in items] == [str(e.pk) for e in events]


def test_handling_agency_key_also_gets_the_conversation(client, world, bandung_key):
    report = dispatched(world, is_confidential=True)
    officer = Actor.staff(world.bandung_officer)
    transition(report, "respond", actor=officer, change=Change(message="Sudah diperbaiki."))
    transition(report, "reporter_reply", actor=Actor.reporter(), change=Change(message="Belum!"))
    transition(report, "note", actor=officer, change=Change(message="Catatan internal"))

    own = updates(client, api_key=bandung_key)
    other = updates(client, api_key=make_key(world.surabaya))

    assert [u["description"] for u in own] == [
        "Diverifikasi dan didisposisikan",
        "Sudah diperbaiki.",
        "Belum!",
    ]
    assert other == []


def test_filters_by_request_and_window(client, world):
    now = timezone.now()
    old = dispatched(world, now=now - timedelta(days=100))
    transition(
        old,
        "update",
        actor=Actor.staff(world.bandung_officer),
        change=Change(message="Lama sekali"),
        now=now - timedelta(days=95),
    )
    recent = dispatched(world)

    assert {u["service_request_id"] for u in updates(client)} == {recent.tracking_id}
    start = (now - timedelta(days=99)).isoformat()
    end = (now - timedelta(days=90)).isoformat()
    assert [u["description"] for u in updates(client, start_date=start, end_date=end)] == [
        "Lama sekali"
    ]
    assert updates(client, service_request_id=old.tracking_id) == []  # outside the window
    assert {
        u["service_request_id"] for u in updates(client, service_request_id=recent.tracking_id)
    } == {recent.tracking_id}


def test_update_list_query_count_is_bounded(client, world, django_assert_max_num_queries):
    officer = Actor.staff(world.bandung_officer)
    for _ in range(5):
        report = dispatched(world)
        transition(report, "update", actor=officer, change=Change(message="Dikerjakan."))

    with django_assert_max_num_queries(1):
        assert len(updates(client)) == 10


# ---- posting -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_open_update_is_an_interim_update(client, world, bandung_key, fmt):
    report = dispatched(world, agency=world.bandung_dinkes)

    response = post(client, update_form(report, bandung_key), fmt)

    assert response.status_code == 201, response.content
    (item,) = parse(response, "updates")
    event = ReportEvent.objects.get(pk=int(item["update_id"]))
    assert event.action == "update"
    assert event.actor_label.startswith("api-key:")
    assert event.public_message == "Petugas sudah meninjau lokasi, hubungi [telepon disamarkan]."
    assert item["description"] == event.public_message
    assert item["status"] == "open"
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert report.first_response_at is not None
    mapping = Open311Update.objects.get()
    assert mapping.update_id == "SIMPEL-991" and mapping.agency == world.bandung
    # The client's clock is kept for reference, never used for deadlines.
    assert mapping.client_datetime.year == 2020
    assert event.created_at > timezone.now() - timedelta(minutes=5)


@pytest.mark.parametrize("status", ["closed", "FIXED"])
def test_closed_update_is_the_follow_up(client, world, bandung_key, status):
    report = dispatched(world)

    (item,) = parse(post(client, update_form(report, bandung_key, status=status)), "updates")

    report.refresh_from_db()
    assert report.status == Status.RESPONDED
    assert ReportEvent.objects.get(pk=int(item["update_id"])).action == "respond"
    assert item["status"] == "open"  # responded: open until the reporter or the clock closes it


def test_same_update_id_twice_appends_one_event(client, world, bandung_key):
    report = dispatched(world)
    data = update_form(report, bandung_key)

    first = post(client, data)
    again = post(client, data, "xml")

    assert first.status_code == 201 and again.status_code == 200
    assert parse(first, "updates")[0]["update_id"] == parse(again, "updates")[0]["update_id"]
    assert report.events.filter(action="update").count() == 1
    # Even after the report moved on, the resend still finds its first event.
    post(client, update_form(report, bandung_key, update_id="SIMPEL-992", status="closed"))
    assert post(client, data).status_code == 200
    assert report.events.filter(action__in=["update", "respond"]).count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["update", "respond"])
def test_same_update_id_at_the_same_moment_appends_one_event(world, action):
    report = dispatched(world)
    key = keys.key_authenticate(make_key(world.bandung))
    assert key is not None

    def job():
        fresh = Report.objects.get(pk=report.pk)
        return services.update_post(
            key=key,
            report=fresh,
            action=action,
            message="Sedang ditangani.",
            update_id="SIMPEL-7",
            client_datetime=None,
        )

    results = race(job, job)

    assert all(isinstance(r, services.Posted) for r in results), results
    assert {r.event.pk for r in results} == {report.events.get(action=action).pk}
    assert sorted(r.is_new for r in results) == [False, True]


def test_update_id_of_another_request_is_409(client, world, bandung_key):
    first, second = dispatched(world), dispatched(world)
    post(client, update_form(first, bandung_key))

    (message,) = errors_of(post(client, update_form(second, bandung_key)), 409)

    assert "update_id" in message
    assert not second.events.filter(action="update").exists()


def test_update_ids_are_per_agency(client, world, bandung_key):
    bandung_report = dispatched(world)
    surabaya_report = dispatched(world, agency=world.surabaya)

    post(client, update_form(bandung_report, bandung_key))
    response = post(client, update_form(surabaya_report, make_key(world.surabaya)))

    assert response.status_code == 201
    assert Open311Update.objects.count() == 2


def test_idempotency_key_without_update_id(client, world, bandung_key):
    report = dispatched(world)
    data = update_form(report, bandung_key, update_id=None)

    post(client, data, HTTP_IDEMPOTENCY_KEY="u-1")
    again = post(client, data, HTTP_IDEMPOTENCY_KEY="u-1")

    assert again["Idempotent-Replayed"] == "true"
    assert report.events.filter(action="update").count() == 1
    assert post(client, data).status_code == 201  # no key, no update_id: a new update
    assert report.events.filter(action="update").count() == 2


def test_posted_update_is_listed_with_the_same_id(client, world, bandung_key):
    report = dispatched(world)
    (posted,) = parse(post(client, update_form(report, bandung_key)), "updates")

    listed = updates(client, service_request_id=report.tracking_id)

    assert posted in listed


# ---- who may post ------------------------------------------------------------------------


def test_another_agency_cannot_post_to_a_bandung_report(client, world):
    public = dispatched(world, agency=world.bandung_dinkes)
    confidential = dispatched(world, agency=world.bandung_dinkes, is_confidential=True)
    surabaya = make_key(world.surabaya)

    errors_of(post(client, update_form(public, surabaya)), 403)
    errors_of(post(client, update_form(confidential, surabaya)), 404)
    assert not ReportEvent.objects.filter(action="update").exists()


def test_a_unit_key_cannot_post_to_its_parents_report(client, world):
    report = dispatched(world, agency=world.bandung)

    errors_of(post(client, update_form(report, make_key(world.bandung_pupr))), 403)


def test_filed_but_not_handled_report_cannot_be_updated(client, world, bandung_key):
    """Bandung filed it and may follow it, but the desk routed it to Surabaya."""
    report = submit(source_agency=world.bandung).report
    transition(
        report, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.surabaya)
    )

    errors_of(post(client, update_form(report, bandung_key)), 403)


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_read_only_or_invalid_key_is_403(client, world, fmt):
    report = dispatched(world)

    errors_of(post(client, update_form(report, None), fmt), 403)
    errors_of(post(client, update_form(report, make_key(world.bandung, [Scope.READ])), fmt), 403)
    errors_of(post(client, update_form(report, "adn_bad_key"), fmt), 403)
    assert ApiKey.objects.count() == 1


# ---- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "starts"),
    [
        ({"description": None}, "description:"),
        ({"status": "duplicate"}, "status:"),
        ({"status": None}, "status:"),
        ({"service_request_id": None}, "service_request_id:"),
        ({"updated_datetime": "kemarin sore"}, "updated_datetime:"),
        ({"update_id": "x" * 101}, "update_id:"),
    ],
)
def test_bad_input_is_400(client, world, bandung_key, overrides, starts):
    report = dispatched(world)

    messages = errors_of(post(client, update_form(report, bandung_key, **overrides)), 400)

    assert any(m.startswith(starts) for m in messages), messages


def test_unknown_request_is_404(client, world, bandung_key):
    report = dispatched(world)

    errors_of(post(client, update_form(report, bandung_key, service_request_id="0000000000")), 404)


def test_state_that_allows_no_update_is_409(client, world, bandung_key):
    report = dispatched(world)
    transition(
        report,
        "respond",
        actor=Actor.staff(world.bandung_officer),
        change=Change(message="Selesai."),
    )

    (message,) = errors_of(post(client, update_form(report, bandung_key)), 409)

    assert "Ditindaklanjuti" in message
    assert not Open311Update.objects.exists()
