"""GET /api/v1/reports/{id}: public, status-only and reporter views of one report."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from aduan.reports import tracking
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Report
from tests.factories import submit

SECRET_TITLE = "Dugaan korupsi dana desa oleh Kepala Desa Sukamaju"
SECRET_BODY = "Bendahara desa Ibu Wulandari memalsukan kuitansi pembangunan jembatan."
REPORTER = {
    "reporter_name": "Rahmat Hidayat",
    "reporter_email": "rahmat.hidayat@example.id",
    "reporter_phone": "0813-9988-7766",
}


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def dispatch(world: Any, report: Report, agency: Any = None) -> Report:
    transition(
        report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=agency or world.bandung, category=world.category_roads),
    )
    return report


def url(report: Report | str) -> str:
    raw = report if isinstance(report, str) else report.tracking_id
    return f"/api/v1/reports/{raw}"


def test_public_view_of_a_dispatched_report(api, world):
    report = dispatch(world, submit(region=world.region_bandung).report)
    transition(
        report,
        "respond",
        actor=Actor.staff(world.bandung_officer),
        change=Change(message="Sudah diperbaiki. Hubungi 0812-1111-2222 bila rusak lagi."),
    )

    response = api.get(url(report))

    assert response.status_code == 200
    data = response.json()
    assert data["view"] == "public"
    assert data["tracking_id"] == tracking.display(report.tracking_id)
    assert data["status"] == "responded"
    assert data["status_label"] == "Ditindaklanjuti oleh instansi"
    assert data["public_title"] == report.public_title
    assert data["agency"] == {"code": "32.73", "name": "Pemerintah Kota Bandung"}
    assert data["region"] == {"code": "32.73", "name": "Kota Bandung"}
    assert data["category"]["code"] == world.category_roads.code
    assert data["deadlines"]["first_response_due_at"] is not None
    assert data["deadlines"]["completion_due_at"] is not None
    assert [e["action"] for e in data["timeline"]] == ["submit", "dispatch", "respond"]
    assert data["timeline"][0]["label"] == "Laporan diterima"
    assert data["timeline"][0]["from_status"] is None
    assert data["timeline"][2]["to_status"] == "responded"
    # The public sees the redacted follow-up, never the officer's phone number.
    assert "[telepon disamarkan]" in data["timeline"][2]["message"]
    assert b"0812-1111-2222" not in response.content
    assert "title" not in data and "body" not in data


def test_public_view_redacts_personal_data_in_the_text(api, world):
    report = dispatch(world, submit(body="NIK saya 3273012345678901, telepon 081234567890.").report)

    response = api.get(url(report))

    assert "[NIK/KK disamarkan]" in response.json()["public_body"]
    assert b"3273012345678901" not in response.content
    assert b"081234567890" not in response.content


def test_unverified_report_text_is_not_published(api, world):
    receipt = submit(title="Belum diperiksa admin", body="Tuduhan yang belum diverifikasi.")

    public = api.get(url(receipt.report))
    own = api.get(url(receipt.report), HTTP_X_REPORT_SECRET=receipt.secret)

    assert public.json()["view"] == "public"
    assert public.json()["status"] == "submitted"
    assert public.json()["public_title"] is None
    assert public.json()["public_body"] is None
    assert b"Belum diperiksa" not in public.content
    assert b"belum diverifikasi" not in public.content
    assert own.json()["public_title"] == "Belum diperiksa admin"
    assert own.json()["body"] == "Tuduhan yang belum diverifikasi."


def test_staff_only_and_parties_events_are_not_public(api, world):
    report = submit().report
    transition(
        report,
        "request_info",
        actor=Actor.staff(world.desk),
        change=Change(message="Mohon kirim foto lokasi ke pesan ini."),
    )

    response = api.get(url(report))

    assert [e["action"] for e in response.json()["timeline"]] == ["submit"]
    assert b"foto lokasi" not in response.content


def test_confidential_report_shows_status_only(api, world):
    report = submit(
        title=SECRET_TITLE,
        body=SECRET_BODY,
        is_confidential=True,
        region=world.region_bandung,
        category=world.category_health,
        **REPORTER,
    ).report
    dispatch(world, report)

    response = api.get(url(report))

    assert response.status_code == 200
    data = response.json()
    assert data["view"] == "status"
    assert set(data) == {
        "view",
        "tracking_id",
        "tracking_id_raw",
        "status",
        "status_label",
        "submitted_at",
        "updated_at",
        "timeline",
    }
    assert all(
        set(e) == {"action", "label", "from_status", "to_status", "at"} for e in data["timeline"]
    )
    for secret in (
        SECRET_TITLE,
        SECRET_BODY,
        "Sukamaju",
        "Wulandari",
        "Pemerintah Kota Bandung",
        *REPORTER.values(),
    ):
        assert secret.encode() not in response.content


def test_anonymous_reporter_identity_appears_nowhere(api, world):
    receipt = submit(is_anonymous=True, **REPORTER)
    dispatch(world, receipt.report)

    public = api.get(url(receipt.report))
    own = api.get(url(receipt.report), HTTP_X_REPORT_SECRET=receipt.secret)

    assert public.status_code == own.status_code == 200
    assert own.json()["view"] == "reporter"
    for response in (public, own):
        for value in (*REPORTER.values(), "Rahmat", "rahmat.hidayat"):
            assert value.encode() not in response.content


def test_secret_holder_sees_text_and_conversation(api, world):
    receipt = submit(title=SECRET_TITLE, body=SECRET_BODY, is_confidential=True, **REPORTER)
    report = receipt.report
    transition(
        report,
        "request_info",
        actor=Actor.staff(world.desk),
        change=Change(message="Mohon sebutkan nama jembatannya."),
    )
    transition(
        report,
        "provide_info",
        actor=Actor.reporter(),
        change=Change(message="Jembatan Cikapundung, dekat balai desa."),
    )

    response = api.get(url(report), HTTP_X_REPORT_SECRET=receipt.secret)

    assert response.status_code == 200
    data = response.json()
    assert data["view"] == "reporter"
    assert data["title"] == SECRET_TITLE
    assert data["body"] == SECRET_BODY
    assert data["is_confidential"] is True
    messages = {e["action"]: e["message"] for e in data["timeline"]}
    assert messages["request_info"] == "Mohon sebutkan nama jembatannya."
    assert messages["provide_info"] == "Jembatan Cikapundung, dekat balai desa."
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "X-Report-Secret" in response["Vary"]
    # The reporter's own identity is not part of any API view.
    for value in REPORTER.values():
        assert value.encode() not in response.content


def test_secret_in_query_parameter_works_too(api, world):
    receipt = submit(is_confidential=True)

    data = api.get(url(receipt.report), {"k": receipt.secret}).json()

    assert data["view"] == "reporter"


def test_wrong_secret_gets_the_ordinary_view(api, world):
    receipt = submit(title=SECRET_TITLE, is_confidential=True)
    other = submit()

    response = api.get(url(receipt.report), HTTP_X_REPORT_SECRET=other.secret)

    assert response.status_code == 200
    assert response.json()["view"] == "status"
    assert SECRET_TITLE.encode() not in response.content


def test_tracking_id_is_forgiving_about_case_and_hyphen(api, world):
    report = submit().report
    typed = tracking.display(report.tracking_id).lower()

    response = api.get(url(typed))

    assert response.status_code == 200
    assert response.json()["tracking_id_raw"] == report.tracking_id


def test_unknown_and_malformed_ids_get_the_same_404(api, world):
    report = submit().report
    payload = report.tracking_id[:-1]
    # A well-formed ID (right check symbol) that no report has.
    unknown = next(
        candidate
        for candidate in (tracking.new_tracking_id() for _ in range(100))
        if candidate != report.tracking_id
    )
    wrong_check = payload + ("0" if report.tracking_id[-1] != "0" else "1")

    responses = [api.get(url(raw)) for raw in (unknown, wrong_check, "not-an-id", "x" * 300)]

    assert [r.status_code for r in responses] == [404] * 4
    assert len({r.content for r in responses}) == 1
    assert responses[0].json()["error"]["code"] == "not_found"


def test_detail_uses_a_bounded_number_of_queries(api, world, django_assert_max_num_queries):
    report = dispatch(world, submit(region=world.region_bandung).report)
    for n in range(5):
        transition(
            report,
            "update",
            actor=Actor.staff(world.bandung_officer),
            change=Change(message=f"Perkembangan {n}"),
        )

    # The report, its timeline, and whether its text is public.
    with django_assert_max_num_queries(3):
        response = api.get(url(report))

    assert len(response.json()["timeline"]) == 7


@pytest.mark.parametrize("language", ["id", "en"])
def test_hand_written_views_equal_the_documented_serializers(world, language):
    """The lookup writes its JSON by hand (speed); it must be exactly what the OpenAPI
    serializers define, field order included, for every view and many states."""
    import json
    from datetime import date

    from django.utils import translation

    from aduan.reports import access, selectors
    from aduan.reports.api import representations as rep

    plain = dispatch(
        world, submit(region=world.region_bandung, incident_date=date(2025, 1, 2)).report
    )
    transition(
        plain,
        "respond",
        actor=Actor.staff(world.bandung_officer),
        change=Change(message="Sudah diperbaiki, hubungi 0812-1111-2222."),
    )
    fresh = submit(title=SECRET_TITLE, body=SECRET_BODY, **REPORTER).report
    rejected = submit().report
    transition(rejected, "reject", actor=Actor.staff(world.desk), change=Change(reason="spam"))
    secret = submit(is_confidential=True, is_anonymous=True, **REPORTER).report
    with translation.override(language):
        for report in (plain, fresh, rejected, secret):
            report = access.report_by_tracking_id(report.tracking_id)
            for view in (rep.VIEW_STATUS, rep.VIEW_PUBLIC, rep.VIEW_REPORTER):
                for show_text in (True, False):
                    events = selectors.timeline_events(
                        report, include_parties=view == rep.VIEW_REPORTER
                    )
                    args = {"view": view, "events": events, "show_text": show_text}
                    fast = rep.render_report(report, **args)
                    documented = rep.render_report_with_serializers(report, **args)
                    assert json.dumps(fast) == json.dumps(documented), (report.status, view)
