"""Audit pages: the trail of one report and of one person, who may see them, what they
show, and that they never reveal who filed an anonymous report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from aduan.agencies.models import Membership, Role
from aduan.audit.models import AuditRecord
from aduan.audit.services import audit_record
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Report, ReportEvent
from tests.factories import UserFactory, report, staff
from tests.test_web_pages import structure

A = AuditRecord.Action


@dataclass
class Trail:
    world: Any
    report: Report
    surabaya_admin: Any


@pytest.fixture
def trail(world: Any) -> Trail:
    r = report(region=world.region_bandung)
    transition(r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung))
    transition(r, "accept", actor=Actor.staff(world.bandung_officer))
    transition(
        r, "note", actor=Actor.staff(world.bandung_officer), change=Change(message="cek lokasi")
    )
    audit_record(
        actor=world.desk, action=A.VIEW_IDENTITY, report=r, detail={"fields": "name,email"}
    )
    return Trail(world=world, report=r, surabaya_admin=staff(world.surabaya, Role.AGENCY_ADMIN))


def url_for(r: Report) -> str:
    return f"/audit/laporan/{r.tracking_id}/"


def test_report_trail_shows_events_and_identity_views_newest_first(
    client: Any, trail: Trail
) -> None:
    client.force_login(trail.world.desk)
    response = client.get(url_for(trail.report))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Diverifikasi dan didisposisikan" in html
    assert "Diterima dan diproses instansi" in html
    assert "Catatan internal" in html  # staff-only events are part of the audit
    assert "Melihat identitas pelapor" in html
    assert html.index("Melihat identitas pelapor") < html.index("Diverifikasi dan didisposisikan")
    assert trail.world.bandung_officer.email in html  # the acting officer is named
    assert "Menunggu verifikasi → Terdisposisi" in html
    page = structure(response)
    assert page.h1_count == 1 and page.unlabelled() == []


def test_report_trail_access(client: Any, trail: Trail) -> None:
    w = trail.world
    expected = {
        w.desk: 200,
        w.bandung_admin: 200,
        trail.surabaya_admin: 404,
        w.bandung_officer: 404,  # officers work on reports; the audit is for admins
        w.dinkes_officer: 404,
        w.coordinator: 404,
        w.ombudsman_officer: 404,
        w.surabaya_officer: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url_for(trail.report)).status_code == status, user
    client.force_login(UserFactory())  # no membership at all
    assert client.get(url_for(trail.report)).status_code == 403
    client.logout()
    response = client.get(url_for(trail.report))
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


def test_unknown_report_is_404(client: Any, trail: Trail) -> None:
    client.force_login(trail.world.desk)
    assert client.get("/audit/laporan/TIDAKADA/").status_code == 404


def test_admin_keeps_access_to_reports_their_agency_once_handled(client: Any, trail: Trail) -> None:
    w = trail.world
    transition(
        trail.report,
        "return_to_desk",
        actor=Actor.staff(w.bandung_officer),
        change=Change(reason="bukan wewenang"),
    )
    transition(
        trail.report, "dispatch", actor=Actor.staff(w.desk), change=Change(agency=w.surabaya)
    )
    for user in (w.bandung_admin, trail.surabaya_admin):
        client.force_login(user)
        response = client.get(url_for(trail.report))
        assert response.status_code == 200, user
    assert "bukan wewenang" in response.content.decode()


def test_identity_view_details_are_for_the_desk_only(client: Any, trail: Trail) -> None:
    client.force_login(trail.world.bandung_admin)
    html = client.get(url_for(trail.report)).content.decode()
    assert "Melihat identitas pelapor" in html
    assert "name,email" not in html
    client.force_login(trail.world.desk)
    assert "name,email" in client.get(url_for(trail.report)).content.decode()


def test_reporter_account_is_never_shown(client: Any, world: Any) -> None:
    citizen = UserFactory(first_name="Rahasia", last_name="Sekali")
    r = report(region=world.region_bandung, is_anonymous=True)
    Report.objects.filter(pk=r.pk).update(reporter=citizen)
    r.refresh_from_db()
    transition(r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung))
    transition(r, "accept", actor=Actor.staff(world.bandung_officer))
    transition(r, "respond", actor=Actor.staff(world.bandung_officer), change=Change(message="ok"))
    transition(r, "reporter_reply", actor=Actor.reporter(citizen), change=Change(message="belum"))
    client.force_login(world.bandung_admin)
    html = client.get(url_for(r)).content.decode()
    assert "Ditanggapi oleh pelapor" in html
    assert citizen.email not in html and "Rahasia" not in html


def test_report_trail_paginates_with_bounded_queries(
    client: Any, trail: Trail, django_assert_max_num_queries: Any
) -> None:
    for i in range(70):
        transition(
            trail.report,
            "note",
            actor=Actor.staff(trail.world.bandung_officer),
            change=Change(message=f"catatan {i}"),
        )
    client.force_login(trail.world.bandung_admin)
    client.get(url_for(trail.report))
    with django_assert_max_num_queries(14):
        first = client.get(url_for(trail.report))
    with django_assert_max_num_queries(14):
        second = client.get(url_for(trail.report), {"page": 2})
    total = (
        ReportEvent.objects.filter(report=trail.report).count()
        + AuditRecord.objects.filter(report=trail.report).count()
    )
    assert total > 70
    assert first.content.decode().count("<tr>") == 1 + 50  # header + a full page
    assert second.content.decode().count("<tr>") == 1 + total - 50


# ---- one person's trail ------------------------------------------------------------------


def user_url(user: Any) -> str:
    return f"/audit/pengguna/{user.pk}/"


def test_user_trail_shows_their_actions_and_changes_to_their_account(
    client: Any, trail: Trail
) -> None:
    w = trail.world
    audit_record(
        actor=w.bandung_admin,
        action=A.MEMBERSHIP_ADD,
        agency=w.bandung,
        target_user=w.bandung_officer,
        detail={"role": "officer"},
    )
    client.force_login(w.bandung_admin)
    response = client.get(user_url(w.bandung_officer))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Diterima dan diproses instansi" in html
    assert "Memberi peran" in html
    assert url_for(trail.report) in html  # links to the report's own trail
    page = structure(response)
    assert page.h1_count == 1 and page.unlabelled() == []

    client.force_login(w.desk)
    html = client.get(user_url(w.desk)).content.decode()
    assert "Diverifikasi dan didisposisikan" in html
    assert "Melihat identitas pelapor" in html


def test_user_trail_access(client: Any, trail: Trail) -> None:
    w = trail.world
    target = w.dinkes_officer
    expected = {
        w.desk: 200,
        target: 200,  # oneself
        w.bandung_admin: 200,  # admin of a subtree the person works in
        trail.surabaya_admin: 404,
        w.bandung_officer: 404,
        w.coordinator: 404,
        w.ombudsman_officer: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(user_url(target)).status_code == status, user
    client.force_login(w.bandung_admin)
    assert client.get(user_url(w.desk)).status_code == 404
    assert client.get("/audit/pengguna/999999/").status_code == 404
    client.logout()
    response = client.get(user_url(target))
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


def test_admin_sees_only_what_happened_in_their_subtree(client: Any, world: Any) -> None:
    both = staff(world.bandung, Role.OFFICER)
    Membership.objects.create(user=both, agency=world.surabaya, role=Role.OFFICER)
    in_bandung = report(region=world.region_bandung, title="Lampu jalan mati di Dago")
    in_surabaya = report(region=world.region_surabaya, title="Sampah menumpuk di pasar")
    desk = Actor.staff(world.desk)
    transition(in_bandung, "dispatch", actor=desk, change=Change(agency=world.bandung))
    transition(in_surabaya, "dispatch", actor=desk, change=Change(agency=world.surabaya))
    transition(in_bandung, "accept", actor=Actor.staff(both))
    transition(in_surabaya, "accept", actor=Actor.staff(both))

    client.force_login(world.bandung_admin)
    html = client.get(user_url(both)).content.decode()
    assert in_bandung.tracking_id in html and in_surabaya.tracking_id not in html
    client.force_login(both)
    html = client.get(user_url(both)).content.decode()
    assert in_bandung.tracking_id in html and in_surabaya.tracking_id in html


def test_user_trail_never_lists_acts_as_reporter(client: Any, world: Any) -> None:
    officer = world.bandung_officer
    r = report(region=world.region_bandung, is_anonymous=True)
    Report.objects.filter(pk=r.pk).update(reporter=officer)
    r.refresh_from_db()
    transition(r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.surabaya))
    transition(r, "accept", actor=Actor.staff(world.surabaya_officer))
    transition(r, "respond", actor=Actor.staff(world.surabaya_officer), change=Change(message="x"))
    transition(r, "reporter_reply", actor=Actor.reporter(officer), change=Change(message="y"))
    audit_record(actor=world.desk, action=A.VIEW_IDENTITY, report=r, target_user=officer)
    for viewer in (world.bandung_admin, world.desk, officer):
        client.force_login(viewer)
        html = client.get(user_url(officer)).content.decode()
        assert r.tracking_id not in html, viewer
