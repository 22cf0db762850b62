"""Who may open which staff page and take which action: for every page and every POST
the owner succeeds; another agency's officer, a coordinator (except where read-only
access is the design) and an anonymous visitor are refused."""

from __future__ import annotations

from typing import Any

import pytest

from aduan.agencies.models import Role
from aduan.backoffice.models import ResponseTemplate
from aduan.reports.models import ReportEvent, Status
from tests.factories import UserFactory, staff
from tests.test_backoffice_support import (
    action_url,
    as_user,
    dispatched_to,
    is_login_redirect,
    png_upload,
    recent,
    staff_url,
)

# ---- pages ------------------------------------------------------------------------------

PAGE_RULES = [
    # url, owner, {role: expected status for others}
    ("/petugas/meja/", "desk", {"bandung_officer": 403, "coordinator": 403}),
    ("/petugas/kotak-masuk/", "bandung_officer", {"coordinator": 403}),
    ("/petugas/koordinator/", "coordinator", {"bandung_officer": 403, "surabaya_officer": 403}),
    ("/petugas/templat/", "bandung_admin", {"bandung_officer": 403, "coordinator": 403}),
    ("/petugas/templat/baru/", "bandung_admin", {"surabaya_officer": 403, "coordinator": 403}),
]


@pytest.mark.parametrize(("url", "owner", "others"), PAGE_RULES)
def test_staff_pages_owner_and_outsiders(
    client: Any, world: Any, url: str, owner: str, others: dict[str, int]
) -> None:
    assert is_login_redirect(client.get(url))
    assert as_user(client, getattr(world, owner)).get(url).status_code == 200
    for role, status in others.items():
        assert as_user(client, getattr(world, role)).get(url).status_code == status, role


def test_signed_in_user_without_membership_is_refused(client: Any, world: Any) -> None:
    citizen = UserFactory()
    for url in ("/petugas/", "/petugas/meja/", "/petugas/kotak-masuk/", "/petugas/koordinator/"):
        assert as_user(client, citizen).get(url).status_code == 403, url


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("desk", "/petugas/meja/"),
        ("bandung_officer", "/petugas/kotak-masuk/"),
        ("bandung_admin", "/petugas/kotak-masuk/"),
        ("ombudsman_officer", "/petugas/kotak-masuk/"),
        ("coordinator", "/petugas/koordinator/"),
    ],
)
def test_landing_sends_each_role_to_its_main_page(
    client: Any, world: Any, role: str, target: str
) -> None:
    assert is_login_redirect(client.get("/petugas/"))
    response = as_user(client, getattr(world, role)).get("/petugas/")
    assert response.status_code == 302
    assert response["Location"] == target


def test_inbox_of_another_agency_is_not_found(client: Any, world: Any) -> None:
    officer = as_user(client, world.surabaya_officer)
    assert officer.get("/petugas/kotak-masuk/", {"instansi": "32.73"}).status_code == 404
    assert officer.get("/petugas/kotak-masuk/", {"instansi": "NOPE"}).status_code == 404
    desk = as_user(client, world.desk)
    assert desk.get("/petugas/kotak-masuk/", {"instansi": "32.73"}).status_code == 200


def test_coordinator_view_of_an_agency_not_mentored_is_not_found(client: Any, world: Any) -> None:
    coordinator = as_user(client, world.coordinator)
    assert coordinator.get("/petugas/koordinator/", {"instansi": "35.78"}).status_code == 404
    assert coordinator.get("/petugas/koordinator/", {"instansi": "32.73.PUPR"}).status_code == 200


# ---- the report page and its files ------------------------------------------------------


def test_report_page_access(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    url = staff_url(r)
    assert is_login_redirect(client.get(url))
    for user in (world.desk, world.bandung_officer, world.bandung_admin, world.coordinator):
        assert as_user(client, user).get(url).status_code == 200
    for user in (world.surabaya_officer, world.dinkes_officer, world.ombudsman_officer):
        assert as_user(client, user).get(url).status_code == 404


def test_unverified_report_is_the_desks_only(client: Any, world: Any) -> None:
    r = recent(region=world.region_bandung)
    assert as_user(client, world.desk).get(staff_url(r)).status_code == 200
    for user in (world.bandung_officer, world.coordinator, world.surabaya_officer):
        assert as_user(client, user).get(staff_url(r)).status_code == 404


def test_unknown_and_malformed_ids_are_not_found(client: Any, world: Any) -> None:
    desk = as_user(client, world.desk)
    assert desk.get("/petugas/laporan/TIDAKADA/").status_code == 404
    assert desk.get("/petugas/laporan/0000000000/").status_code == 404


def test_attachment_download_follows_report_access(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    officer = as_user(client, world.bandung_officer)
    officer.post(
        action_url(r, "respond"),
        {"respond-message": "Sudah diperbaiki.", "respond-attachments": png_upload()},
    )
    token = r.attachments.get().token
    url = staff_url(r, f"lampiran/{token}/")
    assert officer.get(url).status_code == 200
    assert as_user(client, world.coordinator).get(url).status_code == 200  # read-only viewer
    assert as_user(client, world.desk).get(url).status_code == 200
    assert as_user(client, world.surabaya_officer).get(url).status_code == 404
    assert (
        as_user(client, world.bandung_officer).get(staff_url(r, "lampiran/x/")).status_code == 404
    )
    client.logout()
    assert is_login_redirect(client.get(url))


# ---- every POST action ------------------------------------------------------------------


def _desk_case(world: Any, action: str) -> tuple[Any, dict[str, Any]]:
    r = recent(region=world.region_bandung)
    data = {
        "dispatch": {
            "dispatch-agency": "32.73",
            "dispatch-type": "complaint",
            "dispatch-public_title": "Jalan rusak",
        },
        "request_info": {"request_info-message": "Mohon lengkapi lokasi."},
        "reject": {"reject-reason": "spam"},
        "archive": {"archive-message": "Salah kirim."},
        "note": {"note-message": "Catatan meja."},
    }[action]
    return r, data


@pytest.mark.parametrize("action", ["dispatch", "request_info", "reject", "archive", "note"])
def test_desk_actions_owner_succeeds_outsiders_refused(
    client: Any, world: Any, action: str
) -> None:
    r, data = _desk_case(world, action)
    url = action_url(r, action)
    # Before dispatch the report belongs to nobody but the desk: others get 404.
    assert is_login_redirect(client.post(url, data))
    for user in (world.bandung_officer, world.coordinator, world.surabaya_officer):
        assert as_user(client, user).post(url, data).status_code == 404
    response = as_user(client, world.desk).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert r.events.filter(action=action).count() == 1


def _agency_case(world: Any, action: str) -> tuple[Any, dict[str, Any]]:
    r = dispatched_to(world, world.bandung)
    data = {
        "accept": {},
        "forward": {"forward-agency": "32.73.DINKES"},
        "update": {"update-message": "Sedang ditinjau."},
        "respond": {"respond-message": "Sudah diperbaiki."},
        "return_to_desk": {"return_to_desk-message": "Urusan pemerintah provinsi."},
        "note": {"note-message": "Catatan instansi."},
    }[action]
    return r, data


@pytest.mark.parametrize(
    "action", ["accept", "forward", "update", "respond", "return_to_desk", "note"]
)
def test_agency_actions_owner_succeeds_outsiders_refused(
    client: Any, world: Any, action: str
) -> None:
    r, data = _agency_case(world, action)
    url = action_url(r, action)
    assert is_login_redirect(client.post(url, data))
    assert as_user(client, world.surabaya_officer).post(url, data).status_code == 404
    assert as_user(client, world.dinkes_officer).post(url, data).status_code == 404
    # The coordinator may read the report but never act on it.
    assert as_user(client, world.coordinator).post(url, data).status_code == 403
    assert not r.events.filter(action=action).exists()
    response = as_user(client, world.bandung_officer).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert r.events.filter(action=action).count() == 1


def test_desk_cannot_take_agency_actions(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    response = as_user(client, world.desk).post(action_url(r, "accept"), {})
    assert response.status_code == 403
    r.refresh_from_db()
    assert r.status == Status.DISPATCHED


def test_unknown_action_is_not_found(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    response = as_user(client, world.bandung_officer).post(action_url(r, "hapus"), {})
    assert response.status_code == 404


def test_actions_need_post(client: Any, world: Any) -> None:
    r = dispatched_to(world, world.bandung)
    assert as_user(client, world.bandung_officer).get(action_url(r, "accept")).status_code == 405


def test_bulk_post_is_the_desks_only(client: Any, world: Any) -> None:
    r = recent()
    data = {"laporan": [r.tracking_id], "action": "reject", "reason": "spam"}
    assert is_login_redirect(client.post("/petugas/meja/massal/", data))
    for user in (world.bandung_officer, world.coordinator, world.surabaya_officer):
        assert as_user(client, user).post("/petugas/meja/massal/", data).status_code == 403
    assert not ReportEvent.objects.filter(report=r, action="reject").exists()
    assert as_user(client, world.desk).post("/petugas/meja/massal/", data).status_code == 302
    r.refresh_from_db()
    assert r.status == Status.REJECTED


# ---- response templates -----------------------------------------------------------------


def test_template_create_post_only_by_agency_admins(client: Any, world: Any) -> None:
    data = {"agency": "32.73", "title": "Salam", "body": "Terima kasih atas laporannya."}
    assert is_login_redirect(client.post("/petugas/templat/baru/", data))
    for user in (world.bandung_officer, world.coordinator, world.surabaya_officer):
        assert as_user(client, user).post("/petugas/templat/baru/", data).status_code == 403
    # Another agency's admin cannot write into Bandung: not a choice for them.
    surabaya_admin = staff(world.surabaya, Role.AGENCY_ADMIN)
    assert as_user(client, surabaya_admin).post("/petugas/templat/baru/", data).status_code == 400
    assert not ResponseTemplate.objects.exists()
    assert (
        as_user(client, world.bandung_admin).post("/petugas/templat/baru/", data).status_code == 302
    )
    assert ResponseTemplate.objects.get().agency == world.bandung


def test_template_edit_and_deactivate_only_by_the_agencys_admin(client: Any, world: Any) -> None:
    template = ResponseTemplate.objects.create(
        agency=world.bandung, title="Jalan", body="Terima kasih, jalan sudah diperbaiki."
    )
    surabaya_admin = staff(world.surabaya, Role.AGENCY_ADMIN)
    edit = f"/petugas/templat/{template.pk}/"
    off = f"/petugas/templat/{template.pk}/nonaktifkan/"
    assert is_login_redirect(client.get(edit))
    assert is_login_redirect(client.post(off))
    change = {"agency": "32.73", "title": "Diubah", "body": "Diubah.", "is_active": "on"}
    assert is_login_redirect(client.post(edit, change))
    for user in (surabaya_admin, world.bandung_officer, world.coordinator):
        assert as_user(client, user).get(edit).status_code == 404
        assert as_user(client, user).post(edit, change).status_code == 404
        assert as_user(client, user).post(off).status_code == 404
    template.refresh_from_db()
    assert (template.is_active, template.title) == (True, "Jalan")
    admin = as_user(client, world.bandung_admin)
    assert admin.get(edit).status_code == 200
    assert admin.post(off).status_code == 302
    template.refresh_from_db()
    assert not template.is_active


# ---- the staff menu ---------------------------------------------------------------------


def test_staff_menu_shows_each_role_its_pages(client: Any, world: Any) -> None:
    assert 'aria-label="Menu petugas"' not in client.get("/").content.decode()
    desk = as_user(client, world.desk).get("/").content.decode()  # on a public page too
    assert 'aria-label="Menu petugas"' in desk
    for link in ("/petugas/meja/", "/petugas/kotak-masuk/", "/akun/staf/", "/petugas/notifikasi/"):
        assert f'href="{link}"' in desk
    assert 'action="/akun/keluar/"' in desk
    officer = as_user(client, world.bandung_officer).get("/petugas/kotak-masuk/")
    html = officer.content.decode()
    assert 'href="/petugas/kotak-masuk/" aria-current="page"' in html
    assert 'href="/petugas/meja/"' not in html
    assert 'href="/akun/staf/"' not in html
    assert (
        'href="/petugas/templat/"'
        in as_user(client, world.bandung_admin).get("/petugas/kotak-masuk/").content.decode()
    )
    citizen = as_user(client, UserFactory()).get("/").content.decode()
    assert 'aria-label="Menu petugas"' not in citizen
