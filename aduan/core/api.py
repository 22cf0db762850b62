"""API conventions shared by every endpoint: JSON errors with a stable code, a message a
person can act on, and the offending field."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def error_body(code: str, message: str, field: str | None = None,
               fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": {"code": code, "message": message, "field": field}}
    if fields:
        body["error"]["fields"] = fields
    return body


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for name, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{name}.{sub}"] = msgs
            elif isinstance(value, list):
                out[name] = [str(v) for v in value]
            else:
                out[name] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    from aduan.reports.lifecycle import TransitionError

    if isinstance(exc, TransitionError):
        return Response(error_body(exc.code, exc.message, exc.field), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first_field = next(iter(fields), None)
        message = fields[first_field][0] if first_field else "Invalid input."
        if first_field and first_field != "non_field_errors":
            message = f"{first_field}: {message}"
        response.data = error_body(
            "invalid",
            message,
            None if first_field == "non_field_errors" else first_field,
            fields,
        )
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        response.data = error_body(str(code), str(exc.detail))
    return response
