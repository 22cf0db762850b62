"""``Idempotency-Key`` handling: the same key and body give the same result, never two.

The outcome of the first request is stored in the same transaction as what it created, so
a retry finds either the committed outcome (and replays it) or nothing (the first attempt
rolled back, and the retry does the work afresh). Two simultaneous requests with one key
serialise on the unique (scope, key) row: PostgreSQL makes the second insert wait for the
first transaction, SQLite's IMMEDIATE transactions take the write lock at BEGIN.

Some outcomes carry a secret that is shown once and otherwise stored only as a hash (the
reporter's private-link secret). Replaying them needs the secret itself, so such fields
are stored *sealed*: encrypted with Fernet (from ``cryptography``) under a key derived from
``SECRET_KEY``, the scope and the client's key, so a copy of the database alone does not
reveal them. Records are purged by the sweep after a day (``purge_expired``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from aduan.core.models import IdempotencyRecord

logger = logging.getLogger(__name__)

MAX_KEY_LENGTH = 200
_SEAL_SALT = "aduan.core.idempotency.seal"
_SEAL_PREFIX = "sealed:v2:"


class IdempotencyMismatch(Exception):
    """The key was used before with a different request body."""


class IdempotencyKeyInvalid(ValueError):
    """The ``Idempotency-Key`` header is empty, too long or not printable ASCII."""


@dataclass
class Outcome:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def clean_key(raw: str | None) -> str | None:
    """The key from an ``Idempotency-Key`` header, or None when the header is absent."""
    if raw is None:
        return None
    key = raw.strip()
    if not key:
        raise IdempotencyKeyInvalid(_("Idempotency-Key tidak boleh kosong."))
    if len(key) > MAX_KEY_LENGTH:
        raise IdempotencyKeyInvalid(
            _("Idempotency-Key paling panjang %(n)s karakter.") % {"n": MAX_KEY_LENGTH}
        )
    if not key.isascii() or not key.isprintable():
        raise IdempotencyKeyInvalid(
            _("Idempotency-Key hanya boleh berisi karakter ASCII yang terlihat.")
        )
    return key


def request_fingerprint(payload: Any) -> str:
    encoded = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def run_once(
    *,
    scope: str,
    key: str | None,
    fingerprint: str,
    create: Callable[[], Outcome],
    sealed: Collection[str] = (),
) -> Outcome:
    """Run ``create`` at most once per (scope, key); replay its stored outcome afterwards.

    ``create`` runs inside the same transaction as the idempotency record; only
    successful outcomes (2xx) are stored, so a request that failed validation can be
    corrected and retried with the same key. Top-level string fields of the body named in
    ``sealed`` are stored encrypted and decrypted on replay (None if that fails, e.g.
    after ``SECRET_KEY`` was rotated).

    Raises IdempotencyMismatch when the key was used with a different fingerprint.
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
            body = _open_fields(existing.response_body, sealed, scope=scope, key=key)
            return Outcome(existing.response_status, body, replayed=True)
        outcome = create()
        if 200 <= outcome.status < 300:
            record.response_status = outcome.status
            record.response_body = _seal_fields(outcome.body, sealed, scope=scope, key=key)
            record.save(update_fields=["response_status", "response_body"])
        else:
            record.delete()
        return outcome


# ---- sealing secrets inside stored outcomes ----------------------------------------------


def _fernet(context: str) -> Fernet:
    # One key per (scope, client key, field), derived from SECRET_KEY: a copy of the
    # database alone reveals nothing, and no two stored values share a key.
    digest = salted_hmac(_SEAL_SALT, context, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str, *, context: str) -> str:
    return _SEAL_PREFIX + _fernet(context).encrypt(value.encode()).decode()


def unseal(sealed_value: str, *, context: str) -> str | None:
    """The original value, or None when it was sealed under another key or is damaged."""
    if not sealed_value.startswith(_SEAL_PREFIX):
        return None
    try:
        token = sealed_value[len(_SEAL_PREFIX) :].encode()
        return _fernet(context).decrypt(token).decode()
    except (InvalidToken, UnicodeDecodeError, ValueError):
        return None


def _context(scope: str, key: str, name: str) -> str:
    return f"{scope}\x00{key}\x00{name}"


def _seal_fields(
    body: dict[str, Any], names: Collection[str], *, scope: str, key: str
) -> dict[str, Any]:
    stored = dict(body)
    for name in names:
        if isinstance(stored.get(name), str):
            stored[name] = seal(stored[name], context=_context(scope, key, name))
    return stored


def _open_fields(
    body: dict[str, Any], names: Collection[str], *, scope: str, key: str
) -> dict[str, Any]:
    opened = dict(body)
    for name in names:
        if isinstance(opened.get(name), str):
            opened[name] = unseal(opened[name], context=_context(scope, key, name))
            if opened[name] is None:
                logger.warning("could not unseal %s of idempotent outcome %s:%s", name, scope, key)
    return opened


RETENTION = timedelta(hours=24)


def purge_expired(*, now: datetime) -> int:
    """Forget outcomes older than a day: clients retry within minutes, and the stored
    outcomes hold sealed secrets that should not live longer than needed."""
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=now - RETENTION).delete()
    return deleted
