"""Tracking a report by its ID, with or without the reporter's private link."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from aduan.reports import access, selectors, tracking
from aduan.reports.forms import TrackForm
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
    page = presenters.tracking_page(report, viewer)
    context = {"page": page, "tracking_display": tracking.display(report.tracking_id)}
    response = render(request, "reports/track_detail.html", context)
    if viewer.is_reporter:
        # The page shows personal conversation: keep it out of shared caches, and keep
        # the secret in its address out of Referer headers (even our own access logs).
        patch_cache_control(response, private=True, no_store=True)
        response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET"])
def attachment_download(request: HttpRequest, tracking_id: str, token: str) -> FileResponse:
    report = access.report_by_tracking_id(tracking_id)
    if report is None:
        raise Http404
    holds = access.holds_reporter_secret(report, request.GET.get("k"))
    if not (holds or access.is_reporter(report, request.user)):
        raise Http404
    attachment = selectors.reporter_attachments(report).filter(token=token).first()
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
