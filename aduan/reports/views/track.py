"""Tracking a report by its ID, with or without the reporter's private link."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from aduan.core.middleware import keep_address_private
from aduan.reports import access, tracking
from aduan.reports.forms import REPORTER_ACTION_FORMS, ReporterActionForm, TrackForm
from aduan.reports.models import Report
from aduan.reports.views import presenters


def _not_found(request: HttpRequest, form: TrackForm) -> HttpResponse:
    # One message and one status for malformed and unknown IDs alike, so nobody can
    # learn anything by probing.
    return render(
        request, "reports/track_lookup.html", {"form": form, "not_found": True}, status=404
    )


@require_http_methods(["GET"])
def track_lookup(request: HttpRequest) -> HttpResponse:
    if "id" not in request.GET:
        return render(request, "reports/track_lookup.html", {"form": TrackForm()})
    form = TrackForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/track_lookup.html", {"form": form}, status=400)
    report = access.report_by_tracking_id(form.cleaned_data["id"])
    if report is None:
        return _not_found(request, form)
    return redirect("reports:track", tracking_id=report.tracking_id)


@require_http_methods(["GET"])
def track_detail(request: HttpRequest, tracking_id: str) -> HttpResponse:
    report = access.report_by_tracking_id(tracking_id)
    if report is None:
        return _not_found(request, TrackForm(initial={"id": tracking_id[:40]}))
    if tracking_id != report.tracking_id:
        # One canonical address per report; keep the private-link secret if present.
        query = request.GET.urlencode()
        url = reverse("reports:track", args=[report.tracking_id])
        return redirect(f"{url}?{query}" if query else url)
    viewer = presenters.viewer_for(report, secret=request.GET.get("k"), user=request.user)
    return render_tracking(request, report, viewer)


@dataclass
class ActionForms:
    """One form per reporter action offered now (None: not offered)."""

    provide_info: ReporterActionForm | None = None
    reply: ReporterActionForm | None = None
    close: ReporterActionForm | None = None
    rate: ReporterActionForm | None = None
    escalate: ReporterActionForm | None = None


def _action_forms(offered: list[str], invalid: ReporterActionForm | None) -> ActionForms:
    forms = ActionForms()
    for slug in offered:
        form = invalid if invalid is not None and invalid.prefix == slug else None
        setattr(forms, slug.replace("-", "_"), form or REPORTER_ACTION_FORMS[slug](prefix=slug))
    return forms


def render_tracking(
    request: HttpRequest,
    report: Report,
    viewer: presenters.Viewer,
    *,
    invalid_form: ReporterActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The tracking page; ``invalid_form`` is a reporter's form sent back with errors."""
    # Only the reporter's page reads the session: public pages stay cacheable per URL.
    declined = viewer.is_reporter and escalation_declined(request, report)
    page = presenters.tracking_page(report, viewer, escalation_declined=declined)
    context = {
        "page": page,
        "tracking_display": tracking.display(report.tracking_id),
        "forms": _action_forms(page.actions, invalid_form),
        "invalid_form": invalid_form,
    }
    response = render(request, "reports/track_detail.html", context, status=status)
    if viewer.is_reporter:
        private_response(response)
    return response


def private_response(response: HttpResponse) -> None:
    """A page with the reporter's conversation or secret: keep it out of shared caches,
    and keep the secret in its address out of Referer headers (even our own logs)."""
    patch_cache_control(response, private=True, no_store=True)
    keep_address_private(response)


# Declining the Ombudsman offer writes nothing to the report (it is no event of its
# lifecycle); the page only folds the offer away for the rest of the session.
DECLINED_SESSION_KEY = "aduan.escalation_declined"


def escalation_declined(request: HttpRequest, report: Report) -> bool:
    declined = request.session.get(DECLINED_SESSION_KEY, [])
    return isinstance(declined, list) and report.tracking_id in declined


def remember_declined_escalation(request: HttpRequest, report: Report) -> None:
    declined = request.session.get(DECLINED_SESSION_KEY, [])
    if not isinstance(declined, list):
        declined = []
    if report.tracking_id not in declined:
        # A short list is plenty: nobody declines for hundreds of reports in one session.
        request.session[DECLINED_SESSION_KEY] = [*declined[-49:], report.tracking_id]


@require_http_methods(["GET"])
def attachment_download(request: HttpRequest, tracking_id: str, token: str) -> FileResponse:
    report = access.report_by_tracking_id(tracking_id)
    if report is None:
        raise Http404
    viewer = presenters.viewer_for(report, secret=request.GET.get("k"), user=request.user)
    # The same rule as the page's links: one function decides who gets which file.
    attachment = presenters.visible_attachments(report, viewer).filter(token=token).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
