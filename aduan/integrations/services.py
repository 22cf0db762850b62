"""Issuing and revoking API keys on someone's behalf, with an audit record each time
(from the staff page or the command line)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from aduan.agencies.models import Agency
from aduan.audit.models import AuditRecord
from aduan.audit.services import audit_record
from aduan.integrations.keys import key_create, key_revoke
from aduan.integrations.models import ApiKey

# Until the audit model lists them (the field is a plain CharField, so the values are
# stored as they are either way).
API_KEY_CREATE = str(getattr(AuditRecord.Action, "API_KEY_CREATE", "api_key_create"))
API_KEY_REVOKE = str(getattr(AuditRecord.Action, "API_KEY_REVOKE", "api_key_revoke"))


def _detail(key: ApiKey, via: str) -> dict[str, Any]:
    return {"prefix": key.prefix, "name": key.name, "scopes": list(key.scopes), "via": via}


def api_key_issue(
    *,
    agency: Agency,
    name: str,
    scopes: list[str],
    by: Any = None,
    request: HttpRequest | None = None,
    via: str = "web",
) -> tuple[ApiKey, str]:
    """A new key and its raw secret (shown once, never stored)."""
    with transaction.atomic():
        key, raw = key_create(agency=agency, name=name, scopes=scopes, created_by=by)
        audit_record(
            actor=by,
            action=API_KEY_CREATE,
            request=request,
            agency=agency,
            detail=_detail(key, via),
        )
    return key, raw


def api_key_withdraw(
    *, key: ApiKey, by: Any = None, request: HttpRequest | None = None, via: str = "web"
) -> bool:
    """Revoke a key; False when it was already revoked (nothing is written then)."""
    if not key.is_active:
        return False
    with transaction.atomic():
        key_revoke(key=key)
        audit_record(
            actor=by,
            action=API_KEY_REVOKE,
            request=request,
            agency=key.agency,
            detail=_detail(key, via),
        )
    return True
