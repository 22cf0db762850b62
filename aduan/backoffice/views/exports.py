"""Downloads of the staff lists: the same rows as the page, with the same filters.

Each view takes its page's access decision from the same function
(:func:`aduan.backoffice.views.common.inbox_choice` / ``coordinator_choice``) and builds
the list with the same selector and filter form, so an export can never hold a report its
page would not show.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aduan.accounts.guards import staff_required
from aduan.backoffice import exports, selectors
from aduan.backoffice.forms.filters import InboxFilterForm, QueueFilterForm
from aduan.backoffice.views.common import coordinator_choice, inbox_choice, refuse, scope_of
from aduan.backoffice.views.desk import DESK_ONLY
from aduan.reports import access


def _check_format(fmt: str) -> None:
    if fmt not in exports.FORMATS:
        raise Http404


@require_GET
@staff_required
def desk_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    _check_format(fmt)
    scope = scope_of(request)
    if not scope.is_desk:
        return refuse(request, str(DESK_ONLY))
    form = QueueFilterForm(request.GET or None)
    qs = selectors.desk_queue(filters=form.filters(), now=timezone.now())
    exports.audit_export(request=request, scope=scope, list_name="desk_queue", fmt=fmt)
    return exports.export_response(qs=qs, scope=scope, fmt=fmt, name="antrean-meja")


@require_GET
@staff_required
def inbox_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    _check_format(fmt)
    scope = scope_of(request)
    choice = inbox_choice(request, scope)
    if isinstance(choice, HttpResponse):
        return choice
    requested, roots = choice.requested, choice.roots
    if roots is None:
        return _choose_agency(request)
    form = InboxFilterForm(request.GET or None, units=selectors.units_within(roots))
    qs = selectors.inbox_list(
        base=access.inbox_reports(roots), filters=form.filters(), now=timezone.now()
    )
    exports.audit_export(request=request, scope=scope, list_name="inbox", fmt=fmt, agency=requested)
    return exports.export_response(qs=qs, scope=scope, fmt=fmt, name="kotak-masuk")


@require_GET
@staff_required
def coordinator_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    _check_format(fmt)
    scope = scope_of(request)
    choice = coordinator_choice(request, scope)
    if isinstance(choice, HttpResponse):
        return choice
    requested = choice.requested
    if requested is None:
        # The coordinator page lists reports only for one chosen agency.
        return _choose_agency(request)
    qs = selectors.inbox_list(
        base=access.inbox_reports([requested]),
        filters=selectors.InboxFilter(),
        now=timezone.now(),
    )
    exports.audit_export(
        request=request, scope=scope, list_name="coordinator", fmt=fmt, agency=requested
    )
    return exports.export_response(qs=qs, scope=scope, fmt=fmt, name="laporan-dampingan")


def _choose_agency(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    return refuse(
        request,
        _("Pilih instansi lebih dulu (parameter “instansi”), lalu unduh daftarnya."),
        status=400,
    )
