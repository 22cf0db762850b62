"""Staff management for agency admins and the desk: list, add, roles, (de)activation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aduan.accounts import selectors, services
from aduan.accounts.forms import RoleForm, StaffCreateForm, StaffSearchForm
from aduan.accounts.guards import manager_required
from aduan.accounts.services import AccountError
from aduan.reports import access
from aduan.reports.access import StaffScope

PAGE_SIZE = 50
# The one-time set-password link of an account just created, shown once on its page.
NEW_LINK_SESSION_KEY = "accounts_new_staff_link"


def _scope(request: HttpRequest) -> StaffScope:
    return request.staff_scope  # type: ignore[attr-defined]


def _managed_user_or_404(request: HttpRequest, user_id: int) -> Any:
    user = selectors.managed_user(_scope(request), user_id)
    if user is None:
        raise Http404
    return user


def _apply_error(form: Any, error: AccountError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@manager_required
@require_http_methods(["GET"])
def staff_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = StaffSearchForm(request.GET or None)
    q, agency, agency_missing = "", None, False
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        code = form.cleaned_data["instansi"].strip()
        if code:
            agency = selectors.managed_agency(scope, code)
            agency_missing = agency is None
    users = selectors.staff_queryset(scope, q=q, agency=agency)
    if agency_missing:
        users = users.none()
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": selectors.staff_rows(list(page.object_list)),
        "agency": agency,
        "agency_missing": agency_missing,
        "filtered": bool(q or agency or agency_missing),
        "is_desk": scope.is_desk,
    }
    return render(request, "accounts/staff_list.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    agencies = access.managed_agencies(scope)
    roles = access.grantable_roles(scope)
    initial = {"agency": request.GET.get("instansi", "")[:60]}
    form = StaffCreateForm(request.POST or None, agencies=agencies, roles=roles, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.staff_create(
                actor=request.user,
                scope=scope,
                email=data["email"],
                name=data["name"],
                agency=data["agency"],
                role=data["role"],
                request=request,
            )
        except AccountError as error:
            _apply_error(form, error)
        else:
            request.session[NEW_LINK_SESSION_KEY] = {
                "user_id": user.pk,
                "link": services.setup_link(user),
            }
            messages.success(request, _("Akun petugas dibuat."))
            return redirect("accounts:staff-detail", user_id=user.pk)
    status = 400 if form.is_bound else 200
    return render(request, "accounts/staff_create.html", {"form": form}, status=status)


def _detail_context(request: HttpRequest, user: Any, role_form: RoleForm | None) -> dict[str, Any]:
    scope = _scope(request)
    link = request.session.get(NEW_LINK_SESSION_KEY)
    if link and link.get("user_id") == user.pk:
        del request.session[NEW_LINK_SESSION_KEY]
    else:
        link = None
    row = selectors.staff_rows([user])[0]
    return {
        "person": user,
        "row": row,
        "new_link": link["link"] if link else None,
        "role_form": role_form
        or RoleForm(
            agencies=access.managed_agencies(scope),
            roles=access.grantable_roles(scope),
            auto_id="role_%s",
        ),
        "removable_roles": access.grantable_roles(scope),
        "outside": selectors.user_has_outside_memberships(scope, user),
        "is_self": user.pk == request.user.pk,
    }


@manager_required
@require_http_methods(["GET"])
def staff_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _managed_user_or_404(request, user_id)
    response = render(request, "accounts/staff_detail.html", _detail_context(request, user, None))
    response["Cache-Control"] = "no-store"  # may hold a one-time set-password link
    return response


@manager_required
@require_POST
def staff_role_add(request: HttpRequest, user_id: int) -> HttpResponse:
    scope = _scope(request)
    user = _managed_user_or_404(request, user_id)
    form = RoleForm(
        request.POST,
        agencies=access.managed_agencies(scope),
        roles=access.grantable_roles(scope),
        auto_id="role_%s",
    )
    if form.is_valid():
        try:
            _membership, created = services.membership_add(
                actor=request.user,
                scope=scope,
                user=user,
                agency=form.cleaned_data["agency"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except AccountError as error:
            _apply_error(form, error)
        else:
            if created:
                messages.success(request, _("Peran ditambahkan."))
            else:
                messages.info(request, _("Petugas ini sudah memiliki peran tersebut."))
            return redirect("accounts:staff-detail", user_id=user.pk)
    context = _detail_context(request, user, form)
    return render(request, "accounts/staff_detail.html", context, status=400)


def _refuse(request: HttpRequest, user: Any, error: AccountError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect("accounts:staff-detail", user_id=user.pk)


@manager_required
@require_POST
def staff_role_remove(request: HttpRequest, user_id: int, membership_id: int) -> HttpResponse:
    scope = _scope(request)
    user = _managed_user_or_404(request, user_id)
    membership = selectors.managed_membership(scope, user, membership_id)
    if membership is None:
        raise Http404
    try:
        services.membership_remove(
            actor=request.user, scope=scope, membership=membership, request=request
        )
    except AccountError as error:
        return _refuse(request, user, error)
    messages.success(request, _("Peran dicabut."))
    if not selectors.managed_user(scope, user.pk):
        # No role left in this admin's subtree: the person is out of their sight now.
        return redirect("accounts:staff-list")
    return redirect("accounts:staff-detail", user_id=user.pk)


@manager_required
@require_POST
def staff_status(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _managed_user_or_404(request, user_id)
    active = request.POST.get("active") == "1"
    try:
        services.staff_set_active(
            actor=request.user, scope=_scope(request), user=user, active=active, request=request
        )
    except AccountError as error:
        return _refuse(request, user, error)
    messages.success(request, _("Akun diaktifkan kembali.") if active else _("Akun dinonaktifkan."))
    return redirect("accounts:staff-detail", user_id=user.pk)


@manager_required
@require_POST
def staff_two_factor_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _managed_user_or_404(request, user_id)
    try:
        changed = services.device_reset(
            actor=request.user, scope=_scope(request), user=user, request=request
        )
    except AccountError as error:
        return _refuse(request, user, error)
    if changed:
        messages.success(request, _("Aplikasi autentikator petugas ini telah dihapus."))
    return redirect("accounts:staff-detail", user_id=user.pk)


@manager_required
@require_POST
def staff_password_link(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _managed_user_or_404(request, user_id)
    try:
        services.password_link_send(
            actor=request.user, scope=_scope(request), user=user, request=request
        )
    except AccountError as error:
        return _refuse(request, user, error)
    messages.success(
        request,
        _("Tautan untuk mengatur kata sandi telah dikirim ke %(email)s.") % {"email": user.email},
    )
    return redirect("accounts:staff-detail", user_id=user.pk)
