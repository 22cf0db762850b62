"""What every gateway endpoint shares: POST only, no CSRF (machines post here, not
browsers), and a shared secret in the ``X-Aduan-Gateway-Secret`` header.

An endpoint whose secret setting is empty refuses every request with 503: an
unconfigured deployment must not accept reports from anyone who finds the URL.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from aduan.core.api import error_body

SECRET_HEADER = "X-Aduan-Gateway-Secret"  # noqa: S105 - a header name

View = Callable[[HttpRequest], HttpResponse]


def error(code: str, message: str, *, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, field), status=status)


def configured_secret(*setting_names: str) -> tuple[str, str]:
    """The first non-empty secret among the settings, and the setting to name in errors."""
    for name in setting_names:
        value = str(getattr(settings, name, "") or "")
        if value:
            return value, name
    return "", setting_names[0]


def secret_refusal(request: HttpRequest, *setting_names: str) -> JsonResponse | None:
    secret, name = configured_secret(*setting_names)
    if not secret:
        return error(
            "not_configured",
            _("Gateway belum dikonfigurasi: pengaturan %(name)s kosong, semua permintaan ditolak.")
            % {"name": name},
            status=503,
        )
    given = request.headers.get(SECRET_HEADER, "")
    if not given:
        return error(
            "unauthenticated",
            _("Header %(header)s wajib diisi dengan rahasia gateway.") % {"header": SECRET_HEADER},
            status=401,
        )
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return error("forbidden", _("Rahasia gateway salah."), status=403)
    return None


def gateway_endpoint(*setting_names: str) -> Callable[[View], View]:
    """Decorate a gateway view: CSRF-exempt, POST only, authenticated by the secret in
    the first non-empty of ``setting_names``."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest) -> HttpResponse:
            if request.method != "POST":
                response = error(
                    "method_not_allowed",
                    _("Metode HTTP %(method)s tidak didukung di alamat ini.")
                    % {"method": request.method},
                    status=405,
                )
                response["Allow"] = "POST"
                return response
            refusal = secret_refusal(request, *setting_names)
            if refusal is not None:
                return refusal
            return view(request)

        return wrapped

    return decorate
