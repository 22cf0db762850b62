"""``Idempotency-Key`` handling: the same key and body give the same result, never two."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from aduan.core.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


class IdempotencyMismatch(Exception):
    """The key was used before with a different request body."""


@dataclass
class Outcome:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def request_fingerprint(payload: Any) -> str:
    encoded = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def run_once(
    *, scope: str, key: str | None, fingerprint: str, create: Callable[[], Outcome]
) -> Outcome:
    """Run ``create`` at most once per (scope, key); replay its stored outcome afterwards.

    ``create`` runs inside the same transaction as the idempotency record; only
    successful outcomes (2xx) are stored, so a request that failed validation can be
    corrected and retried with the same key.
    """
    if not key:
        with transaction.atomic():
            return create()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope, key=key, request_hash=fingerprint
                )
        except IntegrityError:
            # Another request with this key committed first (PostgreSQL makes us wait
            # for it): replay what it stored.
            existing = IdempotencyRecord.objects.get(scope=scope, key=key)
            if existing.request_hash != fingerprint:
                raise IdempotencyMismatch from None
            return Outcome(existing.response_status, existing.response_body, replayed=True)
        outcome = create()
        if 200 <= outcome.status < 300:
            record.response_status = outcome.status
            record.response_body = outcome.body
            record.save(update_fields=["response_status", "response_body"])
        else:
            record.delete()
        return outcome
