"""Work units: agency admins list and create units inside their own subtree only."""

from __future__ import annotations

from typing import Any

import pytest

from aduan.agencies.models import Agency, Role
from aduan.audit.models import AuditRecord
from tests.factories import staff
from tests.test_web_pages import structure

CREATE = "/akun/unit/tambah/"


def _post(client: Any, **data: str) -> Any:
    payload = {"parent": "32.73", "abbreviation": "dishub", "name": "Dinas Perhubungan"}
    payload.update(data)
    return client.post(CREATE, payload)


def test_admin_creates_a_unit_that_inherits_region_and_time_zone(client: Any, world: Any) -> None:
    world.bandung.time_zone = "Asia/Makassar"  # whatever the parent has, the unit gets
    world.bandung.save()
    client.force_login(world.bandung_admin)
    response = _post(client)
    assert response.status_code == 302
    assert response["Location"] == "/akun/unit/32.73.DISHUB/"
    unit = Agency.objects.get(code="32.73.DISHUB")
    assert unit.kind == Agency.Kind.UNIT and unit.parent == world.bandung
    assert unit.abbreviation == "DISHUB" and unit.name == "Dinas Perhubungan"
    assert unit.region == world.region_bandung and unit.time_zone == "Asia/Makassar"
    assert unit.path == "/32.73/32.73.DISHUB/"
    record = AuditRecord.objects.get(action=AuditRecord.Action.UNIT_CREATE)
    assert record.actor == world.bandung_admin and record.agency == unit
    assert record.detail["parent"] == "32.73"


def test_unit_under_a_unit(client: Any, world: Any) -> None:
    client.force_login(world.bandung_admin)
    assert _post(client, parent="32.73.DINKES", abbreviation="PKM-1").status_code == 302
    assert Agency.objects.get(code="32.73.DINKES.PKM-1").parent == world.bandung_dinkes


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"abbreviation": "DIS HUB"}, "Singkatan hanya boleh"),
        ({"abbreviation": "dinas/x"}, "Singkatan hanya boleh"),
        ({"abbreviation": "-X"}, "Singkatan hanya boleh"),
        ({"abbreviation": "DINKES"}, "sudah dipakai"),
        ({"name": "   "}, "harus diisi"),
        ({"parent": "35.78"}, "di luar kewenangan"),
        ({"parent": "TIDAK-ADA"}, "di luar kewenangan"),
    ],
)
def test_invalid_units_are_refused(
    client: Any, world: Any, data: dict[str, str], message: str
) -> None:
    client.force_login(world.bandung_admin)
    before = Agency.objects.count()
    response = _post(client, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert Agency.objects.count() == before
    assert not AuditRecord.objects.exists()


def test_desk_creates_units_anywhere(client: Any, world: Any) -> None:
    client.force_login(world.desk)
    assert _post(client, parent="35.78").status_code == 302
    assert Agency.objects.filter(code="35.78.DISHUB").exists()


def test_unit_list_shows_the_admins_subtree(client: Any, world: Any) -> None:
    client.force_login(world.bandung_admin)
    response = client.get("/akun/unit/")
    html = response.content.decode()
    for code in ("32.73", "32.73.DINKES", "32.73.PUPR"):
        assert f"/akun/unit/{code}/" in html
    for code in ("35.78", "KEMENKES", "DESK"):
        assert f"/akun/unit/{code}/" not in html
    page = structure(response)
    assert page.h1_count == 1 and page.unlabelled() == []


def test_desk_searches_all_agencies(client: Any, world: Any) -> None:
    client.force_login(world.desk)
    html = client.get("/akun/unit/", {"q": "surabaya"}).content.decode()
    assert "/akun/unit/35.78/" in html and "/akun/unit/32.73/" not in html


def test_unit_list_query_count_is_bounded(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(40):
        unit = Agency.objects.create(
            code=f"32.73.U{i}", name=f"Unit {i}", kind=Agency.Kind.UNIT, parent=world.bandung
        )
        staff(unit, Role.OFFICER)
    client.force_login(world.bandung_admin)
    client.get("/akun/unit/")
    with django_assert_max_num_queries(10):
        assert client.get("/akun/unit/").status_code == 200


def test_unit_pages_permissions(client: Any, world: Any) -> None:
    surabaya_admin = staff(world.surabaya, Role.AGENCY_ADMIN)
    pages = ["/akun/unit/", CREATE, "/akun/unit/32.73.DINKES/"]
    # (GET list, GET create, GET detail of a Bandung unit, POST a unit under Bandung)
    expected = {
        world.bandung_admin: [200, 200, 200, 302],
        world.desk: [200, 200, 200, 302],
        # Another agency's admin: Bandung's units do not exist for them.
        surabaya_admin: [200, 200, 404, 400],
        world.bandung_officer: [403, 403, 403, 403],
        world.coordinator: [403, 403, 403, 403],
        world.ombudsman_officer: [403, 403, 403, 403],
    }
    for user, statuses in expected.items():
        client.force_login(user)
        got = [client.get(url).status_code for url in pages]
        got.append(_post(client, abbreviation=f"X{user.pk}").status_code)
        assert got == statuses, user
    created = Agency.objects.filter(code__startswith="32.73.X").values_list("code", flat=True)
    assert sorted(created) == sorted(f"32.73.X{u.pk}" for u in (world.bandung_admin, world.desk))
    client.logout()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")
    assert _post(client, abbreviation="ANON").status_code == 302
    assert not Agency.objects.filter(code="32.73.ANON").exists()


def test_unit_detail_shows_units_staff_and_policy(client: Any, world: Any) -> None:
    client.force_login(world.bandung_admin)
    response = client.get("/akun/unit/32.73/")
    html = response.content.decode()
    assert "32.73.DINKES" in html and "32.73.PUPR" in html
    assert "/akun/staf/?instansi=32.73" in html
    assert 'action="/akun/unit/32.73/keamanan/"' in html
    page = structure(response)
    assert page.h1_count == 1 and page.unlabelled() == []
