"""API conventions shared by every endpoint: JSON errors with a stable code, a message a
person can act on, and the offending field.

Every error body has the same shape::

    {"error": {"code": "invalid", "message": "title: Bidang ini harus diisi.",
               "field": "title", "fields": {"title": ["Bidang ini harus diisi."]}}}
"""

from __future__ import annotations

import copy
import time
import weakref
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from aduan.core.idempotency import IdempotencyKeyInvalid, IdempotencyMismatch
from aduan.core.prepared import PreparedQuery


def error_body(
    code: str,
    message: str,
    field: str | None = None,
    fields: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"error": {"code": code, "message": message, "field": field}}
    if fields:
        body["error"]["fields"] = fields
    return body


def error_response(
    code: str, message: str, *, status_code: int, field: str | None = None
) -> Response:
    return Response(error_body(code, message, field), status=status_code)


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for name, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{name}.{sub}"] = msgs
            elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
                # ListField/many=True errors: {"attachments": {0: [...]}} or [{}, {...}]
                for index, item in enumerate(value):
                    for sub, msgs in _flatten(item).items():
                        suffix = "" if sub == "non_field_errors" else f".{sub}"
                        out[f"{name}.{index}{suffix}"] = msgs
            elif isinstance(value, list):
                out[name] = [str(v) for v in value]
            else:
                out[name] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]} if detail else {}
    return {"non_field_errors": [str(detail)]}


# Messages of DRF's own errors that its Indonesian catalogue leaves in English.
_MESSAGES = {
    "parse_error": gettext_lazy(
        "Isi permintaan tidak dapat dibaca. Kirim JSON yang valid (Content-Type: "
        "application/json) atau multipart/form-data."
    ),
    "method_not_allowed": gettext_lazy("Metode HTTP %(method)s tidak didukung di alamat ini."),
    "unsupported_media_type": gettext_lazy(
        "Jenis isi “%(media_type)s” tidak didukung. Gunakan application/json atau "
        "multipart/form-data."
    ),
    "not_found": gettext_lazy("Data tidak ditemukan."),
}


def _api_error(exc: exceptions.APIException, context: dict[str, Any]) -> tuple[str, str]:
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else "error"
    request = context.get("request")
    if code == "method_not_allowed" and request is not None:
        return code, str(_MESSAGES[code]) % {"method": request.method}
    if code == "unsupported_media_type" and request is not None:
        return code, str(_MESSAGES[code]) % {"media_type": request.content_type}
    if code == "parse_error":
        # The parser's own detail (line and column of a JSON error) helps the developer.
        return code, f"{_MESSAGES[code]} ({exc.detail})"
    if code in _MESSAGES:
        return code, str(_MESSAGES[code])
    return code, str(exc.detail)


def _too_big() -> Response:
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return error_response(
        "payload_too_large",
        _(
            "Isi permintaan terlalu besar (maksimal %(mb).0f MB di luar lampiran; "
            "lampiran maksimal %(files)s berkas × %(file_mb).0f MB)."
        )
        % {
            "mb": limit_mb,
            "files": settings.ADUAN_MAX_ATTACHMENTS,
            "file_mb": settings.ADUAN_MAX_ATTACHMENT_BYTES / (1024 * 1024),
        },
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


def _own_error(exc: Exception) -> Response | None:
    """Errors DRF does not know: lifecycle, idempotency and Django's request limits."""
    from aduan.reports.lifecycle import TransitionError

    if isinstance(exc, TransitionError):
        return error_response(exc.code, exc.message, status_code=exc.status_code, field=exc.field)
    if isinstance(exc, RequestDataTooBig):
        # Raised by Django while reading a body above DATA_UPLOAD_MAX_MEMORY_SIZE.
        return _too_big()
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return error_response(
            "too_many_fields",
            _("Terlalu banyak isian atau berkas dalam satu permintaan."),
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IdempotencyMismatch):
        return error_response(
            "idempotency_key_reused",
            _(
                "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda. "
                "Gunakan kunci baru untuk laporan baru."
            ),
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            field="Idempotency-Key",
        )
    if isinstance(exc, IdempotencyKeyInvalid):
        return error_response(
            "invalid", str(exc), status_code=status.HTTP_400_BAD_REQUEST, field="Idempotency-Key"
        )
    return None


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    fields = _flatten(exc.detail)
    first_field = next(iter(fields), None)
    message = fields[first_field][0] if first_field else _("Data tidak valid.")
    if first_field and first_field != "non_field_errors":
        message = f"{first_field}: {message}"
    field = None if first_field == "non_field_errors" else first_field
    return error_body("invalid", message, field, fields)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    own = _own_error(exc)
    if own is not None:
        return own
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's 500 handling takes over
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc)
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.APIException):
        code, message = _api_error(exc, context)
        response.data = error_body(code, message)
    return response


class SafeJSONParser(parsers.JSONParser):
    """JSONParser that also turns absurdly deep nesting (``[[[[…``, RecursionError in the
    json module) into a 400 instead of a 500."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(_("JSON terlalu dalam bersarang.")) from exc


API_PARSERS = [SafeJSONParser, parsers.MultiPartParser, parsers.FormParser]


# ---- shared fields -----------------------------------------------------------------------


class CodeField(serializers.SlugRelatedField):
    """A related object chosen by its public code (Kemendagri code, agency code, slug).

    ``prepared=True`` looks the code up through a :class:`~aduan.core.prepared.
    PreparedQuery` (compiled once, and prepared on PostgreSQL) instead of compiling the
    queryset on every request: for fields read on every submission. Its queryset must be
    a plain model queryset. ``keep_for`` keeps the rows found (see :class:`PreparedCode`)."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("Kode “{value}” tidak dikenal."),
        "invalid": gettext_lazy("Kode harus berupa teks."),
    }

    def __init__(
        self, *, prepared: bool | PreparedCode = False, keep_for: float = 0, **kwargs: Any
    ) -> None:
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)
        if prepared is True:
            queryset = self.get_queryset()
            assert queryset is not None, "a prepared CodeField needs its queryset"
            prepared = PreparedCode(queryset, self.slug_field, keep_for=keep_for)
        self.prepared = prepared or None
        # DRF copies a serializer's fields for every request by calling the class again
        # with the arguments it was declared with: the copies share this one lookup.
        self._kwargs["prepared"] = prepared  # type: ignore[attr-defined]

    def to_internal_value(self, data: Any) -> Model:
        if not isinstance(data, str):
            self.fail("invalid")
        if "\x00" in data:  # no code holds NUL, and PostgreSQL refuses to look one up
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        code = data.strip()
        if self.prepared is None:
            return super().to_internal_value(code)
        found = self.prepared(code)
        if not found:
            self.fail("does_not_exist", slug_name=self.slug_field, value=code)
        return found[0]


class PreparedCode:
    """One code lookup compiled once; a field's per-request copies share it.

    ``keep_for`` (seconds) keeps each row found for that long in this process, for
    reference data that changes a few times a year (regions and districts, loaded from
    Kemendagri's codes): a submission then validates its codes without a query. A change
    saved through the ORM forgets this process's rows at once; other processes see it
    within ``keep_for``. Unknown codes are never kept: each is looked up again. (A saved
    region forgets the kept districts too: a district carries its regency.)
    """

    def __init__(self, queryset: QuerySet[Any], slug_field: str, *, keep_for: float = 0) -> None:
        self.query: PreparedQuery[Any] = PreparedQuery(
            queryset.model, lambda code: queryset.filter(**{slug_field: code}), (str,)
        )
        self.keep_for = keep_for
        self._kept: dict[str, tuple[float, Model]] = {}
        if keep_for:
            _KEPT.add(self)
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_kept_codes,
                    sender=queryset.model,
                    dispatch_uid=f"aduan-kept-codes-{queryset.model._meta.label}",
                )

    def __call__(self, code: str) -> list[Any]:
        if not self.keep_for:
            return self.query(code)
        now = time.monotonic()
        kept = self._kept.get(code)
        if kept is None or kept[0] <= now:
            found = self.query(code)
            if not found:
                return found
            if len(self._kept) >= KEEP_AT_MOST:
                self._kept.clear()
            kept = self._kept[code] = (now + self.keep_for, found[0])
        # A copy per caller: the kept row is shared by every request of this process.
        return [copy.copy(kept[1])]

    def forget(self) -> None:
        self._kept.clear()

    def __deepcopy__(self, memo: dict[int, Any]) -> PreparedCode:
        return self  # compiled per thread inside; nothing to copy


KEEP_AT_MOST = 20_000  # more than every region and district code together (~7,800)
_KEPT: weakref.WeakSet[PreparedCode] = weakref.WeakSet()


def forget_kept_codes(**_signal: Any) -> None:
    """Forget every kept code lookup of this process (reference data changed)."""
    for lookup in list(_KEPT):
        lookup.forget()


# ---- OpenAPI documentation of the error format -----------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `invalid`.")
    message = serializers.CharField(help_text="Human-readable message (Bahasa Indonesia).")
    field = serializers.CharField(
        allow_null=True, help_text="The first offending field or header, if any."
    )
    # Declared fields leave the class attribute namespace, so ``Serializer.fields`` is safe.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Every offending field (nested fields dotted: `reporter.email`).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_ERROR_EXAMPLES: dict[int, tuple[str, OpenApiExample]] = {
    400: (
        "Invalid input; see `error.fields`.",
        OpenApiExample(
            "Validation error",
            value=error_body(
                "invalid",
                "title: Bidang ini harus diisi.",
                "title",
                {
                    "title": ["Bidang ini harus diisi."],
                    "reporter.email": ["Masukkan alamat email dengan format yang benar."],
                },
            ),
            response_only=True,
            status_codes=["400"],
        ),
    ),
    404: (
        "Not found.",
        OpenApiExample(
            "Not found",
            value=error_body("not_found", "Data tidak ditemukan."),
            response_only=True,
            status_codes=["404"],
        ),
    ),
    413: (
        "Request body too large.",
        OpenApiExample(
            "Too large",
            value=error_body("payload_too_large", "Isi permintaan terlalu besar."),
            response_only=True,
            status_codes=["413"],
        ),
    ),
    422: (
        "Idempotency-Key reused with a different body.",
        OpenApiExample(
            "Idempotency key reused",
            value=error_body(
                "idempotency_key_reused",
                "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda.",
                "Idempotency-Key",
            ),
            response_only=True,
            status_codes=["422"],
        ),
    ),
}


def error_responses(*status_codes: int) -> dict[int, OpenApiResponse]:
    """``responses=`` entries documenting the shared error body for these statuses."""
    out = {}
    for code in status_codes:
        description, example = _ERROR_EXAMPLES[code]
        out[code] = OpenApiResponse(ErrorSerializer, description=description, examples=[example])
    return out


class StrictCursorPagination(CursorPagination):
    """Cursor pagination whose bad ``cursor`` is a 400 on that field (DRF says 404, which
    reads as "no such list" to a client)."""

    page_size_query_param = "page_size"

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise serializers.ValidationError(
                {"cursor": [_("Kursor halaman tidak valid; pakai tautan next/previous.")]}
            ) from None
