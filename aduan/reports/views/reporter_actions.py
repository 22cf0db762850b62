"""The reporter's actions on their tracking page: answer, reply, close, rate, escalate.

Each is a POST to ``/lacak/<id>/aksi/<action>/`` carrying the private-link secret in the
hidden field ``k`` (never in the POST's address, which would land in access logs), or
sent by the reporter's own signed-in account. Parse → access check → service → redirect
back to the page (POST/redirect/GET) with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aduan.reports import access, reporter_actions
from aduan.reports.errors import InvalidState, MissingInput, TransitionError
from aduan.reports.forms import REPORTER_ACTION_FORMS, ReporterActionForm
from aduan.reports.models import Report, ReportEvent
from aduan.reports.views import presenters
from aduan.reports.views.track import (
    private_response,
    remember_declined_escalation,
    render_tracking,
)

A = reporter_actions


@require_http_methods(["POST"])
def track_action(request: HttpRequest, tracking_id: str, action: str) -> HttpResponse:
    report = access.report_by_tracking_id(tracking_id)
    if report is None or action not in REPORTER_ACTION_FORMS:
        raise Http404
    viewer = presenters.viewer_for(report, secret=request.POST.get("k"), user=request.user)
    if not viewer.is_reporter:
        # The same answer as for an unknown ID: a wrong secret learns nothing.
        raise Http404
    try:
        # The state first: a form that is not on the page cannot show its errors.
        A.check_offered(report, action, now=timezone.now())
    except InvalidState as exc:
        return _refused(request, report, viewer, exc)
    form = REPORTER_ACTION_FORMS[action](request.POST, request.FILES, prefix=action)
    if not form.is_valid():
        return render_tracking(request, report, viewer, invalid_form=form, status=400)
    if action == A.ESCALATE and not form.cleaned_data["consent"]:
        remember_declined_escalation(request, report)
        messages.info(request, _declined_message(report))
        return _back(report, viewer)
    try:
        event = A.reporter_act(
            report=report, slug=action, user=request.user, **form.change_kwargs()
        )
    except MissingInput as exc:
        return _invalid(request, report, viewer, form, exc)
    except TransitionError as exc:
        return _refused(request, report, viewer, exc)
    messages.success(request, _success_message(action, event))
    return _back(report, viewer)


def _back(report: Report, viewer: presenters.Viewer) -> HttpResponse:
    return redirect(_page_url(report, viewer))


def _page_url(report: Report, viewer: presenters.Viewer) -> str:
    url = reverse("reports:track", args=[report.tracking_id])
    if viewer.secret:
        query = QueryDict(mutable=True)
        query["k"] = viewer.secret
        url = f"{url}?{query.urlencode()}"
    return url


def _invalid(
    request: HttpRequest,
    report: Report,
    viewer: presenters.Viewer,
    form: ReporterActionForm,
    exc: MissingInput,
) -> HttpResponse:
    # The lifecycle's own input check (e.g. a message of only spaces): show it on the field.
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
    return render_tracking(request, report, viewer, invalid_form=form, status=400)


def _refused(
    request: HttpRequest, report: Report, viewer: presenters.Viewer, exc: TransitionError
) -> HttpResponse:
    """409 (or 403): the report moved on, or someone else acted first."""
    context = {"message": exc.message, "back_url": _page_url(report, viewer)}
    response = render(request, "reports/track_action_refused.html", context, status=exc.status_code)
    private_response(response)
    return response


def _success_message(action: str, event: ReportEvent) -> str:
    if action == A.ESCALATE:
        name = event.agency.name if event.agency else _("Ombudsman")
        return _(
            "Laporan Anda telah dilimpahkan ke %(agency)s. Batas waktu penanganan dihitung "
            "ulang sejak hari ini."
        ) % {"agency": name}
    texts = {
        A.PROVIDE_INFO: _(
            "Kelengkapan laporan Anda sudah terkirim. Admin nasional akan memeriksa laporan "
            "Anda kembali."
        ),
        A.REPLY: _(
            "Tanggapan Anda sudah terkirim. Laporan kembali diproses oleh instansi, yang wajib "
            "menanggapinya."
        ),
        A.CLOSE: _(
            "Terima kasih. Laporan Anda dinyatakan selesai. Mohon beri penilaian di bawah ini."
        ),
        A.RATE: _("Terima kasih atas penilaian Anda."),
    }
    return str(texts[action])


def _declined_message(report: Report) -> str:
    return _(
        "Laporan Anda tetap ditangani oleh %(agency)s. Anda masih dapat melimpahkannya ke "
        "Ombudsman nanti, selama laporan belum selesai."
    ) % {"agency": report.agency.name if report.agency else _("instansi")}
