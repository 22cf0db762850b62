"""Submitting a report on the web: form → intake (exactly once) → receipt shown once."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from aduan.core.idempotency import IdempotencyMismatch, Outcome, request_fingerprint, run_once
from aduan.reports import intake, tracking
from aduan.reports.forms import ReportForm, is_valid_form_token, new_form_token

IDEMPOTENCY_SCOPE = "web-form"
RECEIPT_SESSION_KEY = "aduan.receipt"
REFRESH_DISTRICTS = "districts"


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_form(request, ReportForm(initial={"token": new_form_token()}))
    data = request.POST.copy()
    if not is_valid_form_token(data.get("token")):
        data["token"] = new_form_token()
    if data.get("action") == REFRESH_DISTRICTS:
        return _render_form(request, ReportForm(initial=_initial_from(data)), refreshed=True)
    form = ReportForm(data, request.FILES)
    if not form.is_valid():
        return _render_form(request, form)
    try:
        outcome = _submit_once(form, request.user)
    except IdempotencyMismatch:
        # The same form was sent before with other content (e.g. Back, edit, send):
        # don't guess; ask once more under a fresh token.
        data["token"] = new_form_token()
        form.add_error(
            None,
            _(
                "Formulir ini sudah pernah dikirim dengan isi yang berbeda. Periksa isinya, "
                "pilih ulang lampiran jika ada, lalu kirim sekali lagi untuk membuat laporan baru."
            ),
        )
        return _render_form(request, form)
    request.session[RECEIPT_SESSION_KEY] = outcome.body
    return redirect("reports:submitted")


def _submit_once(form: ReportForm, user: Any) -> Outcome:
    def create() -> Outcome:
        receipt = intake.report_submit(submission=form.to_submission(), reporter=user)
        body = {
            "tracking_id": receipt.tracking_id,
            "secret": receipt.secret,
            "email": bool(receipt.report.reporter_email),
        }
        return Outcome(status=201, body=body)

    return run_once(
        scope=IDEMPOTENCY_SCOPE,
        key=form.cleaned_data.get("token") or None,
        fingerprint=request_fingerprint(form.fingerprint_payload()),
        create=create,
    )


def _initial_from(data: QueryDict) -> dict[str, Any]:
    return {name: data.get(name) for name in ReportForm.base_fields if name in data}


def _render_form(
    request: HttpRequest, form: ReportForm, *, refreshed: bool = False
) -> HttpResponse:
    context = {
        "form": form,
        "refreshed": refreshed,
        # Browsers never keep chosen files across a page load: say so instead of
        # letting the reporter believe their photos were attached.
        "files_dropped": bool(request.FILES) and (refreshed or bool(form.errors)),
        "refresh_action": REFRESH_DISTRICTS,
    }
    return render(request, "reports/submit.html", context)


@never_cache
@require_http_methods(["GET"])
def report_submitted(request: HttpRequest) -> HttpResponse:
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    context: dict[str, Any] = {"receipt": None}
    if isinstance(receipt, dict) and receipt.get("tracking_id") and receipt.get("secret"):
        tracking_id = receipt["tracking_id"]
        private_path = (
            reverse("reports:track", args=[tracking_id]) + "?" + _query({"k": receipt["secret"]})
        )
        context = {
            "receipt": receipt,
            "tracking_display": tracking.display(tracking_id),
            "private_link": request.build_absolute_uri(private_path),
            # Switching language here must not lose the link shown only once: land on it.
            "language_next": private_path,
        }
    return render(request, "reports/submitted.html", context)


def _query(params: dict[str, str]) -> str:
    q = QueryDict(mutable=True)
    q.update(params)
    return q.urlencode()
