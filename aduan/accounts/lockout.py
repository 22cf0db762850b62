"""Recording login lockouts (django-axes) in the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from aduan.audit.models import AuditRecord
from aduan.audit.services import audit_record


def record_lockout(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    """One audit record each time a username + address pair gets locked out."""
    name = (username or "")[:150]
    user = get_user_model().objects.filter(username=name).first() if name else None
    audit_record(
        actor=None,
        action=AuditRecord.Action.LOGIN_FAILED_LOCKOUT,
        request=request,
        target_user=user,
        detail={"username": name},
    )
