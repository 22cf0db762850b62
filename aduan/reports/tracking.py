"""Tracking IDs: short, unguessable, easy to read aloud and to type on a phone.

Ten symbols from Crockford's base-32 alphabet (no I, L, O or U, so nothing is
confused with 1 or 0): nine random ones (45 bits) and one Luhn mod-32 check symbol
that catches every single mistyped symbol and nearly every swap of two
neighbours (all but 0 with Z).
Shown as ``ABCDE-FGHJK``; hyphens, spaces, case and the look-alikes O/I/L are
forgiven on input.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
RANDOM_LENGTH = 9
LENGTH = RANDOM_LENGTH + 1


def _check_symbol(payload: str) -> str:
    n = len(ALPHABET)
    total = 0
    factor = 2
    for char in reversed(payload):
        addend = factor * _INDEX[char]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_tracking_id() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return payload + _check_symbol(payload)


def normalize(raw: str) -> str | None:
    """Canonical form of a typed tracking ID, or None when it cannot be one."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    cleaned = "".join(raw.split()).replace("-", "").upper().translate(_LOOKALIKES)
    if len(cleaned) != LENGTH or any(c not in _INDEX for c in cleaned):
        return None
    if _check_symbol(cleaned[:-1]) != cleaned[-1]:
        return None
    return cleaned


def display(tracking_id: str) -> str:
    return f"{tracking_id[:5]}-{tracking_id[5:]}"


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str | None, secret_hash: str) -> bool:
    if not secret or len(secret) > 100:
        return False
    return hmac.compare_digest(hash_secret(secret), secret_hash)
