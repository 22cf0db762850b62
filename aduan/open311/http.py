"""The HTTP frame every Open311 endpoint shares: allowed methods, the spec's error
bodies, jurisdiction, ``api_key`` and form-encoded bodies.

Status codes follow the spec: 400 bad input, 403 missing or invalid ``api_key``, 404
unknown service, request, token or jurisdiction; plus 405, 409 (the report's state does
not allow the update), 413 (body too large) and 422 (Idempotency-Key reused with another
body). Bad input never becomes a 500.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from aduan.core.idempotency import IdempotencyKeyInvalid, IdempotencyMismatch
from aduan.integrations import keys
from aduan.integrations.auth import Window, rate_per_minute
from aduan.integrations.models import ApiKey, Scope
from aduan.open311 import formats
from aduan.reports.errors import TransitionError

DEFAULT_JURISDICTION = "aduan.go.id"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Multipart boundaries and part headers on top of the fields and one media file.
_MULTIPART_SLACK = 64 * 1024

View = Callable[..., HttpResponse]


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str, retry_after: int | None = None) -> None:
        super().__init__(descriptions)
        self.status = status
        self.descriptions = list(descriptions)
        self.retry_after = retry_after


def jurisdiction() -> str:
    return str(getattr(settings, "ADUAN_OPEN311_JURISDICTION", DEFAULT_JURISDICTION))


def params(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


def check_jurisdiction(request: HttpRequest) -> None:
    """Optional (one jurisdiction is served); any other value is not found."""
    value = (params(request).get("jurisdiction_id") or "").strip()
    if value and value != jurisdiction():
        raise Open311Error(
            404,
            _("jurisdiction_id “%(value)s” tidak ditemukan; yang dilayani: %(ours)s.")
            % {"value": value[:60], "ours": jurisdiction()},
        )


def _raw_key(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    value = params(request).get("api_key") or request.GET.get("api_key") or ""
    return value.strip() or None


def reader_key(request: HttpRequest) -> ApiKey | None:
    """The agency key of a read, if one was sent. A key that is sent must be valid even
    though none is needed: a silent fallback to the public view would hide a broken
    integration."""
    raw = _raw_key(request)
    return None if raw is None else _authenticate(raw, Scope.READ)


def writer_key(request: HttpRequest) -> ApiKey:
    """The agency key every write needs, with the write scope."""
    raw = _raw_key(request)
    if raw is None:
        raise Open311Error(403, _("api_key wajib dikirim untuk permintaan ini."))
    return _authenticate(raw, Scope.WRITE)


def _authenticate(raw: str, scope: str) -> ApiKey:
    """The key sent as ``api_key`` (or ``Authorization: Bearer``), active and scoped."""
    key = keys.key_authenticate(raw)
    if key is None:
        raise Open311Error(403, _("api_key tidak valid atau sudah dicabut."))
    if not key.has_scope(scope):
        raise Open311Error(
            403, _("api_key ini tidak memiliki cakupan “%(scope)s”.") % {"scope": scope}
        )
    # One budget per key, shared with the agency API: Open311 is the same key's door.
    window = Window(f"key:{key.pk}")
    if window.hit() > rate_per_minute():
        wait = max(1, math.ceil(window.reset_in))
        raise Open311Error(
            429,
            _("Terlalu banyak permintaan. Coba lagi dalam %(seconds)s detik.") % {"seconds": wait},
            retry_after=wait,
        )
    return key


def require_form_body(request: HttpRequest) -> None:
    """Form-encoded or multipart only (the spec's encoding; no XML is ever parsed)."""
    if request.content_type not in FORM_TYPES:
        raise Open311Error(
            400,
            _("Kirim isian sebagai application/x-www-form-urlencoded atau multipart/form-data."),
        )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # Django caps the fields but would spool any file to disk before our checks run.
    limit = (
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        + settings.ADUAN_MAX_ATTACHMENTS * settings.ADUAN_MAX_ATTACHMENT_BYTES
        + _MULTIPART_SLACK
    )
    if length > limit:
        raise RequestDataTooBig


def _handled(exc: Exception) -> tuple[int, str] | None:
    if isinstance(exc, RequestDataTooBig):
        return 413, _("Isi permintaan terlalu besar.")
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return 400, _("Terlalu banyak isian atau berkas dalam satu permintaan.")
    if isinstance(exc, MultiPartParserError):
        return 400, _("Isi multipart/form-data tidak dapat dibaca.")
    if isinstance(exc, IdempotencyMismatch):
        return 422, _(
            "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda. "
            "Gunakan kunci baru untuk permintaan baru."
        )
    if isinstance(exc, IdempotencyKeyInvalid):
        return 400, f"Idempotency-Key: {exc}"
    if isinstance(exc, TransitionError):
        return exc.status_code, exc.message
    return None


def endpoint(*methods: str) -> Callable[[View], View]:
    """Allowed methods, and every known failure as the spec's error body in the format
    the URL asked for. CSRF does not apply: callers authenticate with a key, not a
    cookie."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def inner(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = formats.error_response(
                    fmt,
                    405,
                    [_("Metode %(method)s tidak didukung di sini.") % {"method": request.method}],
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                response = formats.error_response(fmt, exc.status, exc.descriptions)
                if exc.retry_after is not None:
                    response["Retry-After"] = str(exc.retry_after)
                return response
            except Exception as exc:
                known = _handled(exc)
                if known is None:
                    raise
                return formats.error_response(fmt, known[0], [known[1]])

        return inner

    return decorate
