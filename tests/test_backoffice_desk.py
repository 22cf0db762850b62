"""The verification desk: queue order and badges, filters, the report page's desk
actions (dispatch with public edits and privacy flags, request info, reject, merge) and
bulk actions with a conflict."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.messages import get_messages

from aduan.audit.models import AuditRecord
from aduan.reports.models import Channel, Report, ReportEvent, Status
from tests.factories import report
from tests.test_backoffice_support import (
    LONG_AGO,
    act,
    action_url,
    as_user,
    dispatched_to,
    recent,
    staff_url,
    text,
)

QUEUE = "/petugas/meja/"


def _positions(html: str, reports: list[Report]) -> list[int]:
    return [html.index(f"/petugas/laporan/{r.tracking_id}/") for r in reports]


# ---- the queue --------------------------------------------------------------------------


def test_queue_orders_by_deadline_and_marks_overdue(client: Any, world: Any) -> None:
    fresh = recent(title="Lampu jalan mati")
    oldest = report(now=LONG_AGO, title="Sampah menumpuk")
    older = report(now=LONG_AGO + timedelta(days=7), title="Air PDAM keruh")
    html = text(as_user(client, world.desk).get(QUEUE))
    first, second, third = _positions(html, [oldest, older, fresh])
    assert first < second < third
    # Received in 2024: the 3-working-day limit passed long ago; the fresh one is on time.
    assert html.count("badge-late") == 2
    assert "Terlambat" in html
    row = html[third : html.index("</tr>", third)]
    assert "Terlambat" not in row


def test_queue_shows_bounces_and_hides_other_states(client: Any, world: Any) -> None:
    bounced = dispatched_to(world, world.bandung)
    act(bounced, "return_to_desk", world.bandung_officer, reason="not_authority", message="Bukan.")
    done = dispatched_to(world, world.bandung)
    html = text(as_user(client, world.desk).get(QUEUE))
    assert bounced.tracking_id in html
    assert "Dikembalikan 1 kali" in html
    assert done.tracking_id not in html


def test_needs_info_tab(client: Any, world: Any) -> None:
    waiting = recent()
    act(waiting, "request_info", world.desk, message="Lokasi persisnya di mana?")
    submitted = recent()
    html = text(as_user(client, world.desk).get(QUEUE, {"status": "needs_info"}))
    assert waiting.tracking_id in html
    assert submitted.tracking_id not in html
    assert "Batas pelapor" in html


def test_queue_filters(client: Any, world: Any) -> None:
    sms = recent(channel=Channel.SMS, title="Pungli di puskesmas", region=world.region_surabaya)
    web = recent(channel=Channel.WEB, title="Jembatan retak", region=world.region_bandung)
    old = report(now=LONG_AGO, title="Trotoar rusak", category=world.category_roads)
    desk = as_user(client, world.desk)

    def shown(params: dict[str, str]) -> set[str]:
        html = text(desk.get(QUEUE, params))
        return {r.tracking_id for r in (sms, web, old) if r.tracking_id in html}

    assert shown({"channel": "sms"}) == {sms.tracking_id}
    assert shown({"province": "32"}) == {web.tracking_id}
    assert shown({"category": world.category_roads.code}) == {old.tracking_id}
    assert shown({"overdue": "on"}) == {old.tracking_id}
    assert shown({"q": "jembatan"}) == {web.tracking_id}
    assert shown({"q": sms.tracking_id.lower()}) == {sms.tracking_id}
    # A stale or invalid filter is ignored and explained, never an error page.
    response = desk.get(QUEUE, {"channel": "telegram", "page": "99"})
    assert response.status_code == 200
    assert "saringan ini diabaikan" in text(response)


def test_queue_query_count_is_bounded(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        report(now=LONG_AGO + timedelta(hours=i), region=world.region_bandung)
    desk = as_user(client, world.desk)
    desk.get(QUEUE)  # warm the session and caches
    with django_assert_max_num_queries(14):
        response = desk.get(QUEUE)
    assert response.content.decode().count("badge-late") == 30


# ---- the report page: desk view ---------------------------------------------------------


def test_desk_sees_originals_public_versions_and_duplicate_candidates(
    client: Any, world: Any
) -> None:
    from aduan.dedup.services import index_report

    body = "Jalan rusak parah berlubang besar di depan SDN Sukasari, sudah tiga bulan."
    r = recent(
        title="Jalan rusak di depan SDN Sukasari",
        body=body + " Hubungi saya di 0812 3456 7890 soal jalan rusak ini.",
        region=world.region_bandung,
    )
    twin = recent(title="Jalan rusak dekat SDN Sukasari", body=body, region=world.region_bandung)
    elsewhere = recent(title="Jalan rusak di SDN Sukasari", body=body, region=world.region_surabaya)
    unrelated = recent(
        title="Air PDAM tidak mengalir",
        body="Air PDAM tidak mengalir tiga hari di perumahan kami.",
        region=world.region_bandung,
    )
    for each in (r, elsewhere, unrelated, twin):
        index_report(each)
    html = text(as_user(client, world.desk).get(staff_url(r)))
    assert "0812 3456 7890" in html  # the original, for staff
    assert "[telepon disamarkan]" in html  # and the public version
    similar = html[html.index("Kemungkinan duplikat") :]
    assert twin.tracking_id in similar
    assert elsewhere.tracking_id not in similar
    assert unrelated.tracking_id not in similar


def test_dispatch_through_the_page_with_public_edits_and_confidential_flag(
    client: Any, world: Any
) -> None:
    r = recent(title="Pungli di kantor kelurahan", body="Petugas minta uang.")
    desk = as_user(client, world.desk)
    response = desk.post(
        action_url(r, "dispatch"),
        {
            "dispatch-agency": world.bandung_pupr.code,
            "dispatch-category": world.category_roads.code,
            "dispatch-type": "complaint",
            "dispatch-needs_inspection": "on",
            "dispatch-public_title": "Pungutan liar, hubungi 0812 3456 7890",
            "dispatch-public_body": "Ringkasan untuk publik.",
            "dispatch-is_confidential": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == staff_url(r)
    r.refresh_from_db()
    assert r.status == Status.DISPATCHED
    assert r.agency == world.bandung_pupr
    assert r.category == world.category_roads
    assert r.needs_inspection
    assert r.is_confidential and not r.is_anonymous
    assert r.public_title == "Pungutan liar, hubungi [telepon disamarkan]"
    assert r.public_body == "Ringkasan untuk publik."
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Diverifikasi dan didisposisikan"]
    # Confidential: the public tracking page shows the status only.
    public = text(client.get(f"/lacak/{r.tracking_id}/"))
    assert "Pungutan liar" not in public


def test_dispatch_form_is_prefilled_with_the_current_flags(client: Any, world: Any) -> None:
    r = recent(is_anonymous=True, is_confidential=True, requested_agency=world.kemenkes)
    html = text(as_user(client, world.desk).get(staff_url(r)))
    assert 'id="id_dispatch-is_anonymous" checked' in html
    assert 'id="id_dispatch-is_confidential" checked' in html
    assert '<option value="KEMENKES" selected>' in html
    assert "tanda rahasia yang terlupa" in html


def test_dispatch_agency_search_finds_units(client: Any, world: Any) -> None:
    r = recent(region=world.region_surabaya)
    desk = as_user(client, world.desk)
    assert "32.73.DINKES" not in text(desk.get(staff_url(r)))
    html = text(desk.get(staff_url(r), {"cari_instansi": "kesehatan kota"}))
    assert '<option value="32.73.DINKES">' in html


def test_dispatch_errors_are_shown_on_the_fields(client: Any, world: Any) -> None:
    r = recent()
    response = as_user(client, world.desk).post(
        action_url(r, "dispatch"),
        {"dispatch-agency": world.desk_agency.code, "dispatch-public_title": "  "},
    )
    assert response.status_code == 400
    html = text(response)
    assert 'href="#id_dispatch-agency"' in html
    assert 'href="#id_dispatch-public_title"' in html
    assert 'aria-invalid="true"' in html
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED


def test_request_info_and_reject(client: Any, world: Any) -> None:
    desk = as_user(client, world.desk)
    r = recent()
    desk.post(action_url(r, "request_info"), {"request_info-message": "Di RT berapa?"})
    r.refresh_from_db()
    assert r.status == Status.NEEDS_INFO
    # Rejecting from needs_info, with a reason code and a note to the reporter.
    response = desk.post(
        action_url(r, "reject"), {"reject-reason": "incomplete", "reject-message": "Maaf."}
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.rejection_reason) == (Status.REJECTED, "incomplete")
    bad = recent()
    response = desk.post(action_url(bad, "reject"), {"reject-reason": "dibenci"})
    assert response.status_code == 400
    assert "Alasan penolakan" in text(response)


def test_merge_as_duplicate(client: Any, world: Any) -> None:
    main = recent(title="Banjir di Sukasari")
    dup = recent(title="Banjir di Sukasari lagi")
    desk = as_user(client, world.desk)
    response = desk.post(
        action_url(dup, "archive"), {"archive-merged_into": main.tracking_id.lower()}
    )
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.status == Status.ARCHIVED
    assert dup.merged_into == main
    assert dup.events.get(action="archive").reason == "duplicate"
    assert main.tracking_id in text(desk.get(staff_url(dup)))


def test_merge_target_is_validated(client: Any, world: Any) -> None:
    r = recent()
    desk = as_user(client, world.desk)
    for value, error in [
        (r.tracking_id, "dirinya sendiri"),
        ("ABCDE", "tidak valid"),
        ("", "Tulis alasan pengarsipan"),
    ]:
        response = desk.post(action_url(r, "archive"), {"archive-merged_into": value})
        assert response.status_code == 400, value
        assert error in text(response), value
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED


def test_action_on_a_report_that_moved_on_is_a_409(client: Any, world: Any) -> None:
    r = recent()
    desk = as_user(client, world.desk)
    page = desk.get(staff_url(r))
    assert page.status_code == 200
    act(r, "reject", world.desk, reason="spam")  # someone else, meanwhile
    response = desk.post(action_url(r, "request_info"), {"request_info-message": "Lokasi?"})
    assert response.status_code == 409
    assert "Muat ulang laporan" in text(response)


def test_lifecycle_missing_input_is_shown_on_the_field(
    client: Any, world: Any, monkeypatch: Any
) -> None:
    from aduan.reports import lifecycle
    from aduan.reports.errors import MissingInput

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise MissingInput("Instansi ini sedang tidak menerima laporan.", field="agency")

    monkeypatch.setattr(lifecycle, "transition", refuse)
    r = recent()
    response = as_user(client, world.desk).post(
        action_url(r, "dispatch"),
        {
            "dispatch-agency": "32.73",
            "dispatch-type": "complaint",
            "dispatch-public_title": "Judul",
        },
    )
    assert response.status_code == 400
    html = text(response)
    assert "Instansi ini sedang tidak menerima laporan." in html
    assert 'href="#id_dispatch-agency"' in html


# ---- bulk actions -----------------------------------------------------------------------


def test_bulk_dispatch_with_one_conflict(client: Any, world: Any) -> None:
    a, b, c = recent(), recent(), recent()
    desk = as_user(client, world.desk)
    desk.get(QUEUE)
    act(b, "dispatch", world.desk, agency=world.surabaya)  # another desk member was faster
    response = desk.post(
        "/petugas/meja/massal/",
        {
            "laporan": [a.tracking_id, b.tracking_id, c.tracking_id],
            "action": "dispatch",
            "agency": world.bandung.code,
            "category": world.category_health.code,
            "next": "channel=web",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?channel=web"
    for r in (a, c):
        r.refresh_from_db()
        assert (r.status, r.agency, r.category) == (
            Status.DISPATCHED,
            world.bandung,
            world.category_health,
        )
    b.refresh_from_db()
    assert b.agency == world.surabaya  # untouched
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages[0] == "2 laporan berhasil diproses."
    assert messages[1].startswith(f"{b.tracking_id[:5]}-{b.tracking_id[5:]} tidak diproses:")
    assert ReportEvent.objects.filter(action="dispatch").count() == 3


def test_bulk_reject_and_request_info(client: Any, world: Any) -> None:
    a, b = recent(), recent()
    desk = as_user(client, world.desk)
    desk.post(
        "/petugas/meja/massal/",
        {"laporan": [a.tracking_id], "action": "reject", "reason": "spam"},
    )
    desk.post(
        "/petugas/meja/massal/",
        {"laporan": [b.tracking_id], "action": "request_info", "message": "Foto?"},
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.rejection_reason) == (Status.REJECTED, "spam")
    assert b.status == Status.NEEDS_INFO
    assert b.events.get(action="request_info").message == "Foto?"


def test_bulk_form_errors_rerender_the_queue(client: Any, world: Any) -> None:
    a = recent()
    desk = as_user(client, world.desk)
    response = desk.post(
        "/petugas/meja/massal/", {"laporan": [a.tracking_id], "action": "request_info"}
    )
    assert response.status_code == 400
    html = text(response)
    assert "Tulis pesan untuk pelapor." in html
    assert f'value="{a.tracking_id}" id="pilih-{a.tracking_id}" checked' in html
    response = desk.post("/petugas/meja/massal/", {"action": "reject", "reason": "spam"})
    assert response.status_code == 400
    assert "Centang paling sedikit satu laporan." in text(response)
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED


def test_desk_page_views_do_not_write_audit_records(client: Any, world: Any) -> None:
    r = recent(reporter_name="Budi Santoso")
    html = text(as_user(client, world.desk).get(staff_url(r)))
    assert "Budi Santoso" not in html
    assert "Tampilkan identitas pelapor" in html
    assert not AuditRecord.objects.exists()
