"""Second factor: setting up a TOTP authenticator, verifying after login, the agency policy
that forces it, wrong-code throttling, removal, and the staff gate's redirects."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts import guards, services, twofactor
from aduan.accounts.models import AgencySecurityPolicy
from aduan.agencies.models import Role
from aduan.audit.models import AuditRecord
from aduan.reports.access import StaffScope
from tests.factories import UserFactory, staff
from tests.test_web_pages import structure

PASSWORD = "rahasia-kuat-123"
SETUP = "/akun/2fa/"
VERIFY = "/akun/2fa/verifikasi/"


# ---- helpers shared by the other account and audit tests --------------------------------


def totp_code(device: TOTPDevice, steps: int = 0) -> str:
    """The code the person's app shows now (``steps`` time steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():0{device.digits}d}"


def confirmed_device(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def mark_verified(client: Any, device: TOTPDevice) -> None:
    """What django_otp.login() leaves in the session after a correct code."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def own_audit_url(user: Any) -> str:
    # A page every staff member may open (their own audit trail), behind staff_required.
    return f"/audit/pengguna/{user.pk}/"


@pytest.fixture
def no_backoff(settings: Any) -> None:
    # django-otp waits 1, 2, 4 ... seconds after each wrong code; tests that follow a
    # wrong code with a right one switch that off (our own lock stays on).
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


# ---- setup ---------------------------------------------------------------------------------


def test_setup_page_shows_qr_and_secret_and_keeps_the_pending_device(
    client: Any, world: Any
) -> None:
    client.force_login(world.bandung_officer)
    response = client.get(SETUP)
    assert response.status_code == 200
    html = response.content.decode()
    device = TOTPDevice.objects.get(user=world.bandung_officer)
    assert not device.confirmed
    assert '<svg role="img"' in html and "<title>" in html
    assert twofactor.secret_base32(device) in html
    page = structure(response)
    assert page.h1_count == 1 and page.unlabelled() == []
    client.get(SETUP)  # a second visit shows the same secret
    assert TOTPDevice.objects.filter(user=world.bandung_officer).count() == 1


def test_setup_with_wrong_code_then_right_code(client: Any, world: Any, no_backoff: None) -> None:
    user = world.bandung_officer
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 400
    assert "Kode salah" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    response = client.post(SETUP, {"code": totp_code(device), "next": "/akun/staf/"})
    assert response.status_code == 302
    assert response["Location"] == "/akun/staf/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    record = AuditRecord.objects.get(action=AuditRecord.Action.TWO_FACTOR_DEVICE)
    assert record.actor == user and record.target_user == user
    assert record.detail == {"change": "added"}


def test_setup_rejects_codes_that_are_not_six_digits(client: Any, world: Any) -> None:
    client.force_login(world.bandung_officer)
    response = client.post(SETUP, {"code": "12ab"})
    assert response.status_code == 400
    assert "enam angka" in response.content.decode()


def test_setup_ignores_a_next_url_on_another_site(client: Any, world: Any) -> None:
    client.force_login(world.bandung_officer)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.bandung_officer)
    response = client.post(SETUP, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == SETUP


def test_setup_and_verify_refuse_anonymous_and_non_staff(client: Any, world: Any) -> None:
    for url in (SETUP, VERIFY):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/akun/masuk/")
    client.force_login(UserFactory())  # a citizen account, no membership
    assert client.get(SETUP).status_code == 403
    assert client.get(VERIFY).status_code == 403


# ---- verification after login ---------------------------------------------------------------


def test_login_with_device_goes_to_verify_then_to_the_staff_page(client: Any, world: Any) -> None:
    user = world.bandung_admin
    device = confirmed_device(user)
    response = client.post(
        "/akun/masuk/?next=/akun/staf/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/akun/2fa/verifikasi/?next=%2Fakun%2Fstaf%2F"

    # Password alone does not open staff pages.
    response = client.get("/akun/staf/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY + "?next=")

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert structure(page).unlabelled() == []
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/akun/staf/"})
    assert response.status_code == 302
    assert response["Location"] == "/akun/staf/"
    assert client.get("/akun/staf/").status_code == 200


def test_verify_without_device_or_when_verified_just_moves_on(client: Any, world: Any) -> None:
    client.force_login(world.bandung_officer)
    response = client.get(VERIFY + "?next=/akun/2fa/")
    assert response.status_code == 302 and response["Location"] == "/akun/2fa/"
    device = confirmed_device(world.bandung_officer)
    mark_verified(client, device)
    response = client.get(VERIFY)
    assert response.status_code == 302 and response["Location"] == "/petugas/"


def test_setup_page_with_unverified_device_asks_for_the_code_first(client: Any, world: Any) -> None:
    confirmed_device(world.bandung_officer)
    client.force_login(world.bandung_officer)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_unconfirmed_device_does_not_count(client: Any, world: Any) -> None:
    TOTPDevice.objects.create(user=world.bandung_officer, name="x", confirmed=False)
    client.force_login(world.bandung_officer)
    assert client.get(own_audit_url(world.bandung_officer)).status_code == 200


# ---- throttling -------------------------------------------------------------------------------


def _wrong(device: TOTPDevice) -> str:
    codes = {totp_code(device, s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in codes)


def test_five_wrong_codes_lock_verification(client: Any, world: Any, no_backoff: None) -> None:
    user = world.bandung_officer
    device = confirmed_device(user)
    client.force_login(user)
    for _attempt in range(twofactor.LOCK_AFTER_FAILURES - 1):
        response = client.post(VERIFY, {"code": _wrong(device)})
        assert response.status_code == 400
    response = client.post(VERIFY, {"code": _wrong(device)})
    assert response.status_code == 429
    assert "Terlalu banyak kode yang salah" in response.content.decode()

    # Locked: even the right code is refused, and the refusal is not counted.
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 429
    device.refresh_from_db()
    assert device.throttling_failure_count == twofactor.LOCK_AFTER_FAILURES
    assert DEVICE_ID_SESSION_KEY not in client.session

    # After the lock time the right code works and the counter starts again.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now()
        - timedelta(minutes=twofactor.LOCK_MINUTES, seconds=1)
    )
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_django_otp_backoff_applies_between_wrong_codes(
    client: Any, world: Any, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 1000  # seconds: deterministic in a test
    device = confirmed_device(world.bandung_officer)
    client.force_login(world.bandung_officer)
    assert client.post(VERIFY, {"code": _wrong(device)}).status_code == 400
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 429


def test_locked_until_reports_both_limits(world: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = confirmed_device(world.bandung_officer)
    now = timezone.now()
    assert twofactor.locked_until(device, now) is None
    device.throttling_failure_count = twofactor.LOCK_AFTER_FAILURES
    device.throttling_failure_timestamp = now - timedelta(minutes=1)
    until = twofactor.locked_until(device, now)
    assert until == device.throttling_failure_timestamp + timedelta(minutes=twofactor.LOCK_MINUTES)


# ---- removing ---------------------------------------------------------------------------------


def test_remove_device_needs_a_current_code(client: Any, world: Any, no_backoff: None) -> None:
    user = world.bandung_officer
    device = confirmed_device(user)
    client.force_login(user)
    mark_verified(client, device)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "Hapus aplikasi autentikator" in page.content.decode()

    assert client.post(SETUP, {"code": _wrong(device)}).status_code == 400
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    response = client.post(SETUP, {"code": totp_code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    record = AuditRecord.objects.get(action=AuditRecord.Action.TWO_FACTOR_DEVICE)
    assert record.detail == {"change": "removed"}


# ---- policy -------------------------------------------------------------------------------------


def _require(agency: Any, by: Any) -> None:
    services.policy_set(
        actor=by, scope=StaffScope.for_user(by), agency=agency, require_two_factor=True
    )


def test_policy_forces_setup_for_the_agency_subtree_only(client: Any, world: Any) -> None:
    _require(world.bandung, world.bandung_admin)
    client.force_login(world.dinkes_officer)  # works in a unit under Bandung
    response = client.get(own_audit_url(world.dinkes_officer))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP + "?next=")
    page = client.get(response["Location"])
    assert "mewajibkan verifikasi dua langkah" in page.content.decode()

    client.force_login(world.surabaya_officer)
    assert client.get(own_audit_url(world.surabaya_officer)).status_code == 200


def test_policy_satisfied_after_setup(client: Any, world: Any) -> None:
    _require(world.bandung, world.bandung_admin)
    user = world.bandung_officer
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    client.post(SETUP, {"code": totp_code(device)})
    assert client.get(own_audit_url(user)).status_code == 200


def test_two_factor_satisfied_rules(world: Any) -> None:
    request = RequestFactory().get("/")
    request.user = world.dinkes_officer
    scope = StaffScope.for_user(world.dinkes_officer)
    assert guards.two_factor_satisfied(request, scope)  # no device, no policy
    _require(world.bandung, world.desk)
    assert not guards.two_factor_satisfied(request, scope)
    AgencySecurityPolicy.objects.update(require_two_factor=False)
    confirmed_device(world.dinkes_officer)
    # A device always counts, policy or not; this request never verified it.
    assert not guards.two_factor_satisfied(request, scope)
    assert twofactor.state(request, scope) is twofactor.TwoFactorState.VERIFY


def test_ancestor_paths() -> None:
    assert twofactor.ancestor_paths("/32.73/32.73.DINKES/") == ["/32.73/", "/32.73/32.73.DINKES/"]


POLICY = "/akun/unit/{code}/keamanan/"


def test_admin_sets_policy_for_own_agency_and_it_is_audited(client: Any, world: Any) -> None:
    client.force_login(world.bandung_admin)
    response = client.post(POLICY.format(code="32.73"), {"require_two_factor": "on"})
    assert response.status_code == 302
    policy = AgencySecurityPolicy.objects.get(agency=world.bandung)
    assert policy.require_two_factor and policy.updated_by == world.bandung_admin
    record = AuditRecord.objects.get(action=AuditRecord.Action.TWO_FACTOR_POLICY)
    assert record.agency == world.bandung and record.detail == {"require_two_factor": True}
    # Saving the same value again writes nothing.
    client.post(POLICY.format(code="32.73"), {"require_two_factor": "on"})
    assert AuditRecord.objects.filter(action=AuditRecord.Action.TWO_FACTOR_POLICY).count() == 1


def test_policy_page_permissions(client: Any, world: Any) -> None:
    surabaya_admin = staff(world.surabaya, Role.AGENCY_ADMIN)
    cases = [
        (world.bandung_admin, "32.73.DINKES", 302),
        (surabaya_admin, "32.73", 404),
        (world.bandung_officer, "32.73", 403),
        (world.coordinator, "32.73", 403),
        (world.desk, "35.78", 302),
    ]
    for user, code, status in cases:
        client.force_login(user)
        response = client.post(POLICY.format(code=code), {"require_two_factor": "on"})
        assert response.status_code == status, (user, code)
    client.logout()
    response = client.post(POLICY.format(code="32.73"), {"require_two_factor": "on"})
    assert response.status_code == 302 and response["Location"].startswith("/akun/masuk/")
    assert set(
        AgencySecurityPolicy.objects.filter(require_two_factor=True).values_list(
            "agency__code", flat=True
        )
    ) == {"32.73.DINKES", "35.78"}
