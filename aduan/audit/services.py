"""Writing the audit trail: one function, called where the sensitive act happens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from aduan.audit.models import AuditRecord

Action = AuditRecord.Action


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: Any,
    action: str,
    request: HttpRequest | None = None,
    report: Any = None,
    agency: Any = None,
    target_user: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditRecord:
    return AuditRecord.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        report=report,
        agency=agency,
        target_user=target_user,
        detail=detail or {},
        ip_address=client_ip(request),
        created_at=timezone.now(),
    )
