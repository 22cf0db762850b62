"""The gate in front of every staff page: signed in, has a membership, second factor done.

Staff views use :func:`staff_required`; what a user may then see or do is decided by
:mod:`aduan.reports.access` (``StaffScope``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from aduan.reports.access import StaffScope


def two_factor_satisfied(request: HttpRequest, scope: StaffScope) -> bool:
    """True when the user needs no second factor or has verified one this session.

    Extended by the accounts app's 2FA policy (agency admins can require TOTP)."""
    return True


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors go to the login page; signed-in users without any membership get
    403; the view receives ``request.staff_scope``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope = StaffScope.for_user(request.user)
        if not scope.is_staff:
            raise PermissionDenied
        if not two_factor_satisfied(request, scope):
            from django.shortcuts import redirect

            return redirect("accounts:two-factor-verify")
        request.staff_scope = scope  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
