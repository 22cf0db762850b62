"""The lifecycle engine: every allowed and forbidden transition, guards, deadlines, events."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aduan.reports import lifecycle
from aduan.reports.lifecycle import TRANSITIONS, Actor, Change
from aduan.reports.models import Report, ReportEvent, Status
from tests.factories import report

WIB = ZoneInfo("Asia/Jakarta")
WIT = ZoneInfo("Asia/Jayapura")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)  # Monday


def later(days=0, hours=0):
    return T0 + timedelta(days=days, hours=hours)


def act(r, action, actor, now=None, **change):
    return lifecycle.transition(
        r, action, actor=actor, change=Change(**change), now=now or later(1)
    )


def dispatched(world, agency=None, **fields):
    r = report(now=T0, **fields)
    act(r, "dispatch", Actor.staff(world.desk), agency=agency or world.bandung, now=later(hours=2))
    return r


def put_in_state(world, status):
    """A report in ``status`` reached through real transitions."""
    desk, officer = Actor.staff(world.desk), Actor.staff(world.bandung_officer)
    r = report(now=T0, region=world.region_bandung)
    if status == Status.SUBMITTED:
        return r
    if status in (Status.NEEDS_INFO, Status.REJECTED):
        act(r, "request_info", desk, message="Mohon lengkapi lokasi.")
        if status == Status.REJECTED:
            act(r, "expire", Actor.system(), now=later(30))
        return r
    if status == Status.ARCHIVED:
        act(r, "archive", desk, reason="duplicate")
        return r
    act(r, "dispatch", desk, agency=world.bandung)
    if status == Status.DISPATCHED:
        return r
    if status == Status.ESCALATED:
        act(r, "escalate", Actor.reporter(), now=later(40))
        return r
    act(r, "accept", officer, now=later(2))
    if status == Status.IN_PROGRESS:
        return r
    act(r, "respond", officer, message="Sudah diperbaiki.", now=later(3))
    if status == Status.RESPONDED:
        return r
    act(r, "close", Actor.reporter(), now=later(4))
    assert status == Status.CLOSED
    return r


def actor_for(world, action, status=None):
    rule = TRANSITIONS[action]
    if lifecycle.SYSTEM in rule.actors:
        return Actor.system()
    if lifecycle.REPORTER in rule.actors:
        return Actor.reporter()
    if lifecycle.DESK in rule.actors:
        return Actor.staff(world.desk)
    if status == Status.ESCALATED:
        return Actor.staff(world.ombudsman_officer)
    return Actor.staff(world.bandung_admin)


def change_for(world, action, status=None):
    if action == "forward" and status == Status.ESCALATED:
        return {"agency": world.ombudsman_jabar}
    return {
        "dispatch": {"agency": world.surabaya},
        "forward": {"agency": world.bandung_dinkes},
        "escalate": {},
        "reject": {"reason": "spam"},
        "archive": {"reason": "duplicate"},
        "return_to_desk": {"reason": "Bukan wewenang Pemkot Bandung."},
        "rate": {"rating": 4, "resolved": True},
    }.get(action, {"message": "Pesan uji."})


ALL_PAIRS = [(a, s) for a in TRANSITIONS for s in Status.values]


@pytest.mark.parametrize(("action", "status"), ALL_PAIRS)
def test_transition_table_allows_exactly_the_listed_sources(world, action, status):
    r = put_in_state(world, status)
    assert r.status == status
    before = ReportEvent.objects.filter(report=r).count()
    actor = actor_for(world, action, status)
    now = later(60)  # late enough for the Ombudsman offer
    if status in TRANSITIONS[action].sources:
        event = lifecycle.transition(
            r, action, actor=actor, change=Change(**change_for(world, action, status)), now=now
        )
        r.refresh_from_db()
        expected = TRANSITIONS[action].target or status
        assert r.status == expected
        assert event.from_status == status and event.to_status == expected
        assert ReportEvent.objects.filter(report=r).count() == before + 1
    else:
        with pytest.raises(lifecycle.InvalidState):
            lifecycle.transition(
                r, action, actor=actor, change=Change(**change_for(world, action, status)), now=now
            )
        r.refresh_from_db()
        assert r.status == status
        assert ReportEvent.objects.filter(report=r).count() == before


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("dispatch", "bandung_officer"),
        ("dispatch", "coordinator"),
        ("dispatch", "reporter"),
        ("request_info", "system"),  # the system only dispatches (triage auto-dispatch)
        ("request_info", "bandung_admin"),
        ("reject", "surabaya_officer"),
    ],
)
def test_desk_actions_refuse_everyone_else(world, action, who):
    r = report(now=T0)
    actor = {"reporter": Actor.reporter(), "system": Actor.system()}.get(who) or Actor.staff(
        getattr(world, who)
    )
    with pytest.raises(lifecycle.NotPermitted):
        act(r, action, actor, **change_for(world, action))
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["surabaya_officer", "coordinator", "desk", "ombudsman_officer"])
@pytest.mark.parametrize("action", ["accept", "update", "respond", "return_to_desk", "forward"])
def test_agency_actions_only_for_the_handling_subtree(world, who, action):
    r = dispatched(world)
    with pytest.raises(lifecycle.NotPermitted):
        act(r, action, Actor.staff(getattr(world, who)), **change_for(world, action))
    assert Report.objects.get(pk=r.pk).status == Status.DISPATCHED


def test_unit_officer_cannot_act_on_parent_agency_report_but_parent_admin_can_on_unit(world):
    r = dispatched(world)
    with pytest.raises(lifecycle.NotPermitted):
        act(r, "accept", Actor.staff(world.dinkes_officer))
    act(r, "forward", Actor.staff(world.bandung_admin), agency=world.bandung_dinkes, now=later(2))
    act(r, "update", Actor.staff(world.dinkes_officer), message="Sedang dicek.", now=later(3))
    act(r, "respond", Actor.staff(world.bandung_admin), message="Selesai.", now=later(4))
    assert r.status == Status.RESPONDED


def test_reporter_actions_refuse_staff(world):
    r = put_in_state(world, Status.RESPONDED)
    with pytest.raises(lifecycle.NotPermitted):
        act(r, "close", Actor.staff(world.bandung_officer), now=later(5))
    with pytest.raises(lifecycle.NotPermitted):
        act(r, "reporter_reply", Actor.staff(world.desk), message="x", now=later(5))


def test_forward_only_inside_own_subtree(world):
    r = dispatched(world)
    officer = Actor.staff(world.bandung_officer)
    for target in (world.surabaya, world.kemenkes, world.bandung.parent or world.desk_agency):
        with pytest.raises(lifecycle.MissingInput) as err:
            act(r, "forward", officer, agency=target)
        assert err.value.field == "agency"
    act(r, "forward", officer, agency=world.bandung_pupr)
    assert r.agency == world.bandung_pupr and r.status == Status.IN_PROGRESS
    # The unit cannot forward sideways to a sibling unit.
    with pytest.raises(lifecycle.NotPermitted):
        act(r, "forward", Actor.staff(world.dinkes_officer), agency=world.bandung_dinkes)


def test_required_inputs(world):
    desk = Actor.staff(world.desk)
    r = report(now=T0)
    with pytest.raises(lifecycle.MissingInput) as err:
        act(r, "dispatch", desk)
    assert err.value.field == "agency"
    with pytest.raises(lifecycle.MissingInput) as err:
        act(r, "dispatch", desk, agency=world.desk_agency)
    with pytest.raises(lifecycle.MissingInput) as err:
        act(r, "request_info", desk, message="   ")
    assert err.value.field == "message"
    with pytest.raises(lifecycle.MissingInput) as err:
        act(r, "reject", desk, reason="not-a-reason")
    assert err.value.field == "reason"
    r = dispatched(world)
    with pytest.raises(lifecycle.MissingInput) as err:
        act(r, "return_to_desk", Actor.staff(world.bandung_officer))
    assert err.value.field == "reason"
    assert Report.objects.get(pk=r.pk).status == Status.DISPATCHED


def test_dispatch_sets_deadlines_by_class_in_agency_time_zone(world):
    r = report(now=T0, type="complaint")
    act(r, "dispatch", Actor.staff(world.desk), agency=world.jayapura, now=later(hours=1))
    r.refresh_from_db()
    assert r.first_response_due_at == datetime(2026, 11, 9, 23, 59, 59, tzinfo=WIT)
    assert r.completion_due_at == datetime(2026, 11, 20, 23, 59, 59, tzinfo=WIT)
    assert r.due_at == r.first_response_due_at
    assert r.verified_at is not None and r.dispatched_at is not None

    r2 = report(now=T0)
    act(
        r2,
        "dispatch",
        Actor.staff(world.desk),
        agency=world.bandung,
        now=later(hours=1),
        report_type="complaint",
        needs_inspection=True,
        category=world.category_roads,
    )
    r2.refresh_from_db()
    assert r2.needs_inspection and r2.category == world.category_roads
    # 60 working days from Mon 2 Nov 2026 (with Christmas on 25 Dec) ends in late January.
    assert r2.completion_due_at.astimezone(WIB).date() == date(2027, 1, 28)


def test_verify_deadline_on_submission_and_on_bounce(world):
    r = report(now=T0)
    assert r.due_at == datetime(2026, 11, 5, 23, 59, 59, tzinfo=WIB)
    act(r, "dispatch", Actor.staff(world.desk), agency=world.bandung, now=later(hours=1))
    event = act(
        r,
        "return_to_desk",
        Actor.staff(world.bandung_officer),
        reason="Wewenang Pemprov.",
        now=datetime(2026, 11, 6, 9, tzinfo=WIB),
    )  # Friday
    r.refresh_from_db()
    assert r.status == Status.SUBMITTED and r.agency is None and r.bounce_count == 1
    assert r.due_at == datetime(2026, 11, 11, 23, 59, 59, tzinfo=WIB)
    assert r.first_response_due_at is None and r.completion_due_at is None
    assert event.reason == "Wewenang Pemprov."
    # Re-dispatch restarts the agency's clock for the new agency.
    act(
        r,
        "dispatch",
        Actor.staff(world.desk),
        agency=world.surabaya,
        now=datetime(2026, 11, 9, 9, tzinfo=WIB),
    )
    r.refresh_from_db()
    assert r.agency == world.surabaya and r.bounce_count == 1
    assert r.first_response_due_at.astimezone(WIB).date() == date(2026, 11, 16)


def test_first_response_is_recorded_by_update_or_respond(world):
    r = dispatched(world)
    officer = Actor.staff(world.bandung_officer)
    act(r, "accept", officer, now=later(1))
    r.refresh_from_db()
    assert r.first_response_at is None and r.due_at == r.first_response_due_at
    act(r, "update", officer, message="Tim sudah ke lokasi.", now=later(2))
    r.refresh_from_db()
    assert r.first_response_at == later(2)
    assert r.due_at == r.completion_due_at
    act(r, "update", officer, message="Perbaikan dijadwalkan.", now=later(3))
    r.refresh_from_db()
    assert r.first_response_at == later(2)


def test_reporter_reply_reopens_and_auto_close_window(world):
    r = put_in_state(world, Status.RESPONDED)
    assert r.auto_at is not None and r.due_at is None
    act(r, "reporter_reply", Actor.reporter(), message="Belum diperbaiki.", now=later(5))
    r.refresh_from_db()
    assert r.status == Status.IN_PROGRESS and r.auto_at is None and r.due_at is not None
    act(r, "respond", Actor.staff(world.bandung_officer), message="Sudah ditambal.", now=later(6))
    act(r, "close", Actor.reporter(), now=later(7))
    act(r, "rate", Actor.reporter(), rating=5, resolved=True, now=later(7))
    r.refresh_from_db()
    assert r.status == Status.CLOSED and r.rating == 5 and r.resolved is True
    with pytest.raises(lifecycle.Conflict):
        act(r, "rate", Actor.reporter(), rating=1, resolved=False, now=later(8))
    with pytest.raises(lifecycle.MissingInput):
        act(put_in_state(world, Status.CLOSED), "rate", Actor.reporter(), rating=9)


def test_escalation_only_after_completion_limit(world):
    r = dispatched(world)
    with pytest.raises(lifecycle.InvalidState):
        act(r, "escalate", Actor.reporter(), now=later(3))
    assert not lifecycle.escalation_due(r, later(3))
    assert lifecycle.escalation_due(r, r.completion_due_at + timedelta(seconds=1))
    act(r, "escalate", Actor.reporter(), now=r.completion_due_at + timedelta(seconds=1))
    r.refresh_from_db()
    assert r.status == Status.ESCALATED and r.agency == world.ombudsman
    # The Ombudsman then works it like any agency; the original agency no longer can.
    with pytest.raises(lifecycle.NotPermitted):
        act(r, "accept", Actor.staff(world.bandung_officer), now=later(30))
    act(r, "accept", Actor.staff(world.ombudsman_officer), now=later(30))
    act(
        r,
        "respond",
        Actor.staff(world.ombudsman_officer),
        message="Rekomendasi terbit.",
        now=later(31),
    )
    assert r.status == Status.RESPONDED


def test_stale_copy_gets_conflict_and_nothing_is_written(world):
    r = report(now=T0)
    copy = Report.objects.get(pk=r.pk)
    act(r, "dispatch", Actor.staff(world.desk), agency=world.bandung)
    with pytest.raises(lifecycle.Conflict):
        act(copy, "reject", Actor.staff(world.desk), reason="spam")
    r.refresh_from_db()
    assert r.status == Status.DISPATCHED and r.agency == world.bandung
    assert [e.action for e in r.events.all()] == ["submit", "dispatch"]


def test_stale_agency_gets_conflict(world):
    r = dispatched(world)
    admin = Actor.staff(world.bandung_admin)
    act(r, "forward", admin, agency=world.bandung_dinkes)
    stale = Report.objects.select_related("agency").get(pk=r.pk)
    # Same status, another agency: an answer decided on old facts must not land.
    act(r, "forward", admin, agency=world.bandung_pupr)
    assert stale.status == r.status == Status.IN_PROGRESS
    with pytest.raises(lifecycle.Conflict):
        act(stale, "respond", admin, message="stale")
    fresh = Report.objects.select_related("agency").get(pk=r.pk)
    act(fresh, "respond", admin, message="fresh")
    assert fresh.status == Status.RESPONDED


def test_events_record_actor_and_are_append_only(world):
    r = dispatched(world)
    event = r.events.get(action="dispatch")
    assert event.actor == world.desk
    assert event.actor_kind == "staff"
    assert event.actor_agency == world.desk_agency
    assert event.agency == world.bandung
    event.message = "edited"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_public_message_is_redacted_and_internal_reason_not_public(world):
    r = dispatched(world)
    officer = Actor.staff(world.bandung_officer)
    ev = act(r, "update", officer, message="Hubungi petugas di 0812-3456-7890 ya.", now=later(2))
    assert "0812" not in ev.public_message and "0812" in ev.message
    ev = act(r, "return_to_desk", officer, reason="Bukan wewenang kami.", now=later(3))
    assert ev.public_message == ""


def test_allowed_actions_lists_what_the_actor_may_do(world):
    r = dispatched(world)
    assert set(lifecycle.allowed_actions(r, Actor.staff(world.bandung_officer))) == {
        "accept",
        "forward",
        "update",
        "respond",
        "return_to_desk",
        "note",
    }
    assert lifecycle.allowed_actions(r, Actor.staff(world.surabaya_officer)) == []
    assert lifecycle.allowed_actions(r, Actor.staff(world.coordinator)) == []
    assert "archive" in lifecycle.allowed_actions(r, Actor.staff(world.desk))


def test_archive_as_duplicate_links_the_main_report(world):
    main = report(now=T0)
    dup = report(now=T0)
    act(dup, "archive", Actor.staff(world.desk), reason="duplicate", merged_into=main)
    dup.refresh_from_db()
    assert dup.status == Status.ARCHIVED and dup.merged_into == main
    other = report(now=T0)
    with pytest.raises(lifecycle.MissingInput):
        act(other, "archive", Actor.staff(world.desk), reason="duplicate", merged_into=dup)
    with pytest.raises(lifecycle.MissingInput):
        act(other, "archive", Actor.staff(world.desk), reason="duplicate", merged_into=other)


def test_internal_note_is_staff_only_and_does_not_touch_the_report(world):
    r = dispatched(world)
    updated = Report.objects.get(pk=r.pk).updated_at
    ev = act(r, "note", Actor.staff(world.bandung_officer), message="Cek ke lapangan Senin.")
    assert ev.visibility == ReportEvent.Visibility.STAFF and ev.public_message == ""
    assert Report.objects.get(pk=r.pk).updated_at == updated
    with pytest.raises(lifecycle.NotPermitted):
        act(r, "note", Actor.staff(world.coordinator), message="x")
    with pytest.raises(lifecycle.NotPermitted):
        act(r, "note", Actor.staff(world.surabaya_officer), message="x")


def test_desk_edits_public_text_and_privacy_at_dispatch(world):
    r = report(now=T0, title="Pungli KTP, hubungi 081234567890", is_anonymous=False)
    act(
        r,
        "dispatch",
        Actor.staff(world.desk),
        agency=world.bandung,
        public_title="Dugaan pungutan liar pembuatan KTP (0812-3456-7890)",
        public_body="Ringkasan: pungutan saat membuat KTP-el.",
        is_anonymous=True,
        is_confidential=True,
    )
    r.refresh_from_db()
    assert r.title.startswith("Pungli KTP")  # the original stays for staff
    assert "0812" not in r.public_title and r.public_title.startswith("Dugaan")
    assert r.is_anonymous and r.is_confidential
    with pytest.raises(lifecycle.MissingInput) as err:
        act(
            report(now=T0),
            "dispatch",
            Actor.staff(world.desk),
            agency=world.bandung,
            public_title="  ",
        )
    assert err.value.field == "public_title"


def test_follow_up_attachments_are_stored_with_the_event(world, tmp_path):
    from aduan.reports.uploads import CleanFile

    r = dispatched(world)
    pdf = CleanFile(
        name="surat-jawaban.pdf", content_type="application/pdf", data=b"%PDF-1.4\n%%EOF"
    )
    ev = act(
        r,
        "respond",
        Actor.staff(world.bandung_officer),
        message="Terlampir surat.",
        attachments=[pdf],
        attachments_public=True,
    )
    att = ev.attachments.get()
    assert att.report_id == r.pk and att.is_public and att.original_name == "surat-jawaban.pdf"
    assert att.file.read() == pdf.data


def test_api_key_actor_works_as_an_officer_of_its_agency(world):
    from aduan.integrations.keys import key_create

    key, _raw = key_create(agency=world.bandung, name="SIPPN Bandung", scopes=["read", "write"])
    r = dispatched(world)
    ev = act(r, "accept", Actor.api_key(key))
    assert ev.actor is None and ev.actor_agency == world.bandung
    assert ev.actor_label == f"api-key:{key.prefix}"
    other = dispatched(world, agency=world.surabaya)
    with pytest.raises(lifecycle.NotPermitted):
        act(other, "accept", Actor.api_key(key))


def test_external_id_is_unique_per_source_agency(world):
    from aduan.reports.intake import ExternalIdTaken

    first = report(source_agency=world.bandung, external_id="BDG-1")
    report(source_agency=world.surabaya, external_id="BDG-1")
    report(external_id="")
    report(external_id="")
    with pytest.raises(ExternalIdTaken) as taken:
        report(source_agency=world.bandung, external_id="BDG-1")
    assert taken.value.report == first
    assert Report.objects.filter(external_id="BDG-1").count() == 2
