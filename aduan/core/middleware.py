"""Security headers Django does not set itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Nothing here needs the camera, microphone, location or payment APIs: deny them all.
DEFAULT_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), fullscreen=(self), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), usb=(), xr-spatial-tracking=()"
)


class SecurityHeadersMiddleware:
    """``Permissions-Policy`` on every response (unless a view set its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = str(getattr(settings, "ADUAN_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.policy
        return response


# Pages whose address or content carries a secret (a tracking link's key, a new API key,
# an identity): send no path in Referer headers. Not "no-referrer": with it, Chromium
# posts the page's own forms with "Origin: null", which CSRF protection must refuse.
PRIVATE_REFERRER_POLICY = "strict-origin"


def keep_address_private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = PRIVATE_REFERRER_POLICY
    return response
