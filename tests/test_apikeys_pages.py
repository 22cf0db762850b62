"""The API key staff page: who may use it, one-time display of the key, revoking, audit."""

from __future__ import annotations

import pytest

from aduan.agencies.models import Role
from aduan.audit.models import AuditRecord
from aduan.integrations.keys import key_authenticate, key_create
from aduan.integrations.models import ApiKey
from tests.factories import staff

URL = "/petugas/kunci-api/"


def revoke_url(key: ApiKey) -> str:
    return f"{URL}{key.prefix}/cabut/"


def create(client, **data):
    body = {"name": "SIPP produksi", "agency": "32.73", "scopes": ["read", "write"], **data}
    return client.post(URL, body)


# ---- who may use the page ----------------------------------------------------------------


def test_anonymous_visitor_goes_to_login(client, world):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


@pytest.mark.parametrize(
    "who", ["bandung_officer", "dinkes_officer", "coordinator", "surabaya_officer"]
)
def test_officers_and_coordinators_are_refused(client, world, who):
    key, _raw = key_create(agency=world.bandung, name="x", scopes=["read"])
    client.force_login(getattr(world, who))

    assert client.get(URL).status_code == 403
    assert create(client).status_code == 403
    assert client.post(revoke_url(key)).status_code == 403
    assert ApiKey.objects.count() == 1
    key.refresh_from_db()
    assert key.is_active


def test_agency_admin_lists_only_keys_of_their_subtree(client, world):
    key_create(agency=world.bandung, name="Kunci Bandung", scopes=["read"])
    key_create(agency=world.bandung_dinkes, name="Kunci Dinkes", scopes=["read"])
    key_create(agency=world.surabaya, name="Kunci Surabaya", scopes=["read"])
    client.force_login(world.bandung_admin)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kunci Bandung" in html and "Kunci Dinkes" in html
    assert "Kunci Surabaya" not in html
    assert '<th scope="col">' in html


def test_desk_lists_every_key(client, world):
    key_create(agency=world.surabaya, name="Kunci Surabaya", scopes=["read"])
    key_create(agency=world.kemenkes, name="Kunci Kemenkes", scopes=["read"])
    client.force_login(world.desk)

    html = client.get(URL).content.decode()

    assert "Kunci Surabaya" in html and "Kunci Kemenkes" in html


def test_list_query_count_is_bounded(client, world, django_assert_max_num_queries):
    for i in range(8):
        key_create(agency=world.bandung, name=f"k{i}", scopes=["read"], created_by=world.desk)
    client.force_login(world.desk)

    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200


# ---- creating ------------------------------------------------------------------------------


def test_created_key_is_shown_once_and_works(client, world):
    client.force_login(world.bandung_admin)

    response = create(client)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw"]
    assert raw.startswith("adn_") and raw in response.content.decode()
    key = ApiKey.objects.get()
    assert key.agency == world.bandung and key.scopes == ["read", "write"]
    assert key.created_by == world.bandung_admin
    assert key_authenticate(raw) == key
    # Never again: the list shows the prefix only.
    listing = client.get(URL).content.decode()
    assert key.prefix in listing and raw not in listing
    record = AuditRecord.objects.get(action="api_key_create")
    assert record.actor == world.bandung_admin and record.agency == world.bandung
    assert record.detail["prefix"] == key.prefix and record.detail["scopes"] == ["read", "write"]


def test_admin_may_create_for_a_unit_but_not_for_another_agency(client, world):
    client.force_login(world.bandung_admin)

    assert create(client, agency="32.73.DINKES").status_code == 200
    refused = create(client, agency="35.78")

    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.content.decode()
    assert list(ApiKey.objects.values_list("agency__code", flat=True)) == ["32.73.DINKES"]


def test_desk_may_create_for_any_agency_but_not_for_itself(client, world):
    client.force_login(world.desk)

    assert create(client, agency="35.78").status_code == 200
    assert create(client, agency="DESK").status_code == 400
    assert ApiKey.objects.get().agency == world.surabaya


def test_missing_name_and_scopes_are_errors(client, world):
    client.force_login(world.bandung_admin)

    response = client.post(URL, {"name": "", "agency": "32.73"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html
    assert ApiKey.objects.count() == 0


# ---- revoking ------------------------------------------------------------------------------


def test_admin_revokes_a_key_of_their_agency(client, world):
    key, raw = key_create(agency=world.bandung_dinkes, name="x", scopes=["read"])
    client.force_login(world.bandung_admin)

    response = client.post(revoke_url(key))

    assert response.status_code == 302
    key.refresh_from_db()
    assert not key.is_active
    assert key_authenticate(raw) is None
    assert (
        AuditRecord.objects.filter(action="api_key_revoke", agency=world.bandung_dinkes).count()
        == 1
    )
    # Revoking again changes nothing and writes no second record.
    client.post(revoke_url(key))
    assert AuditRecord.objects.filter(action="api_key_revoke").count() == 1


def test_admin_of_another_agency_gets_404(client, world):
    key, _raw = key_create(agency=world.bandung, name="x", scopes=["read"])
    client.force_login(staff(world.surabaya, Role.AGENCY_ADMIN))

    assert client.post(revoke_url(key)).status_code == 404
    key.refresh_from_db()
    assert key.is_active


def test_revoke_needs_post(client, world):
    key, _raw = key_create(agency=world.bandung, name="x", scopes=["read"])
    client.force_login(world.bandung_admin)

    assert client.get(revoke_url(key)).status_code == 405
