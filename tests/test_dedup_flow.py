"""Near-duplicates at intake, the desk's candidates and merge, followers, public counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory

from aduan.dedup import services, text
from aduan.dedup.models import BandKey, Candidate, IndexedReport
from aduan.notifications.models import Notification
from aduan.reports.access import StaffScope
from aduan.reports.models import Channel, Report, Status
from aduan.reports.tracking import display
from tests.test_backoffice_support import act, action_url, as_user, recent, staff_url

pytestmark = pytest.mark.django_db

POTHOLE = (
    "Jalan berlubang di Jl. Merdeka depan SD Negeri 7",
    "Jalan di Jl. Merdeka depan SD Negeri 7 berlubang besar dan dalam, sudah dua minggu "
    "tidak diperbaiki. Pengendara motor sering jatuh. Mohon segera ditambal.",
)
POTHOLE_SMS = (
    "LAPOR jln merdeka dpn SDN 7 berlubang",
    "LAPOR jln merdeka dpn SDN 7 berlubang besar bgt, udh 2 mgg blm diperbaiki, motor jatuh",
)


def file(world: Any, words: tuple[str, str], **fields: Any) -> Report:
    fields.setdefault("region", world.region_bandung)
    fields.setdefault("reporter_email", "warga@example.id")
    return recent(title=words[0], body=words[1], **fields)


def test_intake_indexes_and_finds_the_earlier_report(world: Any) -> None:
    first = file(world, POTHOLE)
    second = file(world, POTHOLE_SMS, channel=Channel.SMS, reporter_phone="081234567890")
    assert IndexedReport.objects.count() == 2
    assert BandKey.objects.filter(entry_id=second.pk).count() == text.BANDS
    pair = Candidate.objects.get()
    assert (pair.report_id, pair.similar_id) == (second.pk, first.pk)
    assert pair.reason == Candidate.Reason.SIMILAR and pair.score >= services.THRESHOLD


def test_other_city_other_problem_and_window_are_not_candidates(world: Any) -> None:
    file(world, POTHOLE)
    file(world, POTHOLE, region=world.region_surabaya)
    file(world, ("Lampu jalan mati di Jl. Merdeka", "Lampu penerangan mati sebulan, gelap."))
    assert not Candidate.objects.exists()


def test_index_failure_never_blocks_intake(world: Any, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("index down")

    monkeypatch.setattr(services, "index_report", broken)
    r = file(world, POTHOLE)
    assert Report.objects.filter(pk=r.pk, status=Status.SUBMITTED).exists()
    assert not IndexedReport.objects.exists()


def test_reindex_rebuilds_index_and_keeps_dismissed_pairs(world: Any) -> None:
    file(world, POTHOLE)
    file(world, POTHOLE_SMS, channel=Channel.SMS)
    third = file(world, POTHOLE, channel=Channel.EMAIL)
    Candidate.objects.filter(report=third).update(dismissed=True)
    dismissed = set(Candidate.objects.filter(dismissed=True).values_list("pk", flat=True))
    BandKey.objects.all().delete()
    IndexedReport.objects.all().delete()
    Candidate.objects.filter(dismissed=False).delete()
    call_command("dedup", "reindex", stdout=None)
    assert IndexedReport.objects.count() == 3
    assert BandKey.objects.count() == 3 * text.BANDS
    assert set(Candidate.objects.filter(dismissed=True).values_list("pk", flat=True)) == dismissed
    assert Candidate.objects.filter(dismissed=False).count() == 1


# ---- the desk -----------------------------------------------------------------------------


def render_tag(user: Any, report: Report) -> str:
    request = RequestFactory().get("/")
    request.user = user
    request.staff_scope = StaffScope.for_user(user)  # type: ignore[attr-defined]
    template = Template("{% load dedup %}{% duplicate_candidates report %}")
    return template.render(Context({"request": request, "report": report}))


def test_candidates_tag_is_for_the_desk_only(world: Any) -> None:
    first = file(world, POTHOLE)
    second = file(world, POTHOLE_SMS, channel=Channel.SMS)
    html = render_tag(world.desk, second)
    assert display(first.tracking_id) in html and "Kemiripan" in html
    assert f'action="{action_url(second, "archive")}"' in html  # this into the other
    assert f'action="{action_url(first, "archive")}"' in html  # the other into this
    assert 'name="archive-merged_into"' in html
    for outsider in (world.bandung_officer, world.coordinator, world.surabaya_officer):
        assert render_tag(outsider, second).strip() == ""


def test_groups_page(client: Any, world: Any, django_assert_max_num_queries: Any) -> None:
    first = file(world, POTHOLE)
    second = file(world, POTHOLE_SMS, channel=Channel.SMS)
    for _ in range(3):
        file(world, POTHOLE, channel=Channel.EMAIL)
    desk = as_user(client, world.desk)
    with django_assert_max_num_queries(30):
        html = desk.get("/petugas/duplikat/").content.decode()
    assert display(second.tracking_id) in html and display(first.tracking_id) in html
    for outsider in (world.bandung_officer, world.coordinator):
        assert as_user(client, outsider).get("/petugas/duplikat/").status_code == 404
    client.logout()
    assert client.get("/petugas/duplikat/").status_code == 302


def test_dismiss(client: Any, world: Any) -> None:
    file(world, POTHOLE)
    second = file(world, POTHOLE_SMS, channel=Channel.SMS)
    pair = Candidate.objects.get()
    assert (
        as_user(client, world.bandung_officer)
        .post(f"/petugas/duplikat/{pair.pk}/abaikan/")
        .status_code
        == 404
    )
    response = as_user(client, world.desk).post(
        f"/petugas/duplikat/{pair.pk}/abaikan/", {"next": staff_url(second)}
    )
    assert response.status_code == 302 and response["Location"] == staff_url(second)
    pair.refresh_from_db()
    assert pair.dismissed
    assert "Tidak ditemukan kemungkinan duplikat" in render_tag(world.desk, second)


# ---- merging: followers and the public count ------------------------------------------


def merge(client: Any, world: Any, dup: Report, main: Report) -> None:
    response = as_user(client, world.desk).post(
        action_url(dup, "archive"), {"archive-merged_into": main.tracking_id}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    dup.refresh_from_db()


def test_merge_tells_the_reporter_and_they_follow_the_main_report(client: Any, world: Any) -> None:
    main = file(world, POTHOLE, reporter_email="pertama@example.id")
    dup = file(world, POTHOLE_SMS, channel=Channel.SMS, reporter_phone="081299990000")
    merge(client, world, dup, main)
    assert dup.merged_into_id == main.pk and dup.status == Status.ARCHIVED
    told = Notification.objects.get(report=dup, event__action="archive")
    assert told.recipient == "081299990000"
    assert display(main.tracking_id) in told.body

    act(main, "dispatch", world.desk, agency=world.bandung, category=world.category_roads)
    follow = Notification.objects.get(kind="follow", report=dup)
    assert follow.recipient == "081299990000" and follow.channel == Notification.Channel.SMS
    assert display(main.tracking_id) in follow.body
    # The main report's own reporter is told once, as before.
    assert Notification.objects.filter(event__report=main, recipient="pertama@example.id").count()
    main.refresh_from_db()
    act(main, "respond", world.bandung_officer, message="Sudah ditambal kemarin.")
    follow = Notification.objects.filter(kind="follow", report=dup).latest("id")
    assert "Sudah ditambal" in follow.body  # main is public: its public answer is shared


def test_followers_of_a_confidential_main_report_get_status_only(client: Any, world: Any) -> None:
    main = file(world, POTHOLE, is_confidential=True, reporter_email="a@example.id")
    dup = file(world, POTHOLE, channel=Channel.EMAIL, reporter_email="b@example.id")
    merge(client, world, dup, main)
    act(main, "dispatch", world.desk, agency=world.bandung, category=world.category_roads)
    main.refresh_from_db()
    act(main, "respond", world.bandung_officer, message="Rahasia: sudah diperiksa di lokasi.")
    follow = Notification.objects.filter(kind="follow", report=dup).latest("id")
    assert follow.recipient == "b@example.id"
    assert "sudah diperiksa" not in follow.body


def test_same_person_filing_twice_is_told_once(client: Any, world: Any) -> None:
    main = file(world, POTHOLE, reporter_email="sama@example.id")
    dup = file(world, POTHOLE, channel=Channel.EMAIL, reporter_email="sama@example.id")
    merge(client, world, dup, main)
    act(main, "dispatch", world.desk, agency=world.bandung, category=world.category_roads)
    assert not Notification.objects.filter(kind="follow").exists()


def test_merging_a_main_report_moves_its_followers(client: Any, world: Any) -> None:
    a = file(world, POTHOLE)
    b = file(world, POTHOLE_SMS, channel=Channel.SMS)
    c = file(world, POTHOLE, channel=Channel.EMAIL)
    merge(client, world, b, a)
    merge(client, world, a, c)
    b.refresh_from_db()
    assert b.merged_into_id == c.pk  # never a chain
    assert Report.objects.filter(merged_into=c).count() == 2


def test_tracking_pages_say_merged_and_count_reporters(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    main = file(world, POTHOLE)
    dups = [file(world, POTHOLE, channel=Channel.EMAIL) for _ in range(2)]
    for dup in dups:
        merge(client, world, dup, main)
    client.logout()
    page = client.get(f"/lacak/{dups[0].tracking_id}/").content.decode()
    assert "digabungkan dengan laporan" in page
    assert f"/lacak/{main.tracking_id}/" in page
    assert (
        "3 orang melaporkan masalah ini"
        in client.get(f"/lacak/{main.tracking_id}/").content.decode()
    )

    act(main, "dispatch", world.desk, agency=world.bandung, category=world.category_roads)
    for _ in range(5):
        other = file(world, ("Sampah menumpuk", "Sampah di pasar belum diangkut."))
        act(other, "dispatch", world.desk, agency=world.bandung, category=world.category_roads)
    with django_assert_max_num_queries(12):
        listing = client.get("/laporan/").content.decode()
    assert listing.count("orang melaporkan masalah ini") == 1
    assert "3 orang melaporkan masalah ini" in listing


def test_confidential_main_report_is_not_linked_from_a_merged_public_page(
    client: Any, world: Any
) -> None:
    main = file(world, POTHOLE, is_confidential=True)
    dup = file(world, POTHOLE, channel=Channel.EMAIL)
    merge(client, world, dup, main)
    client.logout()
    page = client.get(f"/lacak/{dup.tracking_id}/").content.decode()
    assert "digabungkan dengan laporan lain" in page
    assert main.tracking_id not in page and display(main.tracking_id) not in page


def test_cited_tracking_ids_in_any_writing() -> None:
    from aduan.reports import tracking

    letters = next(
        t for t in iter(tracking.new_tracking_id, None) if not any(c.isdigit() for c in t)
    )
    mixed = next(t for t in iter(tracking.new_tracking_id, None) if any(c.isdigit() for c in t))
    found = text.cited_tracking_ids(
        f"lanjutan {display(letters)} dan {mixed.lower()} juga {display(mixed).replace('-', ' ')}"
    )
    assert found == [letters, mixed]
    assert text.cited_tracking_ids("jalan rusak parah sekali permohonan laporkanlah") == []
