"""Staff management by agency admins and the desk: who may use which page and action,
which roles may be granted, deactivation rules, set-password links and the audit trail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.agencies.models import Membership, Role
from aduan.audit.models import AuditRecord
from tests.factories import staff
from tests.test_accounts_twofactor import confirmed_device
from tests.test_web_pages import structure

User = get_user_model()
A = AuditRecord.Action


@dataclass
class Cast:
    world: Any
    surabaya_admin: Any
    target: Any  # an officer in a Bandung unit, the object of every action


@pytest.fixture
def cast(world: Any) -> Cast:
    return Cast(
        world=world,
        surabaya_admin=staff(world.surabaya, Role.AGENCY_ADMIN),
        target=world.dinkes_officer,
    )


def _actions(target: Any) -> list[tuple[str, str, dict[str, str]]]:
    membership = Membership.objects.get(user=target)
    base = f"/akun/staf/{target.pk}/"
    return [
        ("get", "/akun/staf/", {}),
        ("get", "/akun/staf/tambah/", {}),
        ("get", base, {}),
        ("post", base + "peran/", {"agency": "32.73.PUPR", "role": "officer"}),
        ("post", base + "tautan-sandi/", {}),
        ("post", base + "2fa/hapus/", {}),
        ("post", base + "status/", {"active": "0"}),
        ("post", base + f"peran/{membership.pk}/cabut/", {}),
    ]


def _statuses(client: Any, user: Any, target: Any) -> list[int]:
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return [getattr(client, m)(url, data).status_code for m, url, data in _actions(target)]


def test_owner_admin_and_desk_may_use_every_page(client: Any, cast: Cast) -> None:
    for user in (cast.world.bandung_admin, cast.world.desk):
        target = staff(cast.world.bandung_dinkes, Role.OFFICER)
        assert _statuses(client, user, target) == [200, 200, 200, 302, 302, 302, 302, 302]


def test_outsiders_are_refused_everywhere(client: Any, cast: Cast) -> None:
    w = cast.world
    # Another agency's admin may use the pages but never sees a Bandung person: 404.
    assert _statuses(client, cast.surabaya_admin, cast.target) == [200, 200] + [404] * 6
    for user in (w.bandung_officer, w.coordinator, w.surabaya_officer, w.ombudsman_officer):
        assert set(_statuses(client, user, cast.target)) == {403}, user
    for status in _statuses(client, None, cast.target):
        assert status == 302
    # Nothing changed for the target.
    cast.target.refresh_from_db()
    assert cast.target.is_active
    assert Membership.objects.filter(user=cast.target).count() == 1
    assert not AuditRecord.objects.exists()


def test_list_shows_only_the_admins_subtree(client: Any, cast: Cast) -> None:
    w = cast.world
    client.force_login(w.bandung_admin)
    html = client.get("/akun/staf/").content.decode()
    for user in (w.bandung_admin, w.bandung_officer, w.dinkes_officer, w.coordinator):
        assert user.email in html
    for user in (w.surabaya_officer, w.desk, cast.surabaya_admin, w.ombudsman_officer):
        assert user.email not in html


def test_admin_never_sees_roles_held_in_other_agencies(client: Any, cast: Cast) -> None:
    Membership.objects.create(user=cast.target, agency=cast.world.surabaya, role=Role.OFFICER)
    client.force_login(cast.world.bandung_admin)
    for url in ("/akun/staf/", f"/akun/staf/{cast.target.pk}/"):
        html = client.get(url).content.decode()
        assert "32.73.DINKES" in html
        assert "35.78" not in html


def test_desk_sees_everyone_and_searches(client: Any, cast: Cast) -> None:
    w = cast.world
    client.force_login(w.desk)
    html = client.get("/akun/staf/").content.decode()
    assert w.surabaya_officer.email in html and w.dinkes_officer.email in html
    html = client.get("/akun/staf/", {"q": w.surabaya_officer.email}).content.decode()
    assert w.surabaya_officer.email in html and w.dinkes_officer.email not in html
    html = client.get("/akun/staf/", {"instansi": "32.73"}).content.decode()
    assert w.dinkes_officer.email in html and w.surabaya_officer.email not in html


def test_agency_filter_outside_scope_shows_nothing(client: Any, cast: Cast) -> None:
    client.force_login(cast.world.bandung_admin)
    response = client.get("/akun/staf/", {"instansi": "35.78"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "tidak ada di bawah kewenangan Anda" in html
    assert cast.world.bandung_officer.email not in html


def test_list_shows_roles_status_and_two_factor(client: Any, cast: Cast) -> None:
    confirmed_device(cast.world.bandung_officer)
    cast.target.is_active = False
    cast.target.save()
    client.force_login(cast.world.bandung_admin)
    response = client.get("/akun/staf/")
    html = response.content.decode()
    assert "Pejabat penghubung" in html and "Admin instansi" in html
    assert "Nonaktif" in html
    assert "Aktif" in html
    page = structure(response)
    assert page.h1_count == 1 and page.unlabelled() == []
    assert '<th scope="col">' in html


def test_list_query_count_is_bounded(
    client: Any, cast: Cast, django_assert_max_num_queries: Any
) -> None:
    for i in range(60):
        user = staff(cast.world.bandung_pupr, Role.OFFICER)
        if i % 3 == 0:
            Membership.objects.create(user=user, agency=cast.world.bandung, role=Role.COORDINATOR)
            confirmed_device(user)
    client.force_login(cast.world.bandung_admin)
    client.get("/akun/staf/")  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get("/akun/staf/")
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/akun/staf/", {"page": 2}).status_code == 200


# ---- creating staff -----------------------------------------------------------------------


def _create(client: Any, **data: str) -> Any:
    payload = {
        "email": "Baru@Example.ID",
        "name": "Siti Baru",
        "agency": "32.73.DINKES",
        "role": "officer",
    }
    payload.update(data)
    return client.post("/akun/staf/tambah/", payload)


def test_admin_creates_staff_with_a_one_time_link(
    client: Any, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    admin = cast.world.bandung_admin
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _create(client)
    assert response.status_code == 302
    user = User.objects.get(username="baru@example.id")
    assert response["Location"] == f"/akun/staf/{user.pk}/"
    assert user.email == "baru@example.id" and user.first_name == "Siti Baru"
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("agency__code", "role")) == [
        ("32.73.DINKES", "officer")
    ]
    actions = sorted(AuditRecord.objects.filter(target_user=user).values_list("action", flat=True))
    assert actions == [A.MEMBERSHIP_ADD, A.STAFF_CREATE]
    assert AuditRecord.objects.filter(actor=admin, action=A.STAFF_CREATE).count() == 1

    # The link is shown once on the person's page, and also e-mailed to them.
    html = client.get(response["Location"]).content.decode()
    shown = re.search(r"http://[^<\s]+/akun/atur-sandi/[^<\s]+", html)
    assert shown is not None
    assert "/akun/atur-sandi/" not in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["baru@example.id"]
    assert "/akun/atur-sandi/" in mail.outbox[0].body


def test_create_form_is_accessible_and_shows_errors(client: Any, cast: Cast) -> None:
    client.force_login(cast.world.bandung_admin)
    page = structure(client.get("/akun/staf/tambah/"))
    assert page.h1_count == 1 and page.unlabelled() == []
    response = _create(client, email="bukan-surel")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and 'aria-invalid="true"' in html


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        ("desk", "32.73"),  # admins never grant DESK
        ("ombudsman", "32.73"),  # nor OMBUDSMAN
        ("officer", "35.78"),  # nor anything outside their subtree
        ("officer", "DESK"),
    ],
)
def test_admin_grant_restrictions(client: Any, cast: Cast, role: str, agency: str) -> None:
    client.force_login(cast.world.bandung_admin)
    response = _create(client, role=role, agency=agency)
    assert response.status_code == 400
    assert not User.objects.filter(username="baru@example.id").exists()
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize(
    ("role", "agency", "ok"),
    [
        ("desk", "DESK", True),
        ("desk", "32.73", False),  # DESK only on the desk
        ("ombudsman", "ORI.JABAR", True),
        ("ombudsman", "32.73", False),  # OMBUDSMAN only inside the Ombudsman
        ("agency_admin", "35.78", True),
    ],
)
def test_desk_grants_any_role_where_it_fits(
    client: Any, cast: Cast, role: str, agency: str, ok: bool
) -> None:
    client.force_login(cast.world.desk)
    response = _create(client, role=role, agency=agency)
    assert (response.status_code == 302) is ok
    assert Membership.objects.filter(user__username="baru@example.id", role=role).exists() is ok


def test_existing_email_is_refused(client: Any, cast: Cast) -> None:
    client.force_login(cast.world.bandung_admin)
    response = _create(client, email=cast.world.surabaya_officer.email.upper())
    assert response.status_code == 400
    assert "Sudah ada akun" in response.content.decode()
    assert Membership.objects.filter(user=cast.world.surabaya_officer).count() == 1


# ---- roles -----------------------------------------------------------------------------------


def test_add_role_is_idempotent_and_audited(client: Any, cast: Cast) -> None:
    client.force_login(cast.world.bandung_admin)
    url = f"/akun/staf/{cast.target.pk}/peran/"
    for _twice in range(2):
        response = client.post(url, {"agency": "32.73.PUPR", "role": "agency_admin"})
        assert response.status_code == 302
    assert Membership.objects.filter(user=cast.target).count() == 2
    record = AuditRecord.objects.get(action=A.MEMBERSHIP_ADD)
    assert record.target_user == cast.target and record.agency == cast.world.bandung_pupr
    assert record.detail["role"] == "agency_admin"


def test_add_role_refuses_desk_and_outside_agencies(client: Any, cast: Cast) -> None:
    client.force_login(cast.world.bandung_admin)
    url = f"/akun/staf/{cast.target.pk}/peran/"
    for data in ({"agency": "32.73", "role": "desk"}, {"agency": "35.78", "role": "officer"}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert structure(response).h1_count == 1
    assert Membership.objects.filter(user=cast.target).count() == 1


def test_remove_role_and_person_leaves_the_list(client: Any, cast: Cast) -> None:
    client.force_login(cast.world.bandung_admin)
    membership = Membership.objects.get(user=cast.target)
    response = client.post(f"/akun/staf/{cast.target.pk}/peran/{membership.pk}/cabut/")
    assert response.status_code == 302 and response["Location"] == "/akun/staf/"
    assert not Membership.objects.filter(user=cast.target).exists()
    record = AuditRecord.objects.get(action=A.MEMBERSHIP_REMOVE)
    assert record.detail["agency"] == "32.73.DINKES"
    assert client.get(f"/akun/staf/{cast.target.pk}/").status_code == 404


def test_cannot_remove_own_role_or_roles_outside_scope(client: Any, cast: Cast) -> None:
    w = cast.world
    client.force_login(w.bandung_admin)
    own = Membership.objects.get(user=w.bandung_admin)
    client.post(f"/akun/staf/{w.bandung_admin.pk}/peran/{own.pk}/cabut/")
    assert Membership.objects.filter(pk=own.pk).exists()
    other = Membership.objects.create(user=cast.target, agency=w.surabaya, role=Role.OFFICER)
    response = client.post(f"/akun/staf/{cast.target.pk}/peran/{other.pk}/cabut/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_admin_cannot_remove_a_desk_granted_role(client: Any, cast: Cast) -> None:
    ombudsman_role = Membership.objects.create(
        user=cast.target, agency=cast.world.bandung, role=Role.OMBUDSMAN
    )  # odd, but possible through the Django admin
    client.force_login(cast.world.bandung_admin)
    client.post(f"/akun/staf/{cast.target.pk}/peran/{ombudsman_role.pk}/cabut/")
    assert Membership.objects.filter(pk=ombudsman_role.pk).exists()


# ---- activation ------------------------------------------------------------------------------


def test_deactivate_and_reactivate(client: Any, cast: Cast) -> None:
    client.force_login(cast.world.bandung_admin)
    url = f"/akun/staf/{cast.target.pk}/status/"
    client.post(url, {"active": "0"})
    cast.target.refresh_from_db()
    assert not cast.target.is_active
    client.post(url, {"active": "1"})
    cast.target.refresh_from_db()
    assert cast.target.is_active
    actions = list(
        AuditRecord.objects.filter(target_user=cast.target)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [A.STAFF_DEACTIVATE, A.STAFF_ACTIVATE]


def test_never_deactivate_yourself(client: Any, cast: Cast) -> None:
    admin = cast.world.bandung_admin
    client.force_login(admin)
    response = client.post(f"/akun/staf/{admin.pk}/status/", {"active": "0"}, follow=True)
    admin.refresh_from_db()
    assert admin.is_active
    assert "akun sendiri" in response.content.decode()


def test_person_working_elsewhere_only_loses_the_local_role(client: Any, cast: Cast) -> None:
    w = cast.world
    Membership.objects.create(user=cast.target, agency=w.surabaya, role=Role.OFFICER)
    client.force_login(w.bandung_admin)
    response = client.post(f"/akun/staf/{cast.target.pk}/status/", {"active": "0"}, follow=True)
    cast.target.refresh_from_db()
    assert cast.target.is_active
    assert "juga bertugas di instansi lain" in response.content.decode()
    # The desk may still switch the account off.
    client.force_login(w.desk)
    client.post(f"/akun/staf/{cast.target.pk}/status/", {"active": "0"})
    cast.target.refresh_from_db()
    assert not cast.target.is_active


# ---- account help ---------------------------------------------------------------------------


def test_admin_resets_a_lost_authenticator(client: Any, cast: Cast) -> None:
    confirmed_device(cast.target)
    client.force_login(cast.world.bandung_admin)
    client.post(f"/akun/staf/{cast.target.pk}/2fa/hapus/")
    assert not TOTPDevice.objects.filter(user=cast.target).exists()
    record = AuditRecord.objects.get(action=A.TWO_FACTOR_DEVICE)
    assert record.actor == cast.world.bandung_admin and record.detail == {"change": "reset"}


def test_password_link_is_mailed_not_shown(
    client: Any, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(cast.world.bandung_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/akun/staf/{cast.target.pk}/tautan-sandi/", follow=True)
    assert "/akun/atur-sandi/" not in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cast.target.email]
    assert "/akun/atur-sandi/" in mail.outbox[0].body
    assert AuditRecord.objects.get(action=A.PASSWORD_LINK).target_user == cast.target


def test_detail_page_is_accessible_and_links_to_the_audit_trail(client: Any, cast: Cast) -> None:
    client.force_login(cast.world.bandung_admin)
    response = client.get(f"/akun/staf/{cast.target.pk}/")
    page = structure(response)
    assert page.h1_count == 1 and page.unlabelled() == []
    assert f'href="/audit/pengguna/{cast.target.pk}/"' in response.content.decode()
