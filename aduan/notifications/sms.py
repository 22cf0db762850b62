"""SMS gateways: one small interface, chosen by ``settings.ADUAN_SMS_GATEWAY``.

``LoggingSmsGateway`` (the default) logs each message and keeps it in an in-memory
outbox, like Django's locmem e-mail backend, so development and tests need no provider.
``HttpSmsGateway`` POSTs ``{"to": ..., "message": ...}`` as JSON with a bearer token to
``ADUAN_SMS_GATEWAY_URL``; most Indonesian SMS providers (and a thin relay in front of
the others) accept that shape.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_GATEWAY = "aduan.notifications.sms.LoggingSmsGateway"


class SmsError(Exception):
    """The gateway did not accept the message; the send is retried later."""


class SmsGateway(Protocol):
    def send(self, *, to: str, message: str) -> None: ...


@dataclass(frozen=True)
class SmsMessage:
    to: str
    message: str


class LoggingSmsGateway:
    outbox: list[SmsMessage] = []  # shared, like django.core.mail.outbox

    def send(self, *, to: str, message: str) -> None:
        # The number is personal data: log its last digits only.
        logger.info("SMS to …%s (%s chars): %s", to[-3:], len(message), message)
        LoggingSmsGateway.outbox.append(SmsMessage(to=to, message=message))


class HttpSmsGateway:
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 10.0):
        self.url = url if url is not None else getattr(settings, "ADUAN_SMS_GATEWAY_URL", "")
        self.token = (
            token if token is not None else getattr(settings, "ADUAN_SMS_GATEWAY_TOKEN", "")
        )
        self.timeout = timeout

    def send(self, *, to: str, message: str) -> None:
        if not self.url.startswith(("https://", "http://")):
            raise SmsError("ADUAN_SMS_GATEWAY_URL is not an http(s) URL")
        data = json.dumps({"to": to, "message": message}).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.url,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SmsError(f"gateway answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsError(f"gateway answered HTTP {status}")


def gateway() -> SmsGateway:
    path = getattr(settings, "ADUAN_SMS_GATEWAY", DEFAULT_GATEWAY)
    cls = import_string(path)
    instance: SmsGateway = cls()
    return instance
