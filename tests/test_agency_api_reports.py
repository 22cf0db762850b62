"""Reading through the agency API: only the key's agency subtree, anonymity respected,
cursor pagination and ``updated_since`` sync, filters."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aduan.integrations.keys import key_create
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import Report
from tests.factories import report

LIST = "/api/v1/agency/reports"
WIB = ZoneInfo("Asia/Jakarta")
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)


def client_for(agency, scopes=("read", "write")) -> APIClient:
    _key, raw = key_create(agency=agency, name="sistem", scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def dispatched(world, agency, now=None, **fields) -> Report:
    r = report(region=world.region_bandung, now=now, **fields)
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=agency), now=now
    )
    return r


def tracking_ids(response) -> list[str]:
    return [item["tracking_id_raw"] for item in response.json()["results"]]


# ---- scoping ----------------------------------------------------------------------------------


def test_list_holds_only_the_key_agency_subtree(world):
    own = dispatched(world, world.bandung)
    unit = dispatched(world, world.bandung_dinkes)
    other = dispatched(world, world.surabaya)
    at_desk = report()

    response = client_for(world.bandung).get(LIST)

    assert response.status_code == 200
    ids = tracking_ids(response)
    assert set(ids) == {own.tracking_id, unit.tracking_id}
    assert other.tracking_id not in ids and at_desk.tracking_id not in ids


def test_unit_key_sees_only_its_unit(world):
    dispatched(world, world.bandung)
    unit = dispatched(world, world.bandung_dinkes)

    response = client_for(world.bandung_dinkes).get(LIST)

    assert tracking_ids(response) == [unit.tracking_id]


def test_other_agency_report_is_404_to_read_and_to_act(world):
    other = dispatched(world, world.surabaya)
    client = client_for(world.bandung)

    assert client.get(f"{LIST}/{other.tracking_id}").status_code == 404
    for action, body in [
        ("accept", {}),
        ("forward", {"agency": "32.73.DINKES"}),
        ("update", {"message": "x"}),
        ("respond", {"message": "x"}),
        ("return-to-desk", {"reason": "x"}),
        ("notes", {"message": "x"}),
    ]:
        response = client.post(f"{LIST}/{other.tracking_id}/{action}", body, format="json")
        assert response.status_code == 404, action
        assert response.json()["error"]["code"] == "not_found"
    other.refresh_from_db()
    assert other.status == "dispatched"
    assert other.events.count() == 2


def test_unknown_and_foreign_reports_answer_alike(world):
    other = dispatched(world, world.surabaya)
    client = client_for(world.bandung)

    foreign = client.get(f"{LIST}/{other.tracking_id}")
    unknown = client.get(f"{LIST}/0000000000")

    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()


# ---- one report -------------------------------------------------------------------------------


def test_detail_has_the_staff_view(world):
    r = dispatched(
        world,
        world.bandung,
        title="Puskesmas tutup",
        body="Puskesmas tutup jam 10, hubungi saya di 081234567890.",
        reporter_name="Siti Aminah",
        reporter_email="siti@example.id",
        reporter_phone="081234567890",
        category=world.category_health,
    )
    lifecycle.transition(
        r, "note", actor=Actor.staff(world.bandung_officer), change=Change(message="Cek dulu.")
    )

    data = client_for(world.bandung).get(f"{LIST}/{r.tracking_id}").json()

    assert data["tracking_id_raw"] == r.tracking_id
    assert data["body"].endswith("081234567890.")
    assert "081234567890" not in data["public_body"]
    assert data["reporter"] == {
        "name": "Siti Aminah",
        "email": "siti@example.id",
        "phone": "081234567890",
    }
    assert data["is_anonymous"] is False
    assert data["agency"] == {"code": "32.73", "name": "Pemerintah Kota Bandung"}
    assert data["deadlines"]["first_response_due_at"] is not None
    assert data["category"]["code"] == "kesehatan"
    actions = [e["action"] for e in data["timeline"]]
    assert actions == ["submit", "dispatch", "note"]
    note = data["timeline"][-1]
    assert note["visibility"] == "staff" and note["message"] == "Cek dulu."
    assert "accept" in data["available_actions"]
    assert "return-to-desk" in data["available_actions"]
    # Nothing only the desk may know.
    for field in ("gender", "age_band", "has_disability", "secret_hash", "demographics"):
        assert field not in data


def test_anonymous_reporter_is_never_shown(world, tmp_path):
    r = dispatched(
        world,
        world.bandung,
        is_anonymous=True,
        reporter_name="Budi Rahasia",
        reporter_email="budi@example.id",
        reporter_phone="081299998888",
    )

    response = client_for(world.bandung).get(f"{LIST}/{r.tracking_id}")

    data = response.json()
    assert data["is_anonymous"] is True
    assert data["reporter"] is None
    text = response.content.decode()
    for secret in ("Budi Rahasia", "budi@example.id", "081299998888"):
        assert secret not in text


def test_anonymous_reporter_file_names_are_neutral(world):
    from aduan.reports.uploads import CleanFile

    pdf = CleanFile(name="KTP_Budi_Rahasia.pdf", content_type="application/pdf", data=b"%PDF-1.4")
    r = dispatched(world, world.bandung, is_anonymous=True, attachments=[pdf])
    client = client_for(world.bandung)

    data = client.get(f"{LIST}/{r.tracking_id}").json()

    [entry] = data["attachments"]
    assert "Budi" not in entry["name"]
    download = client.get(entry["url"])
    assert download.status_code == 200
    assert "Budi" not in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.4"


def test_attachment_of_foreign_report_is_404(world):
    from aduan.reports.uploads import CleanFile

    pdf = CleanFile(name="a.pdf", content_type="application/pdf", data=b"%PDF-1.4")
    other = dispatched(world, world.surabaya, attachments=[pdf])
    token = other.attachments.get().token

    response = client_for(world.bandung).get(f"{LIST}/{other.tracking_id}/attachments/{token}")

    assert response.status_code == 404


def test_detail_query_count_is_bounded(world, django_assert_max_num_queries):
    r = dispatched(world, world.bandung)
    officer = Actor.staff(world.bandung_officer)
    for i in range(5):
        lifecycle.transition(r, "note", actor=officer, change=Change(message=f"catatan {i}"))
    client = client_for(world.bandung)

    with django_assert_max_num_queries(15):
        assert client.get(f"{LIST}/{r.tracking_id}").status_code == 200


# ---- list: pagination, sync, filters --------------------------------------------------------


def test_list_query_count_does_not_grow_with_reports(world, django_assert_max_num_queries):
    for _ in range(12):
        dispatched(world, world.bandung, category=world.category_health)
    client = client_for(world.bandung)

    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    assert len(response.json()["results"]) == 12


def test_cursor_pagination_walks_every_report_once(world):
    made = {dispatched(world, world.bandung).tracking_id for _ in range(7)}
    client = client_for(world.bandung)

    seen, url = [], f"{LIST}?page_size=3"
    while url:
        data = client.get(url).json()
        seen += [item["tracking_id_raw"] for item in data["results"]]
        url = data["next"]

    assert len(seen) == 7 and set(seen) == made


def test_updated_since_returns_only_later_changes_in_change_order(world):
    old = dispatched(world, world.bandung, now=T0)
    later = dispatched(world, world.bandung, now=T0 + timedelta(days=2))
    client = client_for(world.bandung)
    Report.objects.filter(pk=old.pk).update(updated_at=T0)
    Report.objects.filter(pk=later.pk).update(updated_at=T0 + timedelta(days=2))

    since = (T0 + timedelta(days=1)).isoformat()
    response = client.get(LIST, {"updated_since": since})
    assert tracking_ids(response) == [later.tracking_id]

    # The old report changes: it moves to the end of the sync order.
    lifecycle.transition(old, "accept", actor=Actor.staff(world.bandung_officer))
    everything = client.get(LIST)
    assert tracking_ids(everything) == [later.tracking_id, old.tracking_id]
    assert tracking_ids(client.get(LIST, {"updated_since": since})) == [
        later.tracking_id,
        old.tracking_id,
    ]


def test_updated_since_with_unencoded_plus_is_understood(world):
    dispatched(world, world.bandung)
    client = client_for(world.bandung)

    response = client.get(f"{LIST}?updated_since=2020-01-01T00:00:00+07:00")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"updated_since": "kemarin"}, "updated_since"),
        ({"status": "dispatched,bogus"}, "status"),
        ({"unit": "35.78"}, "unit"),
        ({"unit": "NOPE"}, "unit"),
        ({"category": "nope"}, "category"),
        ({"cursor": "garbage"}, "cursor"),
    ],
)
def test_bad_filters_are_400_naming_the_field(world, params, field):
    response = client_for(world.bandung).get(LIST, params)

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_filters_status_unit_category_overdue(world):
    accepted = dispatched(world, world.bandung, category=world.category_health)
    lifecycle.transition(accepted, "accept", actor=Actor.staff(world.bandung_officer))
    unit = dispatched(world, world.bandung_dinkes, category=world.category_roads)
    late = dispatched(world, world.bandung)
    Report.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(days=1))
    client = client_for(world.bandung)

    assert tracking_ids(client.get(LIST, {"status": "in_progress"})) == [accepted.tracking_id]
    assert set(tracking_ids(client.get(LIST, {"status": "in_progress,dispatched"}))) == {
        accepted.tracking_id,
        unit.tracking_id,
        late.tracking_id,
    }
    assert tracking_ids(client.get(LIST, {"unit": "32.73.DINKES"})) == [unit.tracking_id]
    assert tracking_ids(client.get(LIST, {"category": "kesehatan"})) == [accepted.tracking_id]
    assert tracking_ids(client.get(LIST, {"overdue": "true"})) == [late.tracking_id]
    not_overdue = tracking_ids(client.get(LIST, {"overdue": "false"}))
    assert late.tracking_id not in not_overdue and unit.tracking_id in not_overdue
    # A report without a current deadline (responded) is not overdue either.
    lifecycle.transition(
        unit, "respond", actor=Actor.staff(world.dinkes_officer), change=Change(message="OK")
    )
    assert unit.due_at is None
    assert unit.tracking_id in tracking_ids(client.get(LIST, {"overdue": "false"}))
    item = next(
        i for i in client.get(LIST).json()["results"] if i["tracking_id_raw"] == late.tracking_id
    )
    assert item["overdue"] is True


def test_reading_a_reporters_identity_through_the_api_is_audited(client, world):
    from aduan.audit.models import AuditRecord
    from aduan.integrations.keys import key_create
    from aduan.reports.lifecycle import Actor, Change, transition
    from tests.factories import report as make_report

    _key, raw = key_create(agency=world.bandung, name="audit", scopes=["read"])
    named = make_report(reporter_name="Siti Aminah", reporter_email="siti@example.id")
    hidden = make_report(reporter_name="Rahasia Orang", is_anonymous=True)
    for r in (named, hidden):
        transition(
            r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=world.bandung)
        )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"/api/v1/agency/reports/{named.tracking_id}", **auth).json()["reporter"]
    assert (
        client.get(f"/api/v1/agency/reports/{hidden.tracking_id}", **auth).json()["reporter"]
        is None
    )
    views = AuditRecord.objects.filter(action=AuditRecord.Action.VIEW_IDENTITY)
    assert [v.report_id for v in views] == [named.pk]
    assert views.get().detail["via"].startswith("api-key:")
