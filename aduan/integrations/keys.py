"""Creating, checking and revoking API keys.

A key looks like ``adn_<prefix>_<secret>``: the prefix finds the row, the whole key is
compared by hash in constant time. The same key is the Open311 ``api_key``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from aduan.agencies.models import Agency
from aduan.integrations.models import ApiKey, Scope

KEY_PREFIX = "adn_"
# Writing last_used_at on every call would make each read a write; once a minute is
# enough to see which keys are alive.
_TOUCH_EVERY = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def key_create(
    *, agency: Agency, name: str, scopes: list[str], created_by: Any = None
) -> tuple[ApiKey, str]:
    """Returns the stored key and the raw secret, which is never shown again."""
    unknown = set(scopes) - set(Scope.values)
    if unknown or not scopes:
        raise ValueError(f"unknown or empty scopes: {sorted(unknown) or scopes}")
    prefix = secrets.token_hex(5)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(24)}"
    key = ApiKey.objects.create(
        agency=agency,
        name=name.strip()[:100],
        prefix=prefix,
        key_hash=_hash(raw),
        scopes=sorted(set(scopes)),
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )
    return key, raw


def key_authenticate(raw: str | None) -> ApiKey | None:
    """The active key for a raw secret, or None (unknown, malformed or revoked)."""
    if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 100:
        return None
    parts = raw[len(KEY_PREFIX) :].split("_", 1)
    if len(parts) != 2:
        return None
    key = ApiKey.objects.select_related("agency").filter(prefix=parts[0]).first()
    if key is None or not hmac.compare_digest(key.key_hash, _hash(raw)):
        return None
    if not key.is_active or not key.agency.is_active:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > _TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def key_revoke(*, key: ApiKey) -> None:
    if key.revoked_at is None:
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        key.refresh_from_db(fields=["revoked_at"])
