"""/petugas/notifikasi/: failed and stuck notices, for the desk (all) and agency admins
(their subtree); "kirim ulang" queues one again; everyone else is refused."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from aduan.agencies.models import Role
from aduan.notifications.models import Notification
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from tests.factories import report, staff

URL = "/petugas/notifikasi/"
REPORTER_EMAIL = "pelapor.rahasia@contoh.id"


def dispatched(world, agency, **fields):
    r = report(**fields)
    lifecycle.transition(r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=agency))
    return r


def failed(r, *, audience="reporter", recipient=REPORTER_EMAIL, user=None, **fields):
    values = dict(
        dedupe_key=f"test:{Notification.objects.count()}:{recipient}",
        kind="event",
        audience=audience,
        channel="email",
        recipient=recipient,
        user=user,
        report=r,
        subject=f"Laporan {r.tracking_id if r else '-'}: uji",
        body="Isi",
        status="failed",
        attempts=6,
        last_error=f"SMTPRecipientsRefused: {recipient} unknown",
        created_at=timezone.now() - timedelta(hours=1),
    )
    values.update(fields)
    return Notification.objects.create(**values)


@pytest.fixture
def notices(world):
    bdg = dispatched(world, world.bandung_dinkes, reporter_email=REPORTER_EMAIL)
    sby = dispatched(world, world.surabaya, reporter_email=REPORTER_EMAIL)
    Notification.objects.all().delete()  # the dispatch notices themselves are not the point
    return {
        "bandung": failed(bdg),
        "bandung_staff": failed(
            None,
            audience="staff",
            kind="digest",
            recipient=world.dinkes_officer.email,
            user=world.dinkes_officer,
        ),
        "surabaya": failed(sby),
        "stuck": failed(
            sby,
            status="queued",
            attempts=0,
            last_error="",
            next_attempt_at=timezone.now() - timedelta(hours=2),
        ),
        "fresh": failed(
            sby, status="queued", attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=5)
        ),
        "sent": failed(sby, status="sent", attempts=1, last_error=""),
    }


def shown(response):
    return set(n.pk for n in response.context["page"].object_list)


def test_anonymous_visitor_goes_to_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/akun/masuk/")
    response = client.post(f"{URL}1/kirim-ulang/")
    assert response.status_code == 302 and response.url.startswith("/akun/masuk/")


@pytest.mark.parametrize("who", ["bandung_officer", "coordinator", "ombudsman_officer"])
def test_officers_and_coordinators_are_refused(client, world, notices, who):
    client.force_login(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}{notices['bandung'].pk}/kirim-ulang/").status_code == 403


def test_signed_in_non_staff_is_refused(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_desk_sees_every_failed_or_stuck_notice(client, world, notices):
    client.force_login(world.desk)
    response = client.get(URL)
    assert response.status_code == 200
    expected = {notices[k].pk for k in ("bandung", "bandung_staff", "surabaya", "stuck")}
    assert shown(response) == expected


def test_agency_admin_sees_only_their_subtree(client, world, notices):
    client.force_login(world.bandung_admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert shown(response) == {notices["bandung"].pk, notices["bandung_staff"].pk}
    surabaya_admin = staff(world.surabaya, Role.AGENCY_ADMIN)
    client.force_login(surabaya_admin)
    assert shown(client.get(URL)) == {notices["surabaya"].pk, notices["stuck"].pk}


def test_reporter_address_is_never_listed(client, world, notices):
    for user in (world.desk, world.bandung_admin):
        client.force_login(user)
        page = client.get(URL).content.decode()
        assert REPORTER_EMAIL not in page
        assert "Pelapor" in page
    # Staff recipients are shown to whoever may see the notice.
    assert world.dinkes_officer.email in page


def test_resend_queues_and_sends_again(client, world, notices, django_capture_on_commit_callbacks):
    client.force_login(world.bandung_admin)
    target = notices["bandung"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{target.pk}/kirim-ulang/")
    assert response.status_code == 302 and response.url == URL
    target.refresh_from_db()
    assert target.status == "sent" and target.attempts == 1
    assert [m.to for m in mail.outbox] == [[REPORTER_EMAIL]]
    # It left the list.
    assert target.pk not in shown(client.get(URL))


def test_resend_outside_the_subtree_is_not_found(client, world, notices):
    client.force_login(world.bandung_admin)
    response = client.post(f"{URL}{notices['surabaya'].pk}/kirim-ulang/")
    assert response.status_code == 404
    notices["surabaya"].refresh_from_db()
    assert notices["surabaya"].status == "failed"


def test_resend_of_a_sent_or_fresh_notice_changes_nothing(client, world, notices):
    client.force_login(world.desk)
    for key in ("sent", "fresh"):
        response = client.post(f"{URL}{notices[key].pk}/kirim-ulang/", follow=True)
        assert response.status_code == 200
        assert "tidak perlu dikirim ulang" in response.content.decode()
    notices["fresh"].refresh_from_db()
    assert notices["fresh"].attempts == 1 and notices["fresh"].status == "queued"


def test_resend_needs_post(client, world, notices):
    client.force_login(world.desk)
    assert client.get(f"{URL}{notices['bandung'].pk}/kirim-ulang/").status_code == 405


def test_list_query_count_is_bounded(client, world, notices, django_assert_max_num_queries):
    r = notices["surabaya"].report
    for i in range(30):
        failed(r, dedupe_key=f"many:{i}")
    client.force_login(world.desk)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert len(response.context["rows"]) == 34


def test_admin_lists_notifications(admin_client, world, notices):
    response = admin_client.get(
        "/admin/notifications/notification/",
        {"status__exact": "failed", "q": notices["bandung"].report.tracking_id},
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_page_is_accessible_markup(client, world, notices):
    client.force_login(world.desk)
    page = client.get(URL).content.decode()
    assert page.count("<h1") == 1
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Gagal" in page  # status in words, not only colour
