"""The spec's objects as plain dicts, rendered as JSON or XML by :mod:`formats`.

IDs and codes are strings everywhere (the spec's text says so; its JSON examples with
bare numbers such as ``006`` are not even valid JSON); coordinates are numbers; a value
that does not exist is ``null`` (an empty element in XML). None of these objects has a
field for the reporter's identity, and none is added.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.open311 import formats
from aduan.open311.selectors import CLOSED_STATUSES
from aduan.reports import lifecycle
from aduan.reports.effects import RejectionReason
from aduan.reports.models import Report, ReportEvent, Status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Bump when what these endpoints answer changes in a way clients should notice.
CHANGESET = "2026-11-30T00:00:00+07:00"


def w3c(value: datetime | None) -> str | None:
    """W3C date-time with the offset, in the deployment's time zone (WIB by default)."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def discovery() -> dict[str, Any]:
    site = settings.SITE_URL
    contact = getattr(settings, "ADUAN_OPEN311_CONTACT", "") or _(
        "Hubungi admin nasional melalui %(site)s"
    ) % {"site": site}
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _(
            "Admin instansi membuat kunci API di %(url)s (cakupan read untuk membaca, "
            "write untuk mengirim laporan dan perkembangan)."
        )
        % {"url": f"{site}/petugas/kunci-api/"},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{site}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": formats.MIME_TYPES,
            }
        ],
    }


def _address(report: Report) -> str | None:
    parts = [p.name for p in (report.district, report.region) if p is not None]
    return ", ".join(parts) or None


def _address_id(report: Report) -> str | None:
    if report.district_id:
        return str(report.district_id)
    return str(report.region_id) if report.region_id else None


def _coordinate(value: Any) -> float | None:
    return float(value) if value is not None else None


def _notice(report: Report) -> str:
    """The Indonesian status in words; ``status`` itself is only open or closed."""
    label = str(report.get_status_display())
    if report.status == Status.REJECTED:
        reason = dict(RejectionReason.CHOICES).get(report.rejection_reason)
        if reason:
            return f"{label}: {reason}"
    if report.agency is not None and report.status not in (Status.SUBMITTED, Status.CLOSED):
        return f"{label} — {report.agency.name}"
    return label


def request_item(report: Report) -> dict[str, Any]:
    """One report as a service request (selectors.request_list has loaded what it needs)."""
    category = report.category
    return {
        "service_request_id": report.tracking_id,
        "status": open311_status(report.status),
        "status_notes": getattr(report, "status_notes", None) or None,
        "service_name": category.name if category else None,
        "service_code": category.code if category else None,
        "description": report.public_body or None,
        "agency_responsible": report.agency.name if report.agency else None,
        "service_notice": _notice(report),
        "requested_datetime": w3c(report.submitted_at),
        "updated_datetime": w3c(report.updated_at),
        "expected_datetime": w3c(report.completion_due_at),
        "address": _address(report),
        "address_id": _address_id(report),
        "zipcode": None,
        "lat": _coordinate(report.latitude),
        "long": _coordinate(report.longitude),
        "media_url": None,
    }


def receipt_item(*, tracking_id: str, token: str, notice: str) -> dict[str, Any]:
    """The answer to ``POST requests``: the ID at once (intake is synchronous) and, for
    clients that expect one, a token that ``tokens/{token}`` resolves to the same ID."""
    return {
        "service_request_id": tracking_id,
        "token": token,
        "service_notice": notice,
        "account_id": None,
    }


def token_item(*, tracking_id: str, token: str) -> dict[str, Any]:
    return {"service_request_id": tracking_id, "token": token}


def _update_description(event: ReportEvent) -> str:
    if event.public_message:
        return event.public_message
    if event.visibility == ReportEvent.Visibility.PARTIES and event.message:
        # Only reaches the handling agency's system (see selectors.update_list).
        return event.message
    return str(lifecycle.action_label(event.action))


def update_item(event: ReportEvent) -> dict[str, Any]:
    return {
        "update_id": str(event.pk),
        "service_request_id": event.report.tracking_id,
        "status": open311_status(event.to_status),
        "updated_datetime": w3c(event.created_at),
        "description": _update_description(event),
        "media_url": None,
    }
