"""Gateway webhooks for SMS and chat. The reply goes back in the HTTP response and the
gateway sends it: ``{"reply": "<text, empty for none>", "to": "<sender>"}``."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from aduan.channels.gateway import error, gateway_endpoint
from aduan.channels.sms import payloads, services

SMS_SECRET = "ADUAN_SMS_GATEWAY_SECRET"  # noqa: S105 - a setting name
# Chat gateways are usually another vendor: they get their own secret when one is set.
CHAT_SECRETS = ("ADUAN_CHAT_GATEWAY_SECRET", SMS_SECRET)


@gateway_endpoint(SMS_SECRET)
def inbound(request: HttpRequest) -> JsonResponse:
    try:
        message = payloads.sms_message(request)
    except payloads.NotAPhoneNumber as exc:
        # Operator notices and short codes: nobody to answer, nothing to file.
        return JsonResponse({"reply": "", "to": exc.raw, "ignored": "sender"})
    except payloads.PayloadError as exc:
        return error(exc.code, exc.message, status=exc.status, field=exc.field)
    return _answer(services.sms_receive(message=message))


@gateway_endpoint(*CHAT_SECRETS)
def chat(request: HttpRequest) -> JsonResponse:
    try:
        message = payloads.chat_message(request)
    except payloads.PayloadError as exc:
        return error(exc.code, exc.message, status=exc.status, field=exc.field)
    return _answer(services.sms_receive(message=message))


def _answer(result: services.SmsResult) -> JsonResponse:
    return JsonResponse({"reply": result.reply, "to": result.to})
