"""``POST /channels/email/inbound``: a mail relay posts one raw RFC 822 message as the
request body (``Content-Type: message/rfc822``) with the shared secret header."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from aduan.channels.email import services
from aduan.channels.gateway import error, gateway_endpoint

EMAIL_SECRET = "ADUAN_EMAIL_INBOUND_SECRET"  # noqa: S105 - a setting name
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@gateway_endpoint(EMAIL_SECRET)
def inbound(request: HttpRequest) -> JsonResponse:
    if request.content_type in FORM_TYPES:
        return error(
            "unsupported_media_type",
            _("Kirim pesan mentah RFC 822 sebagai isi permintaan (Content-Type: message/rfc822)."),
            status=415,
        )
    raw = _read_limited(request, services.max_bytes())
    if raw is None:
        return _too_large()
    if not raw.strip():
        return error("invalid", _("Isi permintaan kosong: kirim satu pesan surel."), status=400)
    try:
        result = services.email_receive(raw=raw)
    except services.MessageTooLarge:
        return _too_large()
    except services.RetryLater as exc:
        return error("conflict", str(exc), status=409)
    created = result.outcome == services.Outcome.REPORT_CREATED and not result.duplicate
    return JsonResponse(result.as_json(), status=201 if created else 200)


def _read_limited(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None when it is over ``limit`` (read past Django's in-memory cap for
    form data, which is far below a message with photos)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    raw = request.read(limit + 1)
    return None if len(raw) > limit else raw


def _too_large() -> JsonResponse:
    mb = services.max_bytes() // (1024 * 1024)
    return error("too_large", _("Pesan lebih besar dari %(mb)s MB.") % {"mb": mb}, status=413)
