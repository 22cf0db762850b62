"""Signing webhook deliveries (HMAC-SHA256 over timestamp and body).

Every delivery carries three headers::

    Aduan-Webhook-Id: 5b0c1c1e-8f0e-5a4e-9a39-7f3f4c1d2e10
    Aduan-Webhook-Timestamp: 1767312000
    Aduan-Webhook-Signature: v1=6f1c…

The signature is ``hex(HMAC-SHA256(secret, f"{timestamp}.{body}"))`` where ``secret`` is
the endpoint's secret as shown once (``whsec_…``, used as UTF-8 bytes, prefix included)
and ``body`` the exact bytes of the request body. Right after a secret rotation the header
carries two signatures separated by a space (new secret first); a receiver accepts the
delivery when any of them matches. The timestamp lets the receiver refuse replays: reject
deliveries more than five minutes old. See ``aduan/webhooks/README.md`` for a complete
receiver in Python.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from aduan.core.idempotency import seal, unseal
from aduan.webhooks.models import WebhookEndpoint

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
SIGNATURE_VERSION = "v1"
HEADER_ID = "Aduan-Webhook-Id"
HEADER_TIMESTAMP = "Aduan-Webhook-Timestamp"
HEADER_SIGNATURE = "Aduan-Webhook-Signature"
HEADER_EVENT = "Aduan-Webhook-Event"


class SecretUnreadable(Exception):
    """The sealed secret cannot be opened (SECRET_KEY changed): rotate the secret."""


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _context(endpoint: WebhookEndpoint) -> str:
    return f"aduan.webhooks.secret:{endpoint.uuid}"


def seal_secret(endpoint: WebhookEndpoint, secret: str) -> str:
    return seal(secret, context=_context(endpoint))


def signing_secrets(endpoint: WebhookEndpoint, *, now: datetime) -> list[str]:
    """The current secret, then the previous one while its overlap lasts."""
    current = unseal(endpoint.secret_sealed, context=_context(endpoint))
    if current is None:
        raise SecretUnreadable
    result = [current]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_sealed and expires is not None and now < expires:
        previous = unseal(endpoint.previous_secret_sealed, context=_context(endpoint))
        if previous is not None:
            result.append(previous)
    return result


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secrets_: list[str], timestamp: int, body: bytes) -> str:
    return " ".join(f"{SIGNATURE_VERSION}={signature(s, timestamp, body)}" for s in secrets_)


def signed_headers(
    *, event_id: str, event_type: str, body: bytes, secrets_: list[str], timestamp: int
) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Aduan-Webhooks/1",
        HEADER_ID: event_id,
        HEADER_EVENT: event_type,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: signature_header(secrets_, timestamp, body),
    }
