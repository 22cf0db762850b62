"""Open311 GeoReport v2 endpoints (mounted at /open311/v2/): parse → access → selector or
service → render. See aduan/open311/README.md for what each answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from aduan.core import idempotency
from aduan.integrations.models import ApiKey
from aduan.open311 import catalog, formats, representations, selectors, services, tokens
from aduan.open311.forms import (
    RequestCreateForm,
    RequestListForm,
    UpdateCreateForm,
    UpdateListForm,
    error_descriptions,
)
from aduan.open311.http import (
    Open311Error,
    check_jurisdiction,
    endpoint,
    reader_key,
    require_form_body,
    writer_key,
)
from aduan.reports import tracking
from aduan.reports.models import ReportEvent
from aduan.reports.uploads import UploadError, clean_uploads

REQUESTS = ("service_requests", "request")
# mySociety's Open311 server names the root so; their client ignores the root's name.
UPDATES = ("service_request_updates", "request_update")


def _list(
    items: list[dict[str, Any]], fmt: str, names: tuple[str, str], status: int = 200
) -> HttpResponse:
    return formats.respond(items, fmt=fmt, root=names[0], item=names[1], status=status)


def _valid(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        raise Open311Error(400, *error_descriptions(form))
    return form.cleaned_data


def _private(response: HttpResponse, key: ApiKey | None) -> HttpResponse:
    """What a key reads is its agency's business: no shared cache may keep it, nor hand
    a public answer to a caller who sent a key in the header."""
    patch_vary_headers(response, ["Authorization"])
    if key is not None:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _page(request: HttpRequest, qs: QuerySet[Any], data: dict[str, Any]) -> tuple[list[Any], str]:
    """The page's rows and a ``Link`` header to the next page when there is one (the
    spec's bodies are bare lists, with no room for paging fields). One row more than the
    page tells whether a next page exists, without counting."""
    size, page = data["page_size"], data["page"]
    offset = (page - 1) * size
    rows = list(qs[offset : offset + size + 1])
    if len(rows) <= size:
        return rows, ""
    query = request.GET.copy()
    query["page"] = str(page + 1)
    return rows[:size], f'<{request.build_absolute_uri("?" + query.urlencode())}>; rel="next"'


def _with_link(response: HttpResponse, link: str) -> HttpResponse:
    if link:
        response["Link"] = link
    return response


# ---- discovery and services ----------------------------------------------------------


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    return formats.respond(representations.discovery(), fmt=fmt, root="discovery")


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    check_jurisdiction(request)
    items = [catalog.service_item(c) for c in selectors.active_services()]
    return formats.respond(items, fmt=fmt, root="services", item="service")


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    check_jurisdiction(request)
    service = selectors.service_by_code(service_code)
    if service is None:
        raise Open311Error(
            404, _("service_code “%(code)s” tidak ditemukan.") % {"code": service_code[:60]}
        )
    return formats.respond(catalog.service_definition(service), fmt=fmt, root="service_definition")


# ---- service requests ------------------------------------------------------------------


@endpoint("GET", "POST")
def requests_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    check_jurisdiction(request)
    key = reader_key(request)
    data = _valid(RequestListForm(request.GET))
    window = data["window"]
    filters = selectors.RequestFilter(
        ids=data["service_request_id"],
        service_codes=data["service_code"],
        statuses=data["status"],
        start=window.start,
        end=window.end,
    )
    rows, link = _page(request, selectors.request_list(key=key, filters=filters), data)
    response = _list([representations.request_item(r) for r in rows], fmt, REQUESTS)
    return _private(_with_link(response, link), key)


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    require_form_body(request)
    check_jurisdiction(request)
    key = writer_key(request)
    idempotency_key = idempotency.clean_key(request.headers.get("Idempotency-Key"))
    form = RequestCreateForm(request.POST)
    _valid(form)
    service = selectors.service_by_code(form.cleaned_data["service_code"])
    if service is None:
        code = form.cleaned_data["service_code"]
        raise Open311Error(404, _("service_code “%(code)s” tidak ditemukan.") % {"code": code})
    try:
        media = clean_uploads(request.FILES.getlist("media"))
    except UploadError as exc:
        raise Open311Error(400, f"media: {exc}") from None
    fingerprint = idempotency.request_fingerprint(
        {
            "fields": form.cleaned_data,
            "attributes": form.attributes,
            "media": [f.sha256 for f in media],
        }
    )

    def create() -> idempotency.Outcome:
        created = services.request_create(
            key=key, service=service, data=form.to_input(), attachments=media
        )
        body = {"tracking_id": created.report.tracking_id, "is_new": created.is_new}
        return idempotency.Outcome(201 if created.is_new else 200, body)

    outcome = idempotency.run_once(
        scope=f"open311:{key.pk}:requests",
        key=idempotency_key,
        fingerprint=fingerprint,
        create=create,
    )
    tracking_id = outcome.body["tracking_id"]
    item = representations.receipt_item(
        tracking_id=tracking_id,
        token=tokens.token_for(tracking_id),
        notice=_receipt_notice(tracking_id, is_new=outcome.body["is_new"]),
    )
    response = _list([item], fmt, REQUESTS, outcome.status)
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _receipt_notice(tracking_id: str, *, is_new: bool) -> str:
    shown = tracking.display(tracking_id)
    if not is_new:
        return _(
            "Laporan dengan external_id ini sudah diterima sebelumnya dengan nomor %(id)s."
        ) % {"id": shown}
    return _(
        "Laporan diterima dengan nomor %(id)s. Admin nasional memverifikasinya dalam "
        "3 hari kerja, lalu meneruskannya ke instansi yang berwenang."
    ) % {"id": shown}


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, request_id: str) -> HttpResponse:
    check_jurisdiction(request)
    key = reader_key(request)
    report = selectors.request_get(key=key, tracking_id=tracking.normalize(request_id) or "")
    if report is None:
        raise Open311Error(
            404, _("service_request_id “%(id)s” tidak ditemukan.") % {"id": request_id[:40]}
        )
    response = _list([representations.request_item(report)], fmt, REQUESTS)
    return _private(response, key)


@endpoint("GET")
def token_detail(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    check_jurisdiction(request)
    tracking_id = tokens.tracking_id_for(token)
    if tracking_id is None:
        raise Open311Error(404, _("Token tidak ditemukan."))
    item = representations.token_item(tracking_id=tracking_id, token=token)
    return _list([item], fmt, REQUESTS)


# ---- servicerequestupdates extension ---------------------------------------------------------


@endpoint("GET", "POST")
def updates_collection(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _update_create(request, fmt)
    check_jurisdiction(request)
    key = reader_key(request)
    data = _valid(UpdateListForm(request.GET))
    window = data["window"]
    qs = selectors.update_list(
        key=key, ids=data["service_request_id"], start=window.start, end=window.end
    )
    rows, link = _page(request, qs, data)
    response = _list([representations.update_item(e) for e in rows], fmt, UPDATES)
    return _private(_with_link(response, link), key)


def _update_create(request: HttpRequest, fmt: str) -> HttpResponse:
    require_form_body(request)
    check_jurisdiction(request)
    key = writer_key(request)
    idempotency_key = idempotency.clean_key(request.headers.get("Idempotency-Key"))
    form = UpdateCreateForm(request.POST)
    data = _valid(form)
    report = selectors.request_get(key=key, tracking_id=data["service_request_id"])
    if report is None:
        raise Open311Error(
            404,
            _("service_request_id “%(id)s” tidak ditemukan.")
            % {"id": data["service_request_id"][:40]},
        )
    fingerprint = idempotency.request_fingerprint({"report": report.pk, "fields": data})

    def create() -> idempotency.Outcome:
        posted = services.update_post(
            key=key,
            report=report,
            action=form.action,
            message=form.message(),
            update_id=data.get("update_id", "").strip(),
            client_datetime=data.get("updated_datetime"),
        )
        return idempotency.Outcome(201 if posted.is_new else 200, {"event_id": posted.event.pk})

    try:
        outcome = idempotency.run_once(
            scope=f"open311:{key.pk}:updates",
            key=idempotency_key,
            fingerprint=fingerprint,
            create=create,
        )
    except services.UpdateIdTaken:
        raise Open311Error(
            409, _("update_id ini sudah dipakai untuk service_request_id lain.")
        ) from None
    event = ReportEvent.objects.select_related("report").get(pk=outcome.body["event_id"])
    response = _list([representations.update_item(event)], fmt, UPDATES, outcome.status)
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


# ---- anything else under /open311/v2/ --------------------------------------------------


def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Unknown paths answer in the spec's error format too (by extension; XML default)."""
    return formats.error_response(
        formats.format_of(path),
        404,
        [_("Alamat Open311 tidak dikenal. Mulai dari discovery.xml atau discovery.json.")],
    )
