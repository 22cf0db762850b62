"""Work units (child agencies) and their second-factor policy, for admins and the desk."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aduan.accounts import selectors, services
from aduan.accounts.forms import PolicyForm, UnitCreateForm, UnitSearchForm
from aduan.accounts.guards import manager_required
from aduan.accounts.services import AccountError
from aduan.agencies.models import Agency
from aduan.reports import access
from aduan.reports.access import StaffScope

PAGE_SIZE = 50


def _scope(request: HttpRequest) -> StaffScope:
    return request.staff_scope  # type: ignore[attr-defined]


def _agency_or_404(request: HttpRequest, code: str) -> Agency:
    agency = selectors.managed_agency(_scope(request), code)
    if agency is None:
        raise Http404
    return agency


@manager_required
@require_http_methods(["GET"])
def unit_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = UnitSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = Paginator(selectors.unit_queryset(scope, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "filtered": bool(q), "is_desk": scope.is_desk}
    return render(request, "accounts/unit_list.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    initial = {"parent": request.GET.get("induk", "")[:60]}
    form = UnitCreateForm(
        request.POST or None, agencies=access.managed_agencies(scope), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                actor=request.user,
                scope=scope,
                parent=form.cleaned_data["parent"],
                abbreviation=form.cleaned_data["abbreviation"],
                name=form.cleaned_data["name"],
                request=request,
            )
        except AccountError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Unit kerja %(code)s dibuat.") % {"code": unit.code})
            return redirect("accounts:unit-detail", code=unit.code)
    status = 400 if form.is_bound else 200
    return render(request, "accounts/unit_create.html", {"form": form}, status=status)


@manager_required
@require_http_methods(["GET"])
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency_or_404(request, code)
    unit = selectors.unit_page(agency)
    form = PolicyForm(initial={"require_two_factor": unit.require_two_factor})
    return render(request, "accounts/unit_detail.html", {"unit": unit, "form": form})


@manager_required
@require_POST
def unit_policy(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency_or_404(request, code)
    form = PolicyForm(request.POST)
    form.is_valid()  # a checkbox: absent means off, nothing can be invalid
    required = bool(form.cleaned_data.get("require_two_factor"))
    try:
        changed = services.policy_set(
            actor=request.user,
            scope=_scope(request),
            agency=agency,
            require_two_factor=required,
            request=request,
        )
    except AccountError as error:
        messages.error(request, error.message)
    else:
        if changed and required:
            messages.success(request, _("Verifikasi dua langkah kini wajib di instansi ini."))
        elif changed:
            messages.success(request, _("Verifikasi dua langkah tidak lagi diwajibkan di sini."))
    return redirect("accounts:unit-detail", code=agency.code)
