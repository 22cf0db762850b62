"""Small helpers shared by the staff views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.backoffice import selectors
from aduan.core.pagination import CappedPaginator
from aduan.reports import access
from aduan.reports.access import StaffScope
from aduan.reports.lifecycle import Actor, ActorKind

PAGE_SIZE = 50


def scope_of(request: HttpRequest) -> StaffScope:
    """Set by :func:`aduan.accounts.guards.staff_required` on every staff view."""
    scope: StaffScope = request.staff_scope  # type: ignore[attr-defined]
    return scope


def staff_actor(request: HttpRequest) -> Actor:
    # Reuses the scope the guard loaded instead of reading the memberships again.
    return Actor(kind=ActorKind.STAFF, user=request.user, scope=scope_of(request))


def paginate(request: HttpRequest, rows: QuerySet[Any]) -> tuple[Page[Any], list[str]]:
    """One page of rows; a bad page number lands on the nearest page and says so."""
    requested = request.GET.get("page", "")
    page = CappedPaginator(rows, PAGE_SIZE).get_page(requested)
    notes = []
    if requested and requested != str(page.number):
        notes.append(
            _("Halaman “%(page)s” tidak ada; ditampilkan halaman %(number)s.")
            % {"page": requested[:20], "number": page.number}
        )
    return page, notes


def refuse(
    request: HttpRequest, message: str, *, status: int = 403, back: str = ""
) -> HttpResponse:
    """A page saying why the request was refused (403) or could not be done (409)."""
    titles = {
        403: _("Akses ditolak"),
        404: _("Tidak ditemukan"),
        409: _("Laporan sudah berubah"),
    }
    context = {
        "title": titles.get(status, _("Tidak dapat diproses")),
        "message": message,
        "back": back,
        "reload": status == 409,
    }
    return render(request, "backoffice/refused.html", context, status=status)


# ---- which agencies a list shows (the page and its export decide it here, once) --------


@dataclass(frozen=True)
class ListChoice:
    requested: Agency | None  # the agency named by ?instansi=, if any
    roots: list[Agency] | None  # None: the desk has no inbox of its own and must choose


def _requested_agency(request: HttpRequest) -> Agency | None:
    code = request.GET.get("instansi", "")[:60]
    requested = selectors.agency_by_code(code)
    if code and requested is None:
        raise Http404
    return requested


def inbox_choice(request: HttpRequest, scope: StaffScope) -> ListChoice | HttpResponse:
    """The agencies of the inbox, a refusal, or Http404 for an agency outside the subtree."""
    if not (scope.working_agencies or scope.is_desk):
        return refuse(request, _("Kotak masuk hanya untuk petugas dan admin instansi."))
    requested = _requested_agency(request)
    roots = access.inbox_agencies(scope, requested)
    if roots is None and requested is not None:
        raise Http404  # an agency outside the user's subtree
    return ListChoice(requested, roots)


def coordinator_choice(request: HttpRequest, scope: StaffScope) -> ListChoice | HttpResponse:
    """The mentored agencies, a refusal, or Http404 for an agency not mentored."""
    if not (scope.mentored_agencies or scope.is_desk):
        return refuse(request, _("Halaman ini khusus untuk koordinator lokal."))
    requested = _requested_agency(request)
    roots = access.coordinator_agencies(scope, requested)
    if roots is None:
        raise Http404  # an agency the coordinator does not mentor
    return ListChoice(requested, roots)
