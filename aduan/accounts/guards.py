"""The gate in front of every staff page: signed in, has a membership, second factor done.

Staff views use :func:`staff_required`; what a user may then see or do is decided by
:mod:`aduan.reports.access` (``StaffScope``). Management pages (staff, units) add
:func:`manager_required`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from aduan.accounts import twofactor
from aduan.accounts.twofactor import TwoFactorState
from aduan.reports import access
from aduan.reports.access import StaffScope


def two_factor_satisfied(request: HttpRequest, scope: StaffScope) -> bool:
    """True when the user needs no second factor or has verified one this session.

    A user with a confirmed authenticator always verifies it; one without must set one
    up when an agency they work in (or an ancestor) requires it."""
    return twofactor.state(request, scope) is TwoFactorState.OK


def _with_next(url_name: str, request: HttpRequest) -> HttpResponse:
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse(url_name)}?{query}")


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Anonymous visitors go to the login page; signed-in users without any membership get
    403; users who still owe a second factor go to verify it (or set it up); the view
    receives ``request.staff_scope``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        scope = StaffScope.for_user(request.user)
        if not scope.is_staff:
            raise PermissionDenied
        state = twofactor.state(request, scope)
        if state is TwoFactorState.VERIFY:
            return _with_next("accounts:two-factor-verify", request)
        if state is TwoFactorState.SETUP:
            return _with_next("accounts:two-factor", request)
        request.staff_scope = scope  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Staff pages for the desk and agency admins only; other staff get 403."""

    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not access.can_manage_staff(request.staff_scope):  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
