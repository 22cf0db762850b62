"""The agency side: inbox, accept, forward, interim update, follow-up with attachments
and templates, return to the desk, internal notes that never leave the back office."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.agencies.models import Role
from aduan.backoffice.models import ResponseTemplate
from aduan.reports.models import Attachment, Status
from tests.factories import report, staff, submit
from tests.test_backoffice_support import (
    LONG_AGO,
    act,
    action_url,
    as_user,
    dispatched_to,
    png_upload,
    staff_url,
    text,
)

INBOX = "/petugas/kotak-masuk/"


# ---- inbox ------------------------------------------------------------------------------


def test_inbox_lists_the_subtrees_open_reports_with_counts(client: Any, world: Any) -> None:
    waiting = dispatched_to(world, world.bandung, title="Jalan berlubang")
    at_unit = dispatched_to(world, world.bandung_dinkes, title="Antrean puskesmas")
    accepted = dispatched_to(world, world.bandung, title="Lampu taman mati")
    act(accepted, "accept", world.bandung_officer)
    closed = dispatched_to(world, world.bandung, title="Selokan mampet")
    act(closed, "respond", world.bandung_officer, message="Sudah dibersihkan.")
    act(closed, "close", None)
    elsewhere = dispatched_to(world, world.surabaya, title="Banjir Surabaya")

    html = text(as_user(client, world.bandung_officer).get(INBOX))
    for r in (waiting, at_unit, accepted):
        assert r.tracking_id in html
    assert closed.tracking_id not in html  # default: open states only
    assert elsewhere.tracking_id not in html
    assert "<dt>Baru, menunggu diterima</dt><dd>2</dd>" in html
    assert "<dt>Sedang diproses</dt><dd>1</dd>" in html

    # A unit's officer sees only the unit's reports.
    unit_html = text(as_user(client, world.dinkes_officer).get(INBOX))
    assert at_unit.tracking_id in unit_html
    assert waiting.tracking_id not in unit_html

    # Filters: status, unit, search.
    officer = as_user(client, world.bandung_officer)
    assert closed.tracking_id in text(officer.get(INBOX, {"status": "closed"}))
    by_unit = text(officer.get(INBOX, {"unit": "32.73.DINKES"}))
    assert at_unit.tracking_id in by_unit and waiting.tracking_id not in by_unit
    assert accepted.tracking_id in text(officer.get(INBOX, {"q": "lampu taman"}))
    # A unit outside the subtree is not a valid filter: ignored and explained.
    response = as_user(client, world.dinkes_officer).get(INBOX, {"unit": "32.73.PUPR"})
    assert "saringan ini diabaikan" in text(response)


def test_inbox_overdue_filter_and_badges_in_the_agency_time_zone(client: Any, world: Any) -> None:
    late = report(now=LONG_AGO, region=world.region_jayapura)
    act(late, "dispatch", world.desk, agency=world.jayapura, at=LONG_AGO)
    on_time = dispatched_to(world, world.jayapura)
    officer = as_user(client, staff(world.jayapura, Role.OFFICER))
    html = text(officer.get(INBOX))
    assert "23.59 WIT" in html  # deadlines end at 23:59 in Jayapura's own zone
    assert "<dt>Terlambat</dt><dd>1</dd>" in html
    overdue_only = text(officer.get(INBOX, {"overdue": "on"}))
    assert late.tracking_id in overdue_only
    assert on_time.tracking_id not in overdue_only


def test_ombudsman_inbox_holds_escalated_reports(client: Any, world: Any) -> None:
    r = report(now=LONG_AGO, region=world.region_bandung)
    act(r, "dispatch", world.desk, agency=world.bandung, at=LONG_AGO)
    act(r, "escalate", None)  # long past the completion limit, with consent
    html = text(as_user(client, world.ombudsman_officer).get(INBOX))
    assert r.tracking_id in html
    assert r.tracking_id not in text(as_user(client, world.bandung_officer).get(INBOX))


def test_desk_opens_any_agencys_inbox(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.surabaya)
    desk = as_user(client, world.desk)
    chooser = text(desk.get(INBOX))
    assert 'name="instansi"' in chooser
    assert r.tracking_id in text(desk.get(INBOX, {"instansi": "35.78"}))


def test_inbox_query_count_is_bounded(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(25):
        at = LONG_AGO + timedelta(hours=i)
        # Anonymous ones too: their titles are scrubbed of the reporter's name, which must
        # not cost a query per row.
        r = report(
            now=at, region=world.region_bandung, is_anonymous=i % 3 == 0,
            reporter_name="Siti Rahayu", reporter_email="siti@example.id",
        )  # fmt: skip
        act(
            r,
            "dispatch",
            world.desk,
            agency=world.bandung_dinkes if i % 2 else world.bandung,
            at=at,
        )
    officer = as_user(client, world.bandung_officer)
    officer.get(INBOX)
    with django_assert_max_num_queries(13):
        response = officer.get(INBOX)
    assert text(response).count("badge-late") >= 25


# ---- actions ----------------------------------------------------------------------------


def test_accept_forward_update_respond_with_attachment(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    officer = as_user(client, world.bandung_officer)
    assert officer.post(action_url(r, "accept")).status_code == 302
    r.refresh_from_db()
    assert r.status == Status.IN_PROGRESS

    response = officer.post(action_url(r, "forward"), {"forward-agency": "32.73.DINKES"})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.agency == world.bandung_dinkes

    unit = as_user(client, world.dinkes_officer)
    assert (
        unit.post(action_url(r, "update"), {"update-message": "Sedang dicek."}).status_code == 302
    )
    r.refresh_from_db()
    assert r.first_response_at is not None

    response = unit.post(
        action_url(r, "respond"),
        {
            "respond-message": "Antrean dibenahi, hubungi 0812 3456 7890.",
            "respond-attachments": png_upload(),
            "respond-attachments_public": "on",
        },
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == Status.RESPONDED
    event = r.events.get(action="respond")
    attachment = Attachment.objects.get(event=event)
    assert attachment.is_public and attachment.original_name == "bukti-perbaikan.png"
    assert event.public_message == "Antrean dibenahi, hubungi [telepon disamarkan]."
    page = text(unit.get(staff_url(r)))
    assert "bukti-perbaikan.png" in page


def test_forward_only_inside_the_subtree(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung_dinkes)
    unit = as_user(client, world.dinkes_officer)
    html = text(unit.get(staff_url(r)))
    assert "32.73.PUPR" not in html  # not offered
    response = unit.post(action_url(r, "forward"), {"forward-agency": "32.73.PUPR"})
    assert response.status_code == 400
    r.refresh_from_db()
    assert r.agency == world.bandung_dinkes


def test_bad_attachment_is_refused_on_the_field(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    response = as_user(client, world.bandung_officer).post(
        action_url(r, "respond"),
        {
            "respond-message": "Selesai.",
            "respond-attachments": SimpleUploadedFile("x.exe", b"MZ....", "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "tidak diterima" in text(response)
    r.refresh_from_db()
    assert r.status == Status.DISPATCHED


def test_return_to_desk_needs_a_reason_and_leaves_the_inbox(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    officer = as_user(client, world.bandung_officer)
    response = officer.post(action_url(r, "return_to_desk"), {"return_to_desk-message": " "})
    assert response.status_code == 400
    assert "Isian ini wajib diisi." in text(response)

    response = officer.post(
        action_url(r, "return_to_desk"),
        {"return_to_desk-message": "Jalan provinsi: wewenang Pemprov Jawa Barat."},
    )
    assert response.status_code == 302
    assert response["Location"] == "/petugas/"  # the report is no longer theirs
    r.refresh_from_db()
    assert (r.status, r.agency, r.bounce_count) == (Status.SUBMITTED, None, 1)
    event = r.events.get(action="return_to_desk")
    assert event.reason == "not_authority"
    assert event.message == "Jalan provinsi: wewenang Pemprov Jawa Barat."
    assert officer.get(staff_url(r)).status_code == 404
    desk_html = text(as_user(client, world.desk).get(staff_url(r)))
    assert "Bukan wewenang" in desk_html and "Pemprov Jawa Barat" in desk_html


def test_accept_twice_is_a_conflict(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    officer = as_user(client, world.bandung_officer)
    act(r, "respond", world.bandung_admin, message="Sudah.")
    response = officer.post(action_url(r, "accept"))
    assert response.status_code == 409
    assert "Muat ulang laporan" in text(response)


def test_coordinator_sees_no_action_forms(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    html = text(as_user(client, world.coordinator).get(staff_url(r)))
    assert "hanya baca" in html
    assert "/aksi/" not in html
    assert 'id="aksi-accept"' in text(as_user(client, world.bandung_officer).get(staff_url(r)))


# ---- internal notes ---------------------------------------------------------------------

NOTE = "Catatan internal: pelapor ini sering melapor hal serupa."


def test_internal_note_stays_in_the_back_office(client: Any, world: Any) -> None:
    receipt = submit(region=world.region_bandung)
    r = receipt.report
    act(r, "dispatch", world.desk, agency=world.bandung)
    officer = as_user(client, world.bandung_officer)
    assert officer.post(action_url(r, "note"), {"note-message": NOTE}).status_code == 302
    assert NOTE in text(officer.get(staff_url(r)))
    assert NOTE in text(as_user(client, world.desk).get(staff_url(r)))
    client.logout()
    assert NOTE not in text(client.get(f"/lacak/{r.tracking_id}/"))
    assert NOTE not in text(client.get(f"/lacak/{r.tracking_id}/", {"k": receipt.secret}))
    assert NOTE not in text(client.get(f"/api/v1/reports/{r.tracking_id}"))
    secret_view = client.get(
        f"/api/v1/reports/{r.tracking_id}", HTTP_X_REPORT_SECRET=receipt.secret
    )
    assert secret_view.status_code == 200
    assert NOTE not in text(secret_view)


# ---- response templates -----------------------------------------------------------------


def test_response_template_fills_the_follow_up(client: Any, world: Any) -> None:
    ours = ResponseTemplate.objects.create(
        agency=world.bandung, title="Perbaikan jalan", body="Jalan sudah kami perbaiki."
    )
    theirs = ResponseTemplate.objects.create(
        agency=world.surabaya, title="Surabaya", body="Teks milik Surabaya."
    )
    retired = ResponseTemplate.objects.create(
        agency=world.bandung, title="Lama", body="Teks lama.", is_active=False
    )
    r = dispatched_to(world, world.bandung_dinkes)
    unit = as_user(client, world.dinkes_officer)  # a unit uses its government's templates
    html = text(unit.get(staff_url(r)))
    assert "Perbaikan jalan" in html
    assert "Surabaya" not in html and "Lama (" not in html
    filled = text(unit.get(staff_url(r), {"templat": ours.pk}))
    assert ">\nJalan sudah kami perbaiki.</textarea>" in filled
    for other in (theirs, retired):
        assert other.body not in text(unit.get(staff_url(r), {"templat": other.pk}))


def test_admin_manages_templates(client: Any, world: Any) -> None:
    admin = as_user(client, world.bandung_admin)
    response = admin.post(
        "/petugas/templat/baru/",
        {
            "agency": "32.73.DINKES",
            "title": "Antrean",
            "body": "Antrean dibenahi.",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    template = ResponseTemplate.objects.get()
    assert (template.agency, template.created_by) == (world.bandung_dinkes, world.bandung_admin)
    response = admin.post(
        f"/petugas/templat/{template.pk}/",
        {"agency": "32.73", "title": "Antrean puskesmas", "body": "Baru.", "is_active": "on"},
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.title, template.agency) == ("Antrean puskesmas", world.bandung)
    assert "Antrean puskesmas" in text(admin.get("/petugas/templat/"))
    # Another agency is not a choice, and an empty title is an error on its field.
    response = admin.post("/petugas/templat/baru/", {"agency": "35.78", "title": "", "body": "x"})
    assert response.status_code == 400
    html = text(response)
    assert 'href="#id_agency"' in html and 'href="#id_title"' in html
    assert ResponseTemplate.objects.count() == 1
