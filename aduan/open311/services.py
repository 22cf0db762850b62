"""Open311 writes: a service request becomes a report through the one intake service;
a service request update becomes a lifecycle transition of the handling agency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.integrations.models import ApiKey
from aduan.open311 import selectors
from aduan.open311.models import Open311Update
from aduan.open311.selectors import Place
from aduan.reports import intake, lifecycle
from aduan.reports.errors import Conflict
from aduan.reports.models import Category, Channel, Report, ReportEvent, ReportType
from aduan.reports.uploads import CleanFile

TITLE_MAX = 100
_MIN_TITLE = 10  # a shorter first line ("Tolong!") says less than the service name


@dataclass
class Created:
    report: Report
    is_new: bool  # False: the agency's external ID was already filed


@dataclass(frozen=True)
class RequestInput:
    """A checked ``POST requests`` (see forms.RequestCreateForm.to_input)."""

    description: str
    address_string: str = ""
    media_url: str = ""
    place: Place | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    report_type: str = ReportType.COMPLAINT
    is_anonymous: bool = False
    is_confidential: bool = False
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    external_id: str = ""


def title_from(description: str, *, service: Category, address: str) -> str:
    """The first line of the description, cut at a word; the service name and place
    when that line says too little."""
    first = next((line.strip() for line in description.splitlines() if line.strip()), "")
    first = " ".join(first.split())
    if len(first) < _MIN_TITLE:
        return " — ".join(p for p in (service.name, address) if p)[:200]
    if len(first) <= TITLE_MAX:
        return first
    cut = first[:TITLE_MAX].rsplit(" ", 1)[0] or first[:TITLE_MAX]
    return cut.rstrip(",.;:") + "…"


def _body(data: RequestInput) -> str:
    """The description, plus what has no column of its own: the street address and a
    media link (kept as text, never fetched: a server-side fetch of a client's URL would
    let anyone make us call their address of choice)."""
    extras = []
    if data.address_string:
        extras.append(f"{_('Alamat')}: {data.address_string}")
    if data.media_url:
        extras.append(f"{_('Media')}: {data.media_url}")
    return "\n\n".join([data.description, "\n".join(extras)] if extras else [data.description])


def request_create(
    *,
    key: ApiKey,
    service: Category,
    data: RequestInput,
    attachments: list[CleanFile],
    now: datetime | None = None,
) -> Created:
    """File the report on behalf of the citizen who used the agency's system; the
    agency is its source and the agency the reporter addressed."""
    place = data.place
    address = data.address_string or (place.region.name if place else "")
    agency = key.agency
    submission = intake.Submission(
        title=title_from(data.description, service=service, address=address),
        body=_body(data),
        channel=Channel.OPEN311,
        type=data.report_type,
        region=place.region if place else None,
        district=place.district if place else None,
        latitude=data.latitude,
        longitude=data.longitude,
        requested_agency=agency if agency.kind != agency.Kind.DESK else None,
        category=service,
        is_anonymous=data.is_anonymous,
        is_confidential=data.is_confidential,
        reporter_name=data.reporter_name[:120],
        reporter_email=data.reporter_email,
        reporter_phone=data.reporter_phone,
        attachments=attachments,
        source_agency=agency,
        external_id=data.external_id,
    )
    try:
        receipt = intake.report_submit(submission=submission, now=now)
    except intake.ExternalIdTaken as taken:
        return Created(report=taken.report, is_new=False)
    return Created(report=receipt.report, is_new=True)


# ---- service request updates ------------------------------------------------------------


class UpdateIdTaken(Exception):
    """The agency already used this update_id for another service request."""


@dataclass
class Posted:
    event: ReportEvent
    is_new: bool  # False: this update_id was posted before; nothing was appended


def update_post(
    *,
    key: ApiKey,
    report: Report,
    action: str,
    message: str,
    update_id: str,
    client_datetime: datetime | None,
    now: datetime | None = None,
) -> Posted:
    """Append the agency system's update as the key's officer ("update" keeps the report
    in progress, "respond" is the follow-up). With an ``update_id`` a resend finds the
    first event: the (agency, update_id) row commits with the event or not at all."""
    if update_id:
        posted = _posted_before(key, report, update_id)
        if posted is not None:
            return posted
    try:
        with transaction.atomic():
            event = lifecycle.transition(
                report,
                action,
                actor=lifecycle.Actor.api_key(key),
                change=lifecycle.Change(message=message),
                now=now or timezone.now(),
            )
            if update_id:
                Open311Update.objects.create(
                    agency=key.agency,
                    update_id=update_id,
                    event=event,
                    client_datetime=client_datetime,
                )
    except (IntegrityError, Conflict):
        # A concurrent resend of the same update won the race: answer with its event.
        posted = _posted_before(key, report, update_id) if update_id else None
        if posted is None:
            raise
        return posted
    return Posted(event=event, is_new=True)


def _posted_before(key: ApiKey, report: Report, update_id: str) -> Posted | None:
    event = selectors.event_of_update(agency_id=key.agency_id, update_id=update_id)
    if event is None:
        return None
    if event.report_id != report.pk:
        raise UpdateIdTaken(update_id)
    return Posted(event=event, is_new=False)
