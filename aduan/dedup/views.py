"""The desk's page of possible duplicates (/petugas/duplikat/)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from aduan.accounts.guards import staff_required
from aduan.backoffice.views.common import paginate, scope_of
from aduan.dedup import selectors
from aduan.dedup.models import Candidate


def _desk_only(request: HttpRequest) -> None:
    if not selectors.can_review(scope_of(request)):
        raise Http404  # like any staff page outside one's scope


@never_cache
@require_GET
@staff_required
def groups(request: HttpRequest) -> HttpResponse:
    _desk_only(request)
    page, notes = paginate(request, selectors.open_groups())
    groups = [(report, selectors.candidates_for(report, limit=5)) for report in page]
    return render(request, "dedup/groups.html", {"page": page, "groups": groups, "notes": notes})


@require_POST
@staff_required
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Bukan duplikat": the pair is no longer offered (reindexing keeps the verdict)."""
    _desk_only(request)
    candidate = get_object_or_404(Candidate, pk=pk)
    Candidate.objects.filter(pk=candidate.pk).update(dismissed=True)
    messages.success(request, _("Pasangan laporan ditandai bukan duplikat."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("dedup:groups")
