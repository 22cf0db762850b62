"""The staff page of one report: everything staff may see, and the forms of the actions
the lifecycle allows this person now. Every POST goes through ``lifecycle.transition``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from aduan.accounts.guards import staff_required
from aduan.backoffice import presenters, selectors, services
from aduan.backoffice.forms.actions import ACTION_FORMS, ActionForm, DispatchForm
from aduan.backoffice.timeline import attachment_name, staff_events
from aduan.backoffice.views.common import refuse, scope_of, staff_actor
from aduan.core.middleware import keep_address_private
from aduan.reports import access, lifecycle, tracking
from aduan.reports.access import StaffScope
from aduan.reports.errors import Conflict, InvalidState, MissingInput, NotPermitted
from aduan.reports.models import Report, Status

AGENCY_SEARCH_PARAM = "cari_instansi"
TEMPLATE_PARAM = "templat"
REVEAL_PARAM = "identitas"
# "accept" is allowed on in-progress reports too, but there it would only add noise.
ACCEPT_STATES = frozenset({Status.DISPATCHED, Status.ESCALATED})


def _report_or_404(request: HttpRequest, tracking_id: str) -> Report:
    report = access.staff_report(scope_of(request), tracking_id)
    if report is None:
        raise Http404
    return report


@dataclass(frozen=True)
class Panel:
    form: ActionForm
    url: str


def _panels(request: HttpRequest, report: Report, bound: ActionForm | None) -> list[Panel]:
    scope = scope_of(request)
    if not access.can_act_on(scope, report):
        return []  # coordinators read only
    allowed = set(lifecycle.allowed_actions(report, staff_actor(request)))
    if report.status not in ACCEPT_STATES:
        allowed.discard("accept")
    panels = []
    for action, form_class in ACTION_FORMS.items():
        if action not in allowed:
            continue
        if bound is not None and bound.action == action:
            form = bound
        else:
            form = _unbound_form(request, form_class, report, scope)
        url = reverse("backoffice:report_action", args=[report.tracking_id, action])
        panels.append(Panel(form=form, url=url))
    return panels


def _unbound_form(
    request: HttpRequest, form_class: type[ActionForm], report: Report, scope: StaffScope
) -> ActionForm:
    if form_class is DispatchForm:
        search = request.GET.get(AGENCY_SEARCH_PARAM, "")[:100]
        return DispatchForm(report=report, scope=scope, agency_search=search)
    initial: dict[str, Any] = {}
    if form_class.action == "respond":
        template = _chosen_template(request, report)
        if template is not None:
            initial["message"] = template.body
    return form_class(report=report, scope=scope, initial=initial)


def _chosen_template(request: HttpRequest, report: Report) -> Any:
    wanted = request.GET.get(TEMPLATE_PARAM, "")
    # Only templates usable on this report: an ID from elsewhere reads nothing.
    return next((t for t in selectors.usable_templates(report) if str(t.pk) == wanted), None)


def _page_context(
    request: HttpRequest, report: Report, *, bound: ActionForm | None = None
) -> dict[str, Any]:
    scope = scope_of(request)
    now = timezone.now()
    panels = _panels(request, report, bound)
    can_see_reporter = scope.can_see_reporter(report)
    identity = None
    if bound is None and request.GET.get(REVEAL_PARAM) == "1":
        identity = services.reporter_identity_reveal(
            report=report, scope=scope, user=request.user, request=request
        )
    attachments = selectors.report_attachments(report)
    return {
        "report": report,
        "tracking_display": tracking.display(report.tracking_id),
        "read_only": not access.can_act_on(scope, report),
        "is_desk": scope.is_desk,
        "lineage": selectors.agency_lineage(report.agency),
        "deadlines": presenters.report_deadlines(report, now),
        "received_text": presenters.local_text(report.submitted_at, presenters.DESK_TZ),
        "events": staff_events(report, can_see_reporter=can_see_reporter),
        "attachments": [
            (a, attachment_name(a, can_see_reporter=can_see_reporter)) for a in attachments
        ],
        "can_see_reporter": can_see_reporter,
        "identity": identity,
        "panels": panels,
        "templates": selectors.usable_templates(report)
        if any(p.form.action == "respond" for p in panels)
        else [],
        "chosen_template": request.GET.get(TEMPLATE_PARAM, ""),
        "agency_search": request.GET.get(AGENCY_SEARCH_PARAM, "")[:100],
        "agency_search_param": AGENCY_SEARCH_PARAM,
        "reveal_param": REVEAL_PARAM,
    }


@never_cache
@require_GET
@staff_required
def report_detail(request: HttpRequest, tracking_id: str) -> HttpResponse:
    report = _report_or_404(request, tracking_id)
    if tracking_id != report.tracking_id:
        return redirect("backoffice:report", tracking_id=report.tracking_id)
    response = render(request, "backoffice/report.html", _page_context(request, report))
    return keep_address_private(response)


@require_POST
@staff_required
def report_action(request: HttpRequest, tracking_id: str, action: str) -> HttpResponse:
    scope = scope_of(request)
    report = _report_or_404(request, tracking_id)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    back = reverse("backoffice:report", args=[report.tracking_id])
    if not access.can_act_on(scope, report):
        return refuse(request, _("Anda hanya dapat membaca laporan ini."), back=back)
    form = form_class(request.POST, request.FILES, report=report, scope=scope)
    if not form.is_valid():
        return _rerender(request, report, form)
    try:
        lifecycle.transition(
            report, action, actor=staff_actor(request), change=form.to_change(), now=timezone.now()
        )
    except NotPermitted as exc:
        return refuse(request, exc.message, back=back)
    except (InvalidState, Conflict) as exc:
        return refuse(request, exc.message, status=409, back=back)
    except MissingInput as exc:
        form.add_error(form.error_field(exc.field), exc.message)
        return _rerender(request, report, form)
    # The message box already says "Berhasil:"; the action's own label completes it.
    messages.success(request, str(lifecycle.action_label(action)))
    if not scope.can_view(report):
        # Returned to the desk or otherwise out of the user's hands now.
        return redirect("backoffice:home")
    return redirect(back)


def _rerender(request: HttpRequest, report: Report, form: ActionForm) -> HttpResponse:
    context = _page_context(request, report, bound=form)
    return render(request, "backoffice/report.html", context, status=400)


@require_GET
@staff_required
def attachment_download(request: HttpRequest, tracking_id: str, token: str) -> FileResponse:
    scope = scope_of(request)
    report = _report_or_404(request, tracking_id)
    attachment = selectors.attachment_of(report, token)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment_name(attachment, can_see_reporter=scope.can_see_reporter(report)),
        content_type=attachment.content_type,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
