"""Writes about staff accounts, memberships, units and account security.

Every function writes its audit record in the same transaction. ``scope`` is the acting
person's :class:`StaffScope` (the web pages); ``None`` means the operator at the command
line, who is not limited. Views fetch objects through :mod:`aduan.reports.access` first
(an outsider gets 404 there); the checks here are the second line.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task

from aduan.accounts.models import AgencySecurityPolicy
from aduan.agencies.models import Agency, Membership, Role
from aduan.audit.models import AuditRecord
from aduan.audit.services import audit_record
from aduan.core.tasks import enqueue_atomic
from aduan.reports import access
from aduan.reports.access import StaffScope

logger = logging.getLogger(__name__)
Action = AuditRecord.Action
ABBREVIATION_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
AGENCY_CODE_MAX = 60
USERNAME_MAX = 150


class AccountError(Exception):
    """A refused change, with a message for the person and the form field it concerns."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _require(allowed: bool, message: str | None = None, *, field: str | None = None) -> None:
    if not allowed:
        raise AccountError(
            message or _("Anda tidak berwenang melakukan perubahan ini."), field=field
        )


# ---- e-mail addresses and set-password links ---------------------------------------------


def normalize_email(raw: str) -> str:
    """E-mail addresses are the usernames: compared and stored in lower case."""
    email = (raw or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise AccountError(_("Alamat surel tidak valid."), field="email") from exc
    if len(email) > USERNAME_MAX:
        raise AccountError(_("Alamat surel terlalu panjang."), field="email")
    return email


def setup_link(user: Any) -> str:
    """A one-time link to choose a password; it stops working once a password is set
    (Django's token covers the password hash and last login)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:set-password", args=[uid, token])


@task()
def send_setup_link(user_id: int) -> None:
    # The token is made here, at send time, so it is never stored in the task queue.
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Atur kata sandi akun petugas Aduan")
        body = "\n".join(
            [
                _("Akun petugas Aduan untuk %(email)s sudah siap.") % {"email": user.email},
                _("Pilih kata sandi Anda melalui tautan berikut (hanya berlaku satu kali):"),
                "",
                setup_link(user),
                "",
                _("Jika Anda tidak merasa meminta akun ini, abaikan surel ini."),
            ]
        )
    send_mail(subject, body, None, [user.email])
    logger.info("sent a set-password link to user %s", user_id)


# ---- roles ---------------------------------------------------------------------------------


def check_role_fits_agency(role: str, agency: Agency) -> None:
    """DESK only on the national desk; OMBUDSMAN only inside the Ombudsman's tree."""
    if role not in Role.values:
        raise AccountError(_("Peran tidak dikenal."), field="role")
    if role == Role.DESK and agency.kind != Agency.Kind.DESK:
        raise AccountError(
            _("Peran admin nasional hanya dapat diberikan pada instansi admin nasional."),
            field="role",
        )
    if role == Role.OMBUDSMAN and _root_kind(agency) != Agency.Kind.OMBUDSMAN:
        raise AccountError(
            _("Peran Ombudsman hanya dapat diberikan pada instansi Ombudsman."), field="role"
        )


def _root_kind(agency: Agency) -> str:
    root_code = agency.path.strip("/").split("/")[0]
    if root_code == agency.code:
        return agency.kind
    root = Agency.objects.filter(code=root_code).only("kind").first()
    return root.kind if root else ""


def _check_grant(scope: StaffScope | None, agency: Agency, role: str) -> None:
    check_role_fits_agency(role, agency)
    if scope is None:
        return
    _require(
        access.can_manage_agency(scope, agency),
        _("Anda hanya dapat mengelola instansi dan unit di bawah kewenangan Anda."),
        field="agency",
    )
    _require(
        role in access.grantable_roles(scope),
        _("Anda tidak berwenang memberikan peran ini."),
        field="role",
    )


def _audit_membership(
    action: str, *, actor: Any, membership: Membership, request: HttpRequest | None, via: str
) -> None:
    audit_record(
        actor=actor,
        action=action,
        request=request,
        agency=membership.agency,
        target_user=membership.user,
        detail={"role": membership.role, "agency": membership.agency.code, "via": via},
    )


def membership_add(
    *,
    actor: Any,
    scope: StaffScope | None,
    user: Any,
    agency: Agency,
    role: str,
    request: HttpRequest | None = None,
    via: str = "web",
) -> tuple[Membership, bool]:
    """Give ``user`` a role in ``agency``; giving an existing role again changes nothing."""
    _check_grant(scope, agency, role)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
        if created:
            _audit_membership(
                Action.MEMBERSHIP_ADD, actor=actor, membership=membership, request=request, via=via
            )
    return membership, created


def membership_remove(
    *,
    actor: Any,
    scope: StaffScope,
    membership: Membership,
    request: HttpRequest | None = None,
) -> None:
    _require(
        membership.user_id != actor.pk,
        _("Anda tidak dapat mencabut peran Anda sendiri; mintalah admin lain."),
    )
    _require(
        access.managed_memberships(scope).filter(pk=membership.pk).exists()
        and membership.role in access.grantable_roles(scope)
    )
    with transaction.atomic():
        _audit_membership(
            Action.MEMBERSHIP_REMOVE, actor=actor, membership=membership, request=request, via="web"
        )
        membership.delete()


# ---- staff accounts ----------------------------------------------------------------------


def staff_create(
    *,
    actor: Any,
    scope: StaffScope,
    email: str,
    name: str,
    agency: Agency,
    role: str,
    request: HttpRequest | None = None,
) -> Any:
    """A new staff account without a password; the person gets a set-password link."""
    email = normalize_email(email)
    _check_grant(scope, agency, role)
    User = get_user_model()
    if User.objects.filter(username=email).exists():
        raise AccountError(
            _("Sudah ada akun dengan surel ini. Tambahkan perannya dari halaman petugas."),
            field="email",
        )
    with transaction.atomic():
        user = _user_create(email=email, name=name, password=None)
        audit_record(
            actor=actor,
            action=Action.STAFF_CREATE,
            request=request,
            agency=agency,
            target_user=user,
            detail={"email": email, "via": "web"},
        )
        membership = Membership.objects.create(user=user, agency=agency, role=role)
        _audit_membership(
            Action.MEMBERSHIP_ADD, actor=actor, membership=membership, request=request, via="web"
        )
        enqueue_atomic(send_setup_link, user.pk)
    return user


def _user_create(*, email: str, name: str, password: str | None) -> Any:
    User = get_user_model()
    user = User(username=email, email=email, first_name=name.strip()[:150])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # created by someone else a moment ago
        raise AccountError(_("Sudah ada akun dengan surel ini."), field="email") from exc
    return user


@dataclass(frozen=True)
class CliResult:
    user: Any
    user_created: bool
    membership_created: bool


def staff_ensure(
    *, email: str, agency: Agency, role: str, name: str = "", password: str | None = None
) -> CliResult:
    """``aduan createstaff``: create or update the account and add the role; running it
    again changes nothing. Audited with no actor (the operator at the console)."""
    email = normalize_email(email)
    check_role_fits_agency(role, agency)
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(username=email).first()
        created = user is None
        if user is None:
            user = _user_create(email=email, name=name, password=password)
            audit_record(
                actor=None,
                action=Action.STAFF_CREATE,
                agency=agency,
                target_user=user,
                detail={"email": email, "via": "cli"},
            )
        else:
            _user_update(user, name=name, password=password)
        _membership, membership_created = membership_add(
            actor=None, scope=None, user=user, agency=agency, role=role, via="cli"
        )
    return CliResult(user=user, user_created=created, membership_created=membership_created)


def _user_update(user: Any, *, name: str, password: str | None) -> None:
    fields = []
    if name and user.first_name != name:
        user.first_name, user.last_name = name[:150], ""
        fields += ["first_name", "last_name"]
    if password:
        user.set_password(password)
        fields.append("password")
    if fields:
        user.save(update_fields=fields)


def staff_set_active(
    *,
    actor: Any,
    scope: StaffScope,
    user: Any,
    active: bool,
    request: HttpRequest | None = None,
) -> bool:
    """Deactivate or reactivate an account; returns False when nothing changed.

    An admin may only switch off accounts that work nowhere outside their subtree: a
    person who also works for another agency keeps their account there, and the admin
    removes only the roles in their own agency."""
    _require(
        user.pk != actor.pk, _("Anda tidak dapat menonaktifkan atau mengaktifkan akun sendiri.")
    )
    _require(access.managed_users(scope).filter(pk=user.pk).exists())
    if not scope.is_desk:
        outside = Membership.objects.filter(user=user).exclude(
            pk__in=access.managed_memberships(scope).values("pk")
        )
        _require(
            not outside.exists(),
            _(
                "Petugas ini juga bertugas di instansi lain. Cabut saja perannya di instansi "
                "Anda; hanya admin nasional yang dapat menonaktifkan akunnya."
            ),
        )
    if user.is_active == active:
        return False
    with transaction.atomic():
        type(user).objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        audit_record(
            actor=actor,
            action=Action.STAFF_ACTIVATE if active else Action.STAFF_DEACTIVATE,
            request=request,
            target_user=user,
        )
    return True


def password_link_send(
    *, actor: Any, scope: StaffScope, user: Any, request: HttpRequest | None = None
) -> None:
    """E-mail a fresh set-password link to the person (never shown to the admin, who
    could otherwise take over the account)."""
    _require(access.managed_users(scope).filter(pk=user.pk).exists())
    _require(user.is_active, _("Akun ini nonaktif."))
    with transaction.atomic():
        audit_record(actor=actor, action=Action.PASSWORD_LINK, request=request, target_user=user)
        enqueue_atomic(send_setup_link, user.pk)


# ---- units ---------------------------------------------------------------------------------


def normalize_abbreviation(raw: str) -> str:
    abbreviation = (raw or "").strip().upper()
    if not ABBREVIATION_RE.match(abbreviation):
        raise AccountError(
            _(
                "Singkatan hanya boleh berisi huruf A–Z, angka, dan tanda hubung "
                "(paling banyak 20 karakter)."
            ),
            field="abbreviation",
        )
    return abbreviation


def unit_create(
    *,
    actor: Any,
    scope: StaffScope,
    parent: Agency,
    abbreviation: str,
    name: str,
    request: HttpRequest | None = None,
) -> Agency:
    """A work unit under ``parent``: code ``<parent code>.<ABBR>``, region and time zone
    inherited."""
    _require(
        access.can_manage_agency(scope, parent),
        _("Anda hanya dapat membuat unit di bawah instansi Anda."),
        field="parent",
    )
    abbreviation = normalize_abbreviation(abbreviation)
    name = (name or "").strip()
    if not name:
        raise AccountError(_("Nama unit wajib diisi."), field="name")
    code = f"{parent.code}.{abbreviation}"
    if len(code) > AGENCY_CODE_MAX or len(parent.path) + len(code) + 1 > 255:
        raise AccountError(_("Kode unit menjadi terlalu panjang."), field="abbreviation")
    if Agency.objects.filter(code=code).exists():
        raise AccountError(_("Kode %(code)s sudah dipakai.") % {"code": code}, field="abbreviation")
    unit = Agency(
        code=code,
        name=name[:200],
        abbreviation=abbreviation,
        kind=Agency.Kind.UNIT,
        parent=parent,
        region=parent.region,
        time_zone=parent.time_zone,
    )
    try:
        with transaction.atomic():
            unit.save()
            audit_record(
                actor=actor,
                action=Action.UNIT_CREATE,
                request=request,
                agency=unit,
                detail={"code": code, "parent": parent.code, "name": unit.name},
            )
    except IntegrityError as exc:
        raise AccountError(
            _("Kode %(code)s sudah dipakai.") % {"code": code}, field="abbreviation"
        ) from exc
    return unit


# ---- second factor ---------------------------------------------------------------------------


def policy_set(
    *,
    actor: Any,
    scope: StaffScope,
    agency: Agency,
    require_two_factor: bool,
    request: HttpRequest | None = None,
) -> bool:
    """Require (or stop requiring) a second factor in ``agency``'s subtree; returns False
    when nothing changed."""
    _require(access.can_manage_agency(scope, agency))
    with transaction.atomic():
        policy = AgencySecurityPolicy.objects.select_for_update().filter(agency=agency).first()
        if policy is not None and policy.require_two_factor == require_two_factor:
            return False
        if policy is None and not require_two_factor:
            return False
        AgencySecurityPolicy.objects.update_or_create(
            agency=agency,
            defaults={
                "require_two_factor": require_two_factor,
                "updated_by": actor,
                "updated_at": timezone.now(),
            },
        )
        audit_record(
            actor=actor,
            action=Action.TWO_FACTOR_POLICY,
            request=request,
            agency=agency,
            detail={"require_two_factor": require_two_factor},
        )
    return True


def device_confirm(*, user: Any, device: TOTPDevice, request: HttpRequest | None = None) -> None:
    """Mark a set-up authenticator as confirmed (after a correct code); one per person."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        audit_record(
            actor=user,
            action=Action.TWO_FACTOR_DEVICE,
            request=request,
            target_user=user,
            detail={"change": "added"},
        )


def device_remove(*, user: Any, request: HttpRequest | None = None) -> None:
    """The person removes their own authenticator (after a correct code)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).delete()
        audit_record(
            actor=user,
            action=Action.TWO_FACTOR_DEVICE,
            request=request,
            target_user=user,
            detail={"change": "removed"},
        )


def device_reset(
    *, actor: Any, scope: StaffScope, user: Any, request: HttpRequest | None = None
) -> bool:
    """An admin removes a staff member's authenticator (lost phone); the person sets up
    a new one at their next sign-in if their agency requires it."""
    _require(
        user.pk != actor.pk, _("Hapus perangkat Anda sendiri dari halaman verifikasi dua langkah.")
    )
    _require(access.managed_users(scope).filter(pk=user.pk).exists())
    with transaction.atomic():
        deleted, _detail = TOTPDevice.objects.filter(user_id=user.pk).delete()
        if not deleted:
            return False
        audit_record(
            actor=actor,
            action=Action.TWO_FACTOR_DEVICE,
            request=request,
            target_user=user,
            detail={"change": "reset"},
        )
    return True
