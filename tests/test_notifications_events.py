"""Who is told what at every step: the reporter on the channel they used, the staff who
must act now; once per event and recipient; anonymous identity never reaches staff."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from aduan.agencies.models import Role
from aduan.notifications import services, sms
from aduan.notifications.models import Notification
from aduan.notifications.tasks import deliver_one
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Channel
from tests.factories import staff, submit

WIB = ZoneInfo("Asia/Jakarta")
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=WIB)  # Monday

ANON_NAME = "Siti Rahmawati"
ANON_EMAIL = "siti.rahmawati@contoh.id"
ANON_PHONE = "081298765432"


@pytest.fixture(autouse=True)
def _sms_outbox():
    sms.LoggingSmsGateway.outbox.clear()
    yield
    sms.LoggingSmsGateway.outbox.clear()


def act(r, action, actor, cb, *, now=T0, **change):
    """One transition whose after-commit work (the delivery task) really runs."""
    with cb(execute=True):
        return lifecycle.transition(r, action, actor=actor, change=Change(**change), now=now)


def new_report(cb, **fields):
    with cb(execute=True):
        return submit(now=T0, **fields)


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


# ---- the reporter --------------------------------------------------------------------


def test_web_reporter_gets_receipt_and_every_public_step_by_email(
    world, django_capture_on_commit_callbacks
):
    receipt = new_report(django_capture_on_commit_callbacks, reporter_email="warga@contoh.id")
    r = receipt.report
    act(
        r,
        "dispatch",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        agency=world.bandung,
    )
    act(
        r,
        "respond",
        Actor.staff(world.bandung_officer),
        django_capture_on_commit_callbacks,
        message="Jalan sudah ditambal. Info lanjut: 081234567890.",
    )
    sent = mails_to("warga@contoh.id")
    assert len(sent) == 3
    receipt_mail, dispatch_mail, respond_mail = sent
    assert f"{r.tracking_id[:5]}-{r.tracking_id[5:]}" in receipt_mail.body
    assert "Terdisposisi ke Pemerintah Kota Bandung" in dispatch_mail.subject
    assert f"/lacak/{r.tracking_id}/" in dispatch_mail.body
    # Public events carry their redacted public message.
    assert "Jalan sudah ditambal" in respond_mail.body
    assert "081234567890" not in respond_mail.body
    assert "[telepon disamarkan]" in respond_mail.body
    # The private link's secret never travels in a notice.
    for m in sent:
        assert receipt.secret not in m.body and receipt.secret not in m.subject
    # Indonesian by default.
    assert "Lacak laporan Anda" in dispatch_mail.body


def test_request_for_details_is_sent_in_full(world, django_capture_on_commit_callbacks):
    r = new_report(django_capture_on_commit_callbacks, reporter_email="warga@contoh.id").report
    act(
        r,
        "request_info",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        message="Sebutkan nomor rumah, mis. Jl. Merdeka 12 RT 03.",
    )
    (notice,) = mails_to("warga@contoh.id")[1:]
    assert "Sebutkan nomor rumah, mis. Jl. Merdeka 12 RT 03." in notice.body
    assert "Ditunda" in notice.subject


def test_rejection_reason_is_told(world, django_capture_on_commit_callbacks):
    r = new_report(django_capture_on_commit_callbacks, reporter_email="warga@contoh.id").report
    act(r, "reject", Actor.staff(world.desk), django_capture_on_commit_callbacks, reason="spam")
    assert "Spam atau bukan laporan" in mails_to("warga@contoh.id")[-1].body


def test_reporter_is_not_told_of_their_own_actions(world, django_capture_on_commit_callbacks):
    r = new_report(django_capture_on_commit_callbacks, reporter_email="warga@contoh.id").report
    act(
        r,
        "request_info",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        message="Lengkapi lokasi.",
    )
    act(
        r,
        "provide_info",
        Actor.reporter(),
        django_capture_on_commit_callbacks,
        message="Di depan SD 1.",
    )
    assert len(mails_to("warga@contoh.id")) == 2  # receipt and the request only
    # The desk, who must verify again, is told.
    assert len(mails_to(world.desk.email)) == 1


def test_sms_reports_are_answered_by_short_sms(world, django_capture_on_commit_callbacks):
    r = new_report(
        django_capture_on_commit_callbacks,
        channel=Channel.SMS,
        reporter_phone="081311112222",
        reporter_email="juga@contoh.id",
    ).report
    # No receipt: the SMS channel's reply to the inbound message carries the tracking ID.
    assert sms.LoggingSmsGateway.outbox == []
    act(
        r,
        "dispatch",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        agency=world.bandung_dinkes,
    )
    outbox = sms.LoggingSmsGateway.outbox
    assert [m.to for m in outbox] == ["081311112222"]
    assert mails_to("juga@contoh.id") == []
    text = outbox[0].message
    display = f"{r.tracking_id[:5]}-{r.tracking_id[5:]}"
    assert text.startswith(f"Aduan {display}: Terdisposisi ke Dinas Kesehatan Kota Bandung.")
    assert f"/lacak/{r.tracking_id}/" in text
    assert len(text) <= 160


def test_long_sms_is_cut_in_plain_characters(world, django_capture_on_commit_callbacks):
    r = new_report(django_capture_on_commit_callbacks, reporter_phone="081344445555").report
    act(
        r,
        "request_info",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        message="Mohon lengkapi. " * 40,
    )
    text = sms.LoggingSmsGateway.outbox[-1].message
    assert len(text) <= 306 and "..." in text and "…" not in text
    assert text.endswith(f"/lacak/{r.tracking_id}/")


def test_phone_only_web_reporter_gets_sms(world, django_capture_on_commit_callbacks):
    r = new_report(django_capture_on_commit_callbacks, reporter_phone="081344445555").report
    act(
        r,
        "request_info",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        message="Mohon sebutkan nama jalan dan kelurahan tempat kejadian.",
    )
    outbox = sms.LoggingSmsGateway.outbox
    assert len(outbox) == 2
    # A request for details fits the question in (two segments at most).
    assert "Mohon sebutkan nama jalan" in outbox[1].message
    assert len(outbox[1].message) <= 306


def test_no_contact_no_notice(world, django_capture_on_commit_callbacks):
    r = new_report(django_capture_on_commit_callbacks).report
    act(
        r,
        "dispatch",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        agency=world.kemenkes,
    )
    assert not Notification.objects.filter(audience="reporter").exists()
    assert mail.outbox == [] and sms.LoggingSmsGateway.outbox == []


def test_account_email_is_used_when_none_was_typed(world, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    citizen = UserFactory(email="akun@contoh.id")
    from aduan.reports import intake

    with django_capture_on_commit_callbacks(execute=True):
        intake.report_submit(
            submission=intake.Submission(
                title="Lampu jalan mati", body="Sudah seminggu lampu mati.", channel=Channel.WEB
            ),
            reporter=citizen,
            now=T0,
        )
    assert len(mails_to("akun@contoh.id")) == 1


# ---- staff ---------------------------------------------------------------------------


def test_dispatch_tells_the_agency_staff_not_the_coordinator(
    world, django_capture_on_commit_callbacks
):
    r = new_report(django_capture_on_commit_callbacks).report
    act(
        r,
        "dispatch",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        agency=world.bandung,
    )
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == sorted([world.bandung_admin.email, world.bandung_officer.email])
    m = mail.outbox[0]
    assert f"/petugas/laporan/{r.tracking_id}/" in m.body
    assert "Diverifikasi dan didisposisikan" in m.subject


def test_forward_tells_the_unit_and_escalation_tells_the_ombudsman(
    world, django_capture_on_commit_callbacks
):
    r = new_report(django_capture_on_commit_callbacks).report
    act(
        r,
        "dispatch",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        agency=world.bandung,
    )
    mail.outbox.clear()
    act(
        r,
        "forward",
        Actor.staff(world.bandung_officer),
        django_capture_on_commit_callbacks,
        agency=world.bandung_dinkes,
        now=T0 + timedelta(hours=1),
    )
    assert [m.to[0] for m in mail.outbox] == [world.dinkes_officer.email]
    mail.outbox.clear()
    act(
        r,
        "escalate",
        Actor.reporter(),
        django_capture_on_commit_callbacks,
        now=r.completion_due_at + timedelta(days=1),
    )
    assert [m.to[0] for m in mail.outbox] == [world.ombudsman_officer.email]


def test_unit_without_staff_is_served_by_its_parent(world, django_capture_on_commit_callbacks):
    r = new_report(django_capture_on_commit_callbacks).report
    act(
        r,
        "dispatch",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        agency=world.bandung_pupr,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.bandung_admin.email, world.bandung_officer.email]
    )


def test_anonymous_reporter_identity_never_reaches_staff_email(
    world, django_capture_on_commit_callbacks
):
    r = new_report(
        django_capture_on_commit_callbacks,
        is_anonymous=True,
        reporter_name=ANON_NAME,
        reporter_email=ANON_EMAIL,
        reporter_phone=ANON_PHONE,
        title=f"Pungutan liar di puskesmas (lapor: {ANON_NAME})",
        body=f"Saya {ANON_NAME}, hubungi {ANON_PHONE} atau {ANON_EMAIL}.",
    ).report
    desk = Actor.staff(world.desk)
    act(
        r,
        "dispatch",
        desk,
        django_capture_on_commit_callbacks,
        agency=world.bandung,
        public_title="Pungutan liar di puskesmas",
    )
    act(
        r,
        "respond",
        Actor.staff(world.bandung_officer),
        django_capture_on_commit_callbacks,
        message="Sudah ditindak.",
        now=T0 + timedelta(days=1),
    )
    act(
        r,
        "reporter_reply",
        Actor.reporter(),
        django_capture_on_commit_callbacks,
        message=f"Belum beres. Saya {ANON_NAME} ({ANON_EMAIL}, {ANON_PHONE}).",
        now=T0 + timedelta(days=2),
    )
    staff_mails = [m for m in mail.outbox if m.to != [ANON_EMAIL]]
    assert {m.to[0] for m in staff_mails} == {
        world.bandung_admin.email,
        world.bandung_officer.email,
    }
    assert len(staff_mails) == 4  # dispatch and the reply, to two people each
    for m in staff_mails:
        for secret in (ANON_NAME, ANON_EMAIL, ANON_PHONE, "Siti", "rahmawati"):
            assert secret.lower() not in (m.subject + m.body).lower()
    # The stored staff notices hold nothing either.
    for n in Notification.objects.filter(audience="staff"):
        assert ANON_NAME not in n.body and ANON_EMAIL not in n.body and ANON_PHONE not in n.body


# ---- once ----------------------------------------------------------------------------


def test_a_notice_is_queued_once_per_event_and_recipient(world, django_capture_on_commit_callbacks):
    r = new_report(django_capture_on_commit_callbacks, reporter_email="warga@contoh.id").report
    event = act(
        r,
        "dispatch",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        agency=world.bandung,
    )
    assert Notification.objects.filter(event=event).count() == 3
    # The hook called again (a retried job, a bug) queues nothing new.
    assert services.notices_for_event(event) == []
    assert Notification.objects.filter(event=event).count() == 3
    assert len(mail.outbox) == 4  # receipt + three


def test_a_repeated_delivery_after_success_sends_nothing(world, django_capture_on_commit_callbacks):
    r = new_report(django_capture_on_commit_callbacks, reporter_email="warga@contoh.id").report
    notice = Notification.objects.get(report=r)
    assert notice.status == "sent" and notice.attempts == 1 and notice.sent_at is not None
    assert deliver_one(notice.pk) is False
    assert len(mail.outbox) == 1


def test_staff_notices_skip_inactive_and_addressless_users(
    world, django_capture_on_commit_callbacks
):
    staff(world.surabaya, Role.AGENCY_ADMIN, is_active=False)
    staff(world.surabaya, Role.OFFICER, email="")
    r = new_report(django_capture_on_commit_callbacks).report
    act(
        r,
        "dispatch",
        Actor.staff(world.desk),
        django_capture_on_commit_callbacks,
        agency=world.surabaya,
    )
    assert [m.to[0] for m in mail.outbox] == [world.surabaya_officer.email]


def test_replayed_history_writes_no_notices(world):
    # The demo seeder and the bulk import replay months of history: nothing may be left
    # queued for the sweep's safety net to send late.
    from aduan.reports import hooks

    with hooks.suppressed():
        r = submit(now=T0, reporter_email="warga@contoh.id").report
        lifecycle.transition(
            r,
            "dispatch",
            actor=Actor.staff(world.desk),
            change=Change(agency=world.bandung),
            now=T0,
        )
    assert not Notification.objects.exists()
    lifecycle.transition(r, "accept", actor=Actor.staff(world.bandung_officer), now=T0)
    assert Notification.objects.exists()


def test_notices_can_be_switched_off(world, settings):
    settings.ADUAN_NOTIFICATIONS = False
    submit(now=T0, reporter_email="warga@contoh.id")
    assert not Notification.objects.exists()


def test_anonymous_identity_stays_out_of_reminders_escalations_and_digests(world):
    from datetime import date

    from aduan.notifications.digest import digest_send
    from aduan.sla.sweep import sweep

    r = submit(
        now=T0,
        is_anonymous=True,
        reporter_name=ANON_NAME,
        reporter_email=ANON_EMAIL,
        reporter_phone=ANON_PHONE,
        # The desk forgot to rewrite the public title: the name is still in it.
        title=f"{ANON_NAME} melapor pungli",
    ).report
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung), now=T0
    )
    sweep(now=datetime(2026, 11, 6, 8, tzinfo=WIB))  # due soon
    sweep(now=datetime(2026, 11, 12, 0, tzinfo=WIB))  # overdue, escalations
    digest_send(day=date(2026, 11, 12), now=datetime(2026, 11, 12, 6, tzinfo=WIB))
    kinds = set(Notification.objects.filter(audience="staff").values_list("kind", flat=True))
    assert {"due_soon", "overdue", "escalate_agency", "escalate_desk", "digest"} <= kinds
    for n in Notification.objects.filter(audience="staff"):
        text = (n.subject + n.body).lower()
        for secret in (ANON_NAME, ANON_EMAIL, ANON_PHONE):
            assert secret.lower() not in text, (n.kind, n.body)
