"""A citizen with an account: login lands on their own reports; nobody sees another's."""

import pytest

from tests.factories import UserFactory, report


@pytest.fixture
def citizen(db):
    return UserFactory(username="warga@example.id", email="warga@example.id")


def test_login_without_membership_lands_on_my_reports(client, world, citizen):
    response = client.post(
        "/akun/masuk/", {"username": "warga@example.id", "password": "rahasia-kuat-123"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/laporan-saya/"


def test_staff_login_still_lands_on_the_back_office(client, world):
    response = client.post(
        "/akun/masuk/", {"username": world.desk.username, "password": "rahasia-kuat-123"}
    )
    assert response["Location"] == "/petugas/"


def test_my_reports_lists_only_my_own(client, world, citizen):
    from aduan.reports import intake
    from aduan.reports.models import Channel

    mine = intake.report_submit(
        submission=intake.Submission(
            title="Laporan rahasia saya",
            body="Isi laporan yang cukup panjang untuk diuji.",
            channel=Channel.WEB,
            is_confidential=True,
        ),
        reporter=citizen,
    ).report
    other = report(title="Laporan orang lain sama sekali")
    client.force_login(citizen)
    page = client.get("/laporan-saya/").content.decode()
    assert "Laporan rahasia saya" in page and f"/lacak/{mine.tracking_id}/" in page
    assert other.title not in page


def test_my_reports_needs_login(client, db):
    response = client.get("/laporan-saya/")
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")


def test_signed_in_user_without_membership_gets_a_real_403_page(client, citizen):
    client.force_login(citizen)
    response = client.get("/petugas/meja/")
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()
