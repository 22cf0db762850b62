"""The one intake service: every channel turns its input into a :class:`Submission`.

A report is acknowledged (tracking ID shown or returned) only after the transaction that
wrote it, its first event and its deadlines has committed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, router, transaction
from django.utils import timezone, translation

from aduan.agencies.models import Agency
from aduan.core.prepared import insert_for
from aduan.regions.models import District, Region
from aduan.reports import hooks, lifecycle, tracking
from aduan.reports.models import Category, Report, ReportEvent, Status
from aduan.reports.redaction import redact, scrub_identity
from aduan.reports.uploads import CleanFile, save_attachments


@dataclass
class Submission:
    title: str
    body: str
    channel: str
    type: str = "complaint"
    incident_date: date | None = None
    region: Region | None = None
    district: District | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    requested_agency: Agency | None = None
    category: Category | None = None
    is_anonymous: bool = False
    is_confidential: bool = False
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    demographics_consent: bool = False
    gender: str = ""
    age_band: str = ""
    has_disability: bool | None = None
    attachments: list[CleanFile] = field(default_factory=list)
    language: str = ""  # empty: the language active for this request
    # Reports filed through an agency's own app carry that agency and its own ID;
    # the pair is unique, so a resend never creates a second report.
    source_agency: Agency | None = None
    external_id: str = ""


@dataclass
class Receipt:
    report: Report
    secret: str

    @property
    def tracking_id(self) -> str:
        return self.report.tracking_id


def report_submit(
    *, submission: Submission, reporter: object = None, now: datetime | None = None
) -> Receipt:
    now = now or timezone.now()
    secret = tracking.new_secret()
    s = submission
    consent = s.demographics_consent
    # People sign their complaints: the public never reads the reporter's own identity.
    identity = {"name": s.reporter_name, "email": s.reporter_email, "phone": s.reporter_phone}
    if getattr(reporter, "is_authenticated", False) and not s.reporter_email:
        identity["email"] = getattr(reporter, "email", "") or ""
    fields = dict(
        secret_hash=tracking.hash_secret(secret),
        type=s.type,
        title=s.title.strip(),
        body=s.body.strip(),
        public_title=redact(scrub_identity(s.title.strip(), **identity)),
        public_body=redact(scrub_identity(s.body.strip(), **identity)),
        incident_date=s.incident_date,
        region=s.region,
        district=s.district,
        latitude=s.latitude,
        longitude=s.longitude,
        requested_agency=s.requested_agency,
        category=s.category,
        is_anonymous=s.is_anonymous,
        is_confidential=s.is_confidential,
        channel=s.channel,
        language=_language(s.language),
        source_agency=s.source_agency,
        external_id=s.external_id.strip(),
        reporter=reporter if getattr(reporter, "is_authenticated", False) else None,
        reporter_name=s.reporter_name.strip(),
        reporter_email=s.reporter_email.strip(),
        reporter_phone=s.reporter_phone.strip(),
        # Demographics are kept only with explicit consent (UU 27/2022).
        demographics_consent=consent,
        gender=s.gender if consent else "",
        age_band=s.age_band if consent else "",
        has_disability=s.has_disability if consent else None,
        status=Status.SUBMITTED,
        submitted_at=now,
        **lifecycle.submitted_deadlines(now),
    )
    for _attempt in range(5):
        try:
            report = _write(fields, s.attachments, now)
        except _TrackingIdClash:
            continue  # nothing of this attempt was kept: try another tracking ID
        return Receipt(report=report, secret=secret)
    raise RuntimeError("could not allocate a unique tracking ID")


class _TrackingIdClash(Exception):
    pass


def _write(fields: dict[str, Any], attachments: list[CleanFile], now: datetime) -> Report:
    """One attempt: the report, its deferred work queued, its first event, attachments.

    Inside a caller's transaction this block is a savepoint only when a clash must be
    survivable there (an agency's external ID, which a concurrent resend may take); a
    tracking-ID clash (45 random bits) inside a caller's transaction fails the request.
    On its own the block is the transaction and a clash is retried in a fresh one.
    """
    external = bool(fields.get("external_id"))
    nested = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic(savepoint=external):
            existing = _existing_external(fields)
            if existing is not None:
                raise ExternalIdTaken(existing)
            try:
                report = Report(tracking_id=tracking.new_tracking_id(), **fields)
                # Every submission writes one: its ~40-column INSERT is written once.
                insert_for(Report._meta.label)(report, using=router.db_for_write(Report))
            except IntegrityError as exc:
                if nested and not external:
                    raise  # no savepoint to retry from: the caller's transaction is spoilt
                raise _TrackingIdClash from exc  # leaving the block rolls it back
            # Before the event: the task row is written before the chain head is locked.
            queued = hooks.queue_after_submit([report.pk])
            event = ReportEvent.objects.create(
                report=report,
                action="submit",
                from_status="",
                to_status=Status.SUBMITTED,
                actor_kind=ReportEvent.ActorKind.REPORTER,
                visibility=ReportEvent.Visibility.PUBLIC,
                created_at=now,
            )
            save_attachments(report=report, event=event, files=attachments, now=now)
            hooks.event_recorded(event)
            if not queued:
                hooks.run_inline([report.pk])
            return report
    except _TrackingIdClash:
        # Or was it a concurrent resend of the same external ID?
        existing = _existing_external(fields)
        if existing is not None:
            raise ExternalIdTaken(existing) from None
        raise


def _language(requested: str) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    code = (requested or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in known else settings.LANGUAGE_CODE


class ExternalIdTaken(Exception):
    """The agency already filed a report with this external ID (a resend)."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.tracking_id)
        self.report = report


def _existing_external(fields: dict[str, Any]) -> Report | None:
    if not fields.get("external_id"):
        return None
    return Report.objects.filter(
        source_agency=fields["source_agency"], external_id=fields["external_id"]
    ).first()
