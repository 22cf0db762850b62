"""Reporter identity on staff pages (DESIGN.md §4): an anonymous reporter's name, e-mail
and phone never reach agency staff, whatever they ask for; the desk sees them only on
request, and every reveal writes an audit record."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from aduan.audit.models import AuditRecord
from aduan.reports import intake
from aduan.reports.models import Channel, Report
from aduan.reports.uploads import clean_uploads
from tests.test_backoffice_support import (
    act,
    action_url,
    as_user,
    is_login_redirect,
    png_upload,
    staff_url,
    text,
)

NAME = "Siti Rahmawati"
EMAIL = "siti.rahmawati@contoh.id"
PHONE = "081234567890"
ACCOUNT_EMAIL = "akun.siti@contoh.id"
IDENTITY = (NAME, EMAIL, PHONE, ACCOUNT_EMAIL)


def _report(world: Any, *, anonymous: bool, with_file: bool = False) -> Report:
    account = get_user_model().objects.create_user(username=ACCOUNT_EMAIL, email=ACCOUNT_EMAIL)
    files = []
    if with_file:
        files = clean_uploads([png_upload(f"KTP_{NAME.replace(' ', '_')}.png")])
    receipt = intake.report_submit(
        submission=intake.Submission(
            title="Pungli pembuatan KTP",
            body="Petugas kelurahan meminta uang untuk mempercepat pembuatan KTP.",
            channel=Channel.WEB,
            region=world.region_bandung,
            is_anonymous=anonymous,
            reporter_name=NAME,
            reporter_email=EMAIL,
            reporter_phone=PHONE,
            attachments=files,
        ),
        reporter=account,
    )
    r = receipt.report
    act(r, "dispatch", world.desk, agency=world.bandung)
    return r


def _agency_pages(client: Any, r: Report) -> list[str]:
    pages = [
        client.get("/petugas/kotak-masuk/"),
        client.get("/petugas/kotak-masuk/", {"q": "pungli"}),
        client.get("/petugas/koordinator/", {"instansi": "32.73"}),
        client.get(staff_url(r)),
        client.get(staff_url(r), {"identitas": "1"}),
        client.post(action_url(r, "update"), {"update-message": ""}),  # re-rendered page
    ]
    return [text(p) for p in pages]


@pytest.mark.parametrize("user_name", ["bandung_officer", "bandung_admin", "coordinator"])
def test_anonymous_reporter_never_reaches_agency_staff(
    client: Any, world: Any, user_name: str
) -> None:
    r = _report(world, anonymous=True, with_file=True)
    user = getattr(world, user_name)
    for html in _agency_pages(as_user(client, user), r):
        for secret in (*IDENTITY, "KTP_Siti"):
            assert secret not in html, (user_name, secret)
    html = text(client.get(staff_url(r), {"identitas": "1"}))
    assert "Identitas pelapor disembunyikan (laporan anonim)" in html
    assert "Tampilkan identitas pelapor" not in html
    # The file is there, under a neutral name, and downloads under that name too.
    token = r.attachments.get().token
    assert f"lampiran-pelapor-{token[:8]}.png" in html
    download = client.get(staff_url(r, f"lampiran/{token}/"))
    assert download.status_code == 200
    assert "KTP_Siti" not in download["Content-Disposition"]
    assert not AuditRecord.objects.filter(action=AuditRecord.Action.VIEW_IDENTITY).exists()


def test_desk_sees_the_anonymous_reporter_after_the_reveal_and_it_is_audited(
    client: Any, world: Any
) -> None:
    r = _report(world, anonymous=True, with_file=True)
    desk = as_user(client, world.desk)
    routine = text(desk.get(staff_url(r)))
    for secret in (NAME, EMAIL, PHONE, ACCOUNT_EMAIL):
        assert secret not in routine
    assert "Tampilkan identitas pelapor" in routine
    assert not AuditRecord.objects.exists()

    revealed = desk.get(staff_url(r), {"identitas": "1"})
    html = text(revealed)
    for secret in IDENTITY:
        assert secret in html
    assert "no-store" in revealed["Cache-Control"]
    record = AuditRecord.objects.get()
    assert record.action == AuditRecord.Action.VIEW_IDENTITY
    assert (record.report, record.actor) == (r, world.desk)
    assert record.ip_address == "127.0.0.1"
    # Each reveal is one more record.
    desk.get(staff_url(r), {"identitas": "1"})
    assert AuditRecord.objects.filter(report=r, actor=world.desk).count() == 2
    assert "KTP_Siti" in html  # the desk may see the original file name


def test_agency_sees_a_named_reporter_after_the_reveal_and_it_is_audited(
    client: Any, world: Any
) -> None:
    r = _report(world, anonymous=False)
    officer = as_user(client, world.bandung_officer)
    routine = text(officer.get(staff_url(r)))
    assert NAME not in routine and EMAIL not in routine
    assert not AuditRecord.objects.exists()
    html = text(officer.get(staff_url(r), {"identitas": "1"}))
    for secret in IDENTITY:
        assert secret in html
    record = AuditRecord.objects.get()
    assert (record.actor, record.report, record.agency) == (world.bandung_officer, r, world.bandung)
    # The inbox never shows who filed, named or not.
    inbox = text(officer.get("/petugas/kotak-masuk/"))
    assert NAME not in inbox and EMAIL not in inbox


def test_outsiders_get_no_identity(client: Any, world: Any) -> None:
    r = _report(world, anonymous=False)
    response = as_user(client, world.surabaya_officer).get(staff_url(r), {"identitas": "1"})
    assert response.status_code == 404
    assert NAME not in text(response)
    client.logout()
    assert is_login_redirect(client.get(staff_url(r), {"identitas": "1"}))
    assert not AuditRecord.objects.exists()


def test_reporter_events_do_not_name_the_reporter(client: Any, world: Any) -> None:
    r = _report(world, anonymous=True)
    act(r, "respond", world.bandung_officer, message="Sudah ditindak.")
    act(r, "reporter_reply", None, message="Masih terjadi minggu ini.")
    html = text(as_user(client, world.bandung_officer).get(staff_url(r)))
    assert "Masih terjadi minggu ini." in html
    assert "· Pelapor" in html
    for secret in IDENTITY:
        assert secret not in html
