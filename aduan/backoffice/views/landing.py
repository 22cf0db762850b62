"""/petugas/: each staff member lands on their main page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from aduan.accounts.guards import staff_required
from aduan.backoffice.views.common import scope_of


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if scope.is_desk:
        return redirect("backoffice:desk_queue")
    if scope.working_agencies:  # officers, agency admins and the Ombudsman
        return redirect("backoffice:inbox")
    if scope.mentored_agencies:
        return redirect("backoffice:coordinator")
    raise PermissionDenied
