"""The second factor (TOTP): who needs it, checking codes, and rate limits.

A staff member with a confirmed authenticator must enter a code once per session. A
staff member without one must set one up when an agency they work in (or any ancestor of
it) requires it (:class:`aduan.accounts.models.AgencySecurityPolicy`).

Wrong codes are limited twice: django-otp's own exponential back-off (1, 2, 4, 8 ...
seconds between tries) and, on top of it, a lock of :data:`LOCK_MINUTES` after
:data:`LOCK_AFTER_FAILURES` wrong codes in a row, so guessing six digits stays hopeless.
"""

from __future__ import annotations

import enum
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts.models import AgencySecurityPolicy
from aduan.agencies.models import Agency
from aduan.reports.access import StaffScope

LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15
DEVICE_NAME = "Aplikasi autentikator"


class TwoFactorState(enum.Enum):
    OK = "ok"
    VERIFY = "verify"  # has an authenticator, not used yet this session
    SETUP = "setup"  # required by policy, no authenticator yet


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("id").first()


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being set up; the same one on every visit, so the QR
    code a person already scanned stays valid until they confirm it."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def ancestor_paths(path: str) -> list[str]:
    """``/32.73/32.73.DINKES/`` → ``['/32.73/', '/32.73/32.73.DINKES/']``."""
    codes = [code for code in path.split("/") if code]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def policy_paths(agencies: list[Agency]) -> list[str]:
    paths: set[str] = set()
    for agency in agencies:
        paths.update(ancestor_paths(agency.path))
    return sorted(paths)


def required_for_agencies(agencies: list[Agency]) -> bool:
    """True when any of these agencies or their ancestors requires a second factor."""
    if not agencies:
        return False
    return AgencySecurityPolicy.objects.filter(
        require_two_factor=True, agency__path__in=policy_paths(agencies)
    ).exists()


def requiring_paths() -> set[str]:
    """Paths of every agency that requires a second factor (for list pages: one query)."""
    return set(
        AgencySecurityPolicy.objects.filter(require_two_factor=True).values_list(
            "agency__path", flat=True
        )
    )


def required_by_paths(agencies: list[Agency], paths: set[str]) -> bool:
    return any(p in paths for a in agencies for p in ancestor_paths(a.path))


def is_verified(request: HttpRequest) -> bool:
    # OTPMiddleware adds is_verified(); a request built without it is never verified.
    check = getattr(request.user, "is_verified", None)
    return bool(callable(check) and check())


def state(request: HttpRequest, scope: StaffScope) -> TwoFactorState:
    if is_verified(request):
        return TwoFactorState.OK
    if has_confirmed_device(request.user):
        return TwoFactorState.VERIFY
    if required_for_agencies([m.agency for m in scope.memberships]):
        return TwoFactorState.SETUP
    return TwoFactorState.OK


# ---- showing the secret ---------------------------------------------------------------


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG (no external image, works offline)."""
    qr = segno.make(device.config_url, error="m")
    title = str(_("Kode QR untuk aplikasi autentikator"))  # segno escapes it
    svg: str = qr.svg_inline(scale=5, border=4, title=title, dark="#000", light="#fff")
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


def secret_base32(device: TOTPDevice) -> str:
    """The key in groups of four letters, for typing into an app by hand."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


# ---- checking codes ----------------------------------------------------------------------


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    locked_until: datetime | None = None


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw if ch.isdigit())


def locked_until(device: TOTPDevice, now: datetime) -> datetime | None:
    """When the next try is allowed, or None when a try is allowed now."""
    failed_at = device.throttling_failure_timestamp
    if device.throttling_failure_count >= LOCK_AFTER_FAILURES and failed_at is not None:
        until: datetime = failed_at + timedelta(minutes=LOCK_MINUTES)
        if until > now:
            return until
    allowed, data = device.verify_is_allowed()
    if not allowed:
        until = (data or {}).get("locked_until") or now + timedelta(seconds=1)
        return until
    return None


def check_code(device: TOTPDevice, raw_code: str) -> CodeCheck:
    """Verify one code against one device, inside a row lock so that parallel guesses
    are counted one by one."""
    code = normalize_code(raw_code)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
        if locked is None:
            return CodeCheck(ok=False)
        now = timezone.now()
        until = locked_until(locked, now)
        if until is not None:
            return CodeCheck(ok=False, locked_until=until)
        if locked.verify_token(code):
            device.refresh_from_db()
            return CodeCheck(ok=True)
        return CodeCheck(ok=False, locked_until=_own_lock(locked, now))


def _own_lock(device: TOTPDevice, now: datetime) -> datetime | None:
    # Only the long lock is reported after a wrong code; the seconds-long back-off is
    # mentioned when someone actually runs into it.
    if device.throttling_failure_count >= LOCK_AFTER_FAILURES:
        return now + timedelta(minutes=LOCK_MINUTES)
    return None
