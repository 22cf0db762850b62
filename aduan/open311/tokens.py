"""Open311 tokens: what ``tokens/{token}`` resolves to a service request ID.

Intake is synchronous, so every POST already returns the ID; the token is offered too,
for clients written against servers that answer with a token first. It is the tracking
ID signed with ``SECRET_KEY`` (nothing secret inside: tracking IDs are public), so a
token cannot be forged to probe for reports, and resolving one needs no table.
"""

from __future__ import annotations

from django.core import signing

from aduan.reports import tracking

_SALT = "aduan.open311.token"
# "." is not in the URL-safe base64 alphabet of the signature, and needs no escaping
# in a URL path.
_SEP = "."


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT, sep=_SEP)


def token_for(tracking_id: str) -> str:
    return _signer().sign(tracking_id)


def tracking_id_for(token: str) -> str | None:
    """The tracking ID inside a token we issued, or None for anything else."""
    if not token or len(token) > 100:
        return None
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return tracking.normalize(value)
