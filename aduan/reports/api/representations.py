"""One report, three representations: what anyone sees of a confidential report (its
status), what the public sees, and what the reporter holding the secret sees.

None of them carries the reporter's identity: the public never sees it, and the reporter
knows who they are.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aduan.reports import reporter_actions, tracking
from aduan.reports.lifecycle import RejectionReason, action_label
from aduan.reports.models import Report, ReportEvent
from aduan.reports.serializers import NamedRefSerializer, TrackingIdMixin

# "submit" is written by intake, not by a lifecycle transition, so it has no rule label.
_ACTION_LABELS = {"submit": _("Laporan diterima")}

VIEW_STATUS = "status"
VIEW_PUBLIC = "public"
VIEW_REPORTER = "reporter"


class TimelineStatusEntrySerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")

    def get_label(self, obj: ReportEvent) -> str:
        return str(_ACTION_LABELS.get(obj.action) or action_label(obj.action))

    def to_representation(self, instance: ReportEvent) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["from_status"] = data["from_status"] or None
        return data


class TimelineEntrySerializer(TimelineStatusEntrySerializer):
    message = serializers.SerializerMethodField(
        help_text="Public (redacted) message; for the reporter, the message as written."
    )

    def get_message(self, obj: ReportEvent) -> str | None:
        if self.context.get("view") == VIEW_REPORTER:
            return obj.message or obj.public_message or None
        return obj.public_message or None


class DeadlinesSerializer(serializers.Serializer):
    first_response_due_at = serializers.DateTimeField(allow_null=True)
    completion_due_at = serializers.DateTimeField(allow_null=True)


class ReportStatusViewSerializer(TrackingIdMixin):
    """All anyone sees of a confidential report."""

    view = serializers.SerializerMethodField(help_text="Which view this is.")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    timeline = serializers.SerializerMethodField()

    def get_view(self, obj: Report) -> str:
        return str(self.context["view"])

    @extend_schema_field(TimelineStatusEntrySerializer(many=True))
    def get_timeline(self, obj: Report) -> list[dict[str, Any]]:
        events = self.context["events"]
        return list(TimelineStatusEntrySerializer(events, many=True, context=self.context).data)


class ReportPublicViewSerializer(ReportStatusViewSerializer):
    type = serializers.CharField()
    type_label = serializers.CharField(source="get_type_display")
    public_title = serializers.SerializerMethodField(
        help_text="Redacted title; null until the national desk has verified the report "
        "(unvetted text is not published)."
    )
    public_body = serializers.SerializerMethodField(
        help_text="Redacted text; null until the national desk has verified the report."
    )
    agency = NamedRefSerializer(allow_null=True)
    category = NamedRefSerializer(allow_null=True)
    region = NamedRefSerializer(allow_null=True)
    district = NamedRefSerializer(allow_null=True)
    deadlines = DeadlinesSerializer(source="*")
    rejection_reason = serializers.SerializerMethodField()
    rejection_reason_label = serializers.SerializerMethodField()

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, obj: Report) -> list[dict[str, Any]]:
        events = self.context["events"]
        return list(TimelineEntrySerializer(events, many=True, context=self.context).data)

    def get_public_title(self, obj: Report) -> str | None:
        return obj.public_title if self.context["show_text"] else None

    def get_public_body(self, obj: Report) -> str | None:
        return obj.public_body if self.context["show_text"] else None

    def get_rejection_reason(self, obj: Report) -> str | None:
        return obj.rejection_reason or None

    def get_rejection_reason_label(self, obj: Report) -> str | None:
        labels = dict(RejectionReason.CHOICES)
        label = labels.get(obj.rejection_reason)
        return str(label) if label else None


class ReportReporterViewSerializer(ReportPublicViewSerializer):
    """What the reporter holding the secret sees: the text as written and the
    conversation with the desk and agency. Still no identity: they know who they are."""

    title = serializers.CharField()
    body = serializers.CharField()
    incident_date = serializers.DateField(allow_null=True)
    is_anonymous = serializers.BooleanField()
    is_confidential = serializers.BooleanField()
    available_actions = serializers.SerializerMethodField(
        help_text="What the reporter may do now: "
        "`POST /api/v1/reports/{tracking_id}/actions/{action}`."
    )
    rating = serializers.IntegerField(allow_null=True, help_text="The reporter's rating, 1–5.")
    resolved = serializers.BooleanField(
        allow_null=True, help_text="The reporter's answer to “was it resolved?”."
    )

    def get_available_actions(self, obj: Report) -> list[str]:
        return reporter_actions.offered_actions(obj)


VIEW_SERIALIZERS: dict[str, type[ReportStatusViewSerializer]] = {
    VIEW_STATUS: ReportStatusViewSerializer,
    VIEW_PUBLIC: ReportPublicViewSerializer,
    VIEW_REPORTER: ReportReporterViewSerializer,
}


def render_report_with_serializers(
    report: Report, *, view: str, events: list[ReportEvent], show_text: bool
) -> dict[str, Any]:
    """The serializers' output: the API schema's definition of each view."""
    context = {"view": view, "events": events, "show_text": show_text}
    return dict(VIEW_SERIALIZERS[view](report, context=context).data)


# The tracking lookup is the hottest read: the serializers above document it (OpenAPI)
# and :func:`render_report` writes the same output by hand, in the same field order, with
# DRF's own field formatting; ``tests/test_api_reports_read.py`` holds the two equal. The
# serializers built ~60 field objects per lookup: 40 % of its CPU.
_DATETIME = serializers.DateTimeField()
_DATE = serializers.DateField()


# Labels by value, built once: Model.get_FOO_display() rebuilds the field's choices as a
# dict on every call. The labels stay lazy, so each lookup gets its own language.
_REJECTION_LABELS = dict(RejectionReason.CHOICES)


def _at(value: Any) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"code": str(obj.code), "name": str(obj.name)}


def _timeline(events: list[ReportEvent], view: str) -> list[dict[str, Any]]:
    out = []
    for event in events:
        entry: dict[str, Any] = {
            "action": str(event.action),
            "label": str(_ACTION_LABELS.get(event.action) or action_label(event.action)),
            "from_status": event.from_status or None,
            "to_status": str(event.to_status),
            "at": _at(event.created_at),
        }
        if view == VIEW_REPORTER:
            entry["message"] = event.message or event.public_message or None
        elif view == VIEW_PUBLIC:
            entry["message"] = event.public_message or None
        out.append(entry)
    return out


def render_report(
    report: Report, *, view: str, events: list[ReportEvent], show_text: bool
) -> dict[str, Any]:
    """``show_text``: whether the (redacted) public text may be shown to this viewer."""
    data: dict[str, Any] = {
        "tracking_id": tracking.display(report.tracking_id),
        "tracking_id_raw": str(report.tracking_id),
        "view": view,
        "status": str(report.status),
        "status_label": report.get_status_display(),
        "submitted_at": _at(report.submitted_at),
        "updated_at": _at(report.updated_at),
        "timeline": _timeline(events, view),
    }
    if view == VIEW_STATUS:
        return data
    label = _REJECTION_LABELS.get(report.rejection_reason)
    data.update(
        type=str(report.type),
        type_label=report.get_type_display(),
        public_title=report.public_title if show_text else None,
        public_body=report.public_body if show_text else None,
        agency=_ref(report.agency),
        category=_ref(report.category),
        region=_ref(report.region),
        district=_ref(report.district),
        deadlines={
            "first_response_due_at": _at(report.first_response_due_at),
            "completion_due_at": _at(report.completion_due_at),
        },
        rejection_reason=report.rejection_reason or None,
        rejection_reason_label=str(label) if label else None,
    )
    if view == VIEW_PUBLIC:
        return data
    data.update(
        title=str(report.title),
        body=str(report.body),
        incident_date=None
        if report.incident_date is None
        else _DATE.to_representation(report.incident_date),
        is_anonymous=bool(report.is_anonymous),
        is_confidential=bool(report.is_confidential),
        available_actions=reporter_actions.offered_actions(report),
        rating=None if report.rating is None else int(report.rating),
        resolved=None if report.resolved is None else bool(report.resolved),
    )
    return data
