"""API-key authentication, scopes and rate limits of the agency API (and any other
endpoint an agency's own system calls with its key, e.g. webhook management).

``Authorization: Bearer <key>``. A missing, unknown or revoked key (or a key of an
inactive agency) gets ``401`` with ``WWW-Authenticate: Bearer``; a key without the scope an
endpoint needs gets ``403 insufficient_scope``; more than the allowed requests per minute
get ``429 rate_limited`` with ``Retry-After``. Addresses that keep sending bad keys are
limited too, before any key lookup work is wasted on them.

Counters are the public rate limits' fixed windows (:func:`aduan.core.ratelimit.hit_window`:
appended files on the single-machine file cache, Redis when scaling out). A one-minute
window is used: cheap, and its ``Retry-After`` (the seconds to the window's end) is exact.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from aduan.core.api import API_PARSERS
from aduan.core.ratelimit import FixedWindow
from aduan.integrations.keys import key_authenticate
from aduan.integrations.models import ApiKey, Scope

REALM = "Aduan agency API"
WINDOW_SECONDS = 60
DEFAULT_RATE_PER_MINUTE = 120
DEFAULT_AUTH_FAILURES_PER_MINUTE = 30


def rate_per_minute() -> int:
    return int(getattr(settings, "ADUAN_API_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))


def auth_failures_per_minute() -> int:
    return int(
        getattr(settings, "ADUAN_API_AUTH_FAILURES_PER_MINUTE", DEFAULT_AUTH_FAILURES_PER_MINUTE)
    )


# ---- errors -----------------------------------------------------------------------------


class RateLimited(exceptions.Throttled):
    """429 with a stable code; DRF's handler turns ``wait`` into ``Retry-After``."""

    default_code = "rate_limited"

    def __init__(self, wait: float | None) -> None:
        self.wait = max(1, math.ceil(wait or 1))
        message = _(
            "Terlalu banyak permintaan. Coba lagi dalam %(seconds)s detik (lihat header "
            "Retry-After)."
        ) % {"seconds": self.wait}
        exceptions.APIException.__init__(self, message, self.default_code)


# ---- fixed-window counters ----------------------------------------------------------------


class Window(FixedWindow):
    """One fixed window of ``WINDOW_SECONDS`` per name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"aduan:rate:{name}", WINDOW_SECONDS)


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


# ---- authentication -----------------------------------------------------------------------


class ApiKeyUser:
    """``request.user`` of a call made with an API key; the key is ``request.auth``."""

    is_authenticated = True
    is_anonymous = False
    pk = None

    def __init__(self, key: ApiKey) -> None:
        self.key = key

    def __str__(self) -> str:
        return f"api-key:{self.key.prefix}"


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer <key>``; every endpoint using it requires a key."""

    def authenticate(self, request: Request) -> tuple[ApiKeyUser, ApiKey]:
        header = get_authorization_header(request).split()
        if not header:
            self._failed(request)
            raise exceptions.NotAuthenticated(
                _("Kirim kunci API di header “Authorization: Bearer <kunci>”."),
                code="missing_api_key",
            )
        if header[0].lower() != b"bearer" or len(header) != 2:
            self._failed(request, invalid=True)
            raise exceptions.AuthenticationFailed(
                _("Header Authorization harus berbentuk “Bearer <kunci>”."),
                code="invalid_api_key",
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raw = ""
        key = key_authenticate(raw)
        if key is None:
            self._failed(request, invalid=True)
            raise exceptions.AuthenticationFailed(
                _("Kunci API tidak dikenal, sudah dicabut, atau instansinya tidak aktif."),
                code="invalid_api_key",
            )
        return ApiKeyUser(key), key

    def authenticate_header(self, request: Request) -> str:
        if getattr(request, "_aduan_invalid_token", False):
            return f'Bearer realm="{REALM}", error="invalid_token"'
        return f'Bearer realm="{REALM}"'

    def _failed(self, request: Request, *, invalid: bool = False) -> None:
        """Count a failure for the client's address; past the limit, answer 429 instead
        of 401 so a misconfigured client or a scanner is slowed down."""
        request._aduan_invalid_token = invalid  # type: ignore[attr-defined]
        window = Window(f"auth-fail:{client_ip(request._request)}")
        if window.hit() > auth_failures_per_minute():
            raise RateLimited(window.reset_in)


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "aduan.integrations.auth.ApiKeyAuthentication"
    name = "agencyApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An agency API key (`adn_…`), created by the agency's admin at "
            "`/petugas/kunci-api/` or with `aduan apikey create`. Scopes: `read`, `write`, "
            "`webhooks`.",
        }


# ---- scopes -------------------------------------------------------------------------------


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"


class ScopeRequired(BasePermission):
    """Reads need the ``read`` scope, writes ``write``; a view may name other scopes in
    ``required_scopes`` (``{"GET": "webhooks", "POST": "webhooks"}``)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return False  # DRF turns this into 401 (no successful authenticator)
        scope = required_scope(request, view)
        if key.has_scope(scope):
            return True
        raise InsufficientScope(
            _("Kunci API ini tidak memiliki cakupan “%(scope)s” yang diperlukan di sini.")
            % {"scope": scope}
        )


def required_scope(request: Request, view: APIView) -> str:
    by_method: dict[str, str] = getattr(view, "required_scopes", {})
    if request.method in by_method:
        return by_method[request.method]
    return Scope.READ if request.method in SAFE_METHODS else Scope.WRITE


# ---- rate limit per key -------------------------------------------------------------------


class ApiKeyRateThrottle(BaseThrottle):
    """At most ``ADUAN_API_RATE_PER_MINUTE`` requests per key and minute (default 120)."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            return True  # unauthenticated calls are limited by ApiKeyAuthentication
        limit = rate_per_minute()
        window = Window(f"key:{key.pk}")
        used = window.hit()
        self.reset_in = window.reset_in
        request._aduan_rate = (limit, max(0, limit - used), window.reset_in)  # type: ignore[attr-defined]
        return used <= limit

    def wait(self) -> float | None:
        return getattr(self, "reset_in", None)


# ---- base view ----------------------------------------------------------------------------


class AgencyApiView(APIView):
    """Base of every endpoint an agency's system calls with its key."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [ScopeRequired]
    throttle_classes = [ApiKeyRateThrottle]
    parser_classes = API_PARSERS

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise RateLimited(wait)

    @property
    def api_key(self) -> ApiKey:
        key = self.request.auth
        assert isinstance(key, ApiKey)  # guaranteed by ScopeRequired
        return key

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        rate = getattr(request, "_aduan_rate", None)
        if rate is not None:
            limit, remaining, reset_in = rate
            response["X-RateLimit-Limit"] = str(limit)
            response["X-RateLimit-Remaining"] = str(remaining)
            response["X-RateLimit-Reset"] = str(max(1, math.ceil(reset_in)))
        # Answers carry staff data: no shared cache may keep them.
        response.setdefault("Cache-Control", "private, no-store")
        return response
