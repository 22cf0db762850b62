"""Setting up, removing and entering the second factor (TOTP authenticator app)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from aduan.accounts import services, twofactor
from aduan.accounts.forms import CodeForm
from aduan.reports.access import StaffScope

TOO_MANY = 429


def _signed_in_staff(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like ``staff_required`` but without the second-factor check (these pages are where
    that check sends people)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope = StaffScope.for_user(request.user)
        if not scope.is_staff:
            raise PermissionDenied
        request.staff_scope = scope  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _locked_message(check: twofactor.CodeCheck) -> str:
    until = check.locked_until
    assert until is not None
    return _("Terlalu banyak kode yang salah. Demi keamanan, coba lagi setelah %(time)s.") % {
        "time": formats.time_format(timezone.localtime(until), "H:i:s")
    }


def _check(form: CodeForm, device: TOTPDevice) -> twofactor.CodeCheck | None:
    """Validate the form and the code; puts the error on the form. None: form invalid."""
    if not form.is_valid():
        return None
    check = twofactor.check_code(device, form.cleaned_data["code"])
    if check.ok:
        return check
    if check.locked_until is not None:
        form.add_error("code", _locked_message(check))
    else:
        form.add_error("code", _("Kode salah atau sudah kedaluwarsa. Coba kode yang baru muncul."))
    return check


def _status(check: twofactor.CodeCheck | None) -> int:
    return TOO_MANY if check is not None and check.locked_until is not None else 400


@_signed_in_staff
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """/akun/2fa/: set up an authenticator, or remove the one in use."""
    user = request.user
    confirmed = twofactor.confirmed_device(user)
    if confirmed is not None and not twofactor.is_verified(request):
        # Whoever holds only the password may not look at or change the second factor.
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:two-factor-verify')}?{query}")
    scope: StaffScope = request.staff_scope  # type: ignore[attr-defined]
    required = twofactor.required_for_agencies([m.agency for m in scope.memberships])
    if confirmed is not None:
        return _manage(request, confirmed, required)
    return _enrol(request, required)


def _enrol(request: HttpRequest, required: bool) -> HttpResponse:
    device = twofactor.pending_device(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        check = _check(form, device)
        if check is not None and check.ok:
            services.device_confirm(user=request.user, device=device, request=request)
            otp_login(request, device)
            messages.success(request, _("Verifikasi dua langkah aktif untuk akun Anda."))
            return redirect(_next_url(request, reverse("accounts:two-factor")))
        status = _status(check)
    context = {
        "form": form,
        "required": required,
        "qr_svg": twofactor.qr_svg(device),
        "secret": twofactor.secret_base32(device),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=status)


def _manage(request: HttpRequest, device: TOTPDevice, required: bool) -> HttpResponse:
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        check = _check(form, device)
        if check is not None and check.ok:
            services.device_remove(user=request.user, request=request)
            messages.success(request, _("Aplikasi autentikator telah dihapus dari akun Anda."))
            return redirect("accounts:two-factor")
        status = _status(check)
    context = {"form": form, "required": required, "device": device}
    return render(request, "accounts/two_factor_manage.html", context, status=status)


@_signed_in_staff
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """/akun/2fa/verifikasi/: the code after the password, once per session."""
    done = _next_url(request, settings.LOGIN_REDIRECT_URL)
    device = twofactor.confirmed_device(request.user)
    if device is None or twofactor.is_verified(request):
        return redirect(done)
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        check = _check(form, device)
        if check is not None and check.ok:
            otp_login(request, device)
            return redirect(done)
        status = _status(check)
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "accounts/two_factor_verify.html", context, status=status)
