"""What an agency's system reads from the agency API (inputs are in ``inputs``).

The full view of a report is the one its officers see on the staff pages: the text as
written, deadlines and the whole timeline with internal notes. It never carries what only
the national desk may see: the identity of an anonymous reporter (``reporter`` is null and
``is_anonymous`` true), the optional demographics, the reporter's account or secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aduan.integrations.models import ApiKey
from aduan.reports import access, lifecycle
from aduan.reports.lifecycle import Actor, action_label
from aduan.reports.models import (
    OPEN_STATUSES,
    Attachment,
    Report,
    ReportEvent,
)
from aduan.reports.serializers import (
    NamedRefSerializer,
    TrackingIdMixin,
)
from aduan.reports.uploads import ALLOWED_TYPES

ActorKind = ReportEvent.ActorKind

# Lifecycle action → the API's path segment.
API_ACTIONS = {
    "accept": "accept",
    "forward": "forward",
    "update": "update",
    "respond": "respond",
    "return_to_desk": "return-to-desk",
    "note": "notes",
}


def overdue(report: Report, now: datetime) -> bool:
    return report.status in OPEN_STATUSES and report.due_at is not None and report.due_at < now


# ---- output -------------------------------------------------------------------------------


class AgencyRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AgencyReportListItemSerializer(TrackingIdMixin):
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    type = serializers.CharField()
    title = serializers.SerializerMethodField(
        help_text="The title as the reporter wrote it (an anonymous reporter's own name, "
        "e-mail and phone taken out)."
    )
    agency = AgencyRefSerializer(allow_null=True, help_text="The handling agency or unit.")
    category = NamedRefSerializer(allow_null=True)
    region = NamedRefSerializer(allow_null=True)
    is_anonymous = serializers.BooleanField()
    is_confidential = serializers.BooleanField()
    external_id = serializers.SerializerMethodField(
        help_text="Your own app's ID, for reports your agency filed through the API."
    )
    due_at = serializers.DateTimeField(
        allow_null=True, help_text="Deadline of the current step (first response, completion)."
    )
    overdue = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(help_text="Cursor order; use for `updated_since`.")

    def get_external_id(self, obj: Report) -> str | None:
        key: ApiKey = self.context["key"]
        if obj.external_id and access.api_key_owns_source(key, obj):
            return obj.external_id
        return None

    def get_overdue(self, obj: Report) -> bool:
        return overdue(obj, self.context["now"])

    def _text(self, obj: Report, field: str) -> str:
        can_see = access.api_key_can_see_reporter(self.context["key"], obj)
        return access.staff_text(obj, field, can_see_reporter=can_see)

    def get_title(self, obj: Report) -> str:
        return self._text(obj, "title")


class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class AgencyAttachmentSerializer(serializers.Serializer):
    name = serializers.SerializerMethodField(
        help_text="File name; files of an anonymous reporter get a neutral name."
    )
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    is_public = serializers.BooleanField()
    url = serializers.SerializerMethodField(help_text="Download with the same API key.")

    def get_name(self, obj: Attachment) -> str:
        return attachment_name(obj, can_see_reporter=self.context["can_see_reporter"])

    def get_url(self, obj: Attachment) -> str:
        path = reverse("agency-api:report-attachment", args=[obj.report.tracking_id, obj.token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def attachment_name(attachment: Attachment, *, can_see_reporter: bool) -> str:
    """Anonymous reporters' files often carry their name ("KTP_<name>.jpg")."""
    event = attachment.event
    from_reporter = event is None or event.actor_kind == ActorKind.REPORTER
    if can_see_reporter or not from_reporter:
        return attachment.original_name
    extension = ALLOWED_TYPES.get(attachment.content_type, "bin")
    return f"lampiran-pelapor-{attachment.token[:8]}.{extension}"


class EventActorSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="`staff`, `reporter` or `system`.")
    name = serializers.CharField(
        allow_null=True,
        help_text="Who acted, for staff of your own agency and API keys (`api-key:<prefix>`); "
        "null for the reporter, the system and other agencies' staff.",
    )
    agency = AgencyRefSerializer(allow_null=True)


class AgencyTimelineEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    from_status = serializers.SerializerMethodField()
    to_status = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")
    actor = serializers.SerializerMethodField()
    agency = AgencyRefSerializer(allow_null=True, help_text="Handling agency after the event.")
    reason = serializers.SerializerMethodField()
    message = serializers.SerializerMethodField(help_text="The message as written.")
    public_message = serializers.SerializerMethodField(
        help_text="What the public sees (personal data masked), if published."
    )
    visibility = serializers.ChoiceField(
        choices=ReportEvent.Visibility.choices,
        help_text="`public`, `parties` (reporter and staff) or `staff` (internal note).",
    )
    attachments = serializers.SerializerMethodField()

    def get_label(self, obj: ReportEvent) -> str:
        return str(action_label(obj.action))

    def get_from_status(self, obj: ReportEvent) -> str | None:
        return obj.from_status or None

    @extend_schema_field(EventActorSerializer)
    def get_actor(self, obj: ReportEvent) -> dict[str, Any]:
        key: ApiKey = self.context["key"]
        name = None
        own = obj.actor_agency is not None and obj.actor_agency.is_within(key.agency)
        if obj.actor_kind == ActorKind.STAFF:
            if obj.actor_label:
                name = obj.actor_label
            elif own and obj.actor is not None:
                name = obj.actor.get_full_name() or obj.actor.get_username()
        agency = obj.actor_agency
        return {
            "kind": obj.actor_kind,
            "name": name,
            "agency": {"code": agency.code, "name": agency.name} if agency else None,
        }

    def get_reason(self, obj: ReportEvent) -> str | None:
        return obj.reason or None

    def get_message(self, obj: ReportEvent) -> str | None:
        return obj.message or None

    def get_public_message(self, obj: ReportEvent) -> str | None:
        return obj.public_message or None

    @extend_schema_field(AgencyAttachmentSerializer(many=True))
    def get_attachments(self, obj: ReportEvent) -> list[dict[str, Any]]:
        files = list(obj.attachments.all())
        return list(AgencyAttachmentSerializer(files, many=True, context=self.context).data)


class AgencyDeadlinesSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField(
        allow_null=True, help_text="Deadline of the current step (what is due next)."
    )
    first_response_due_at = serializers.DateTimeField(allow_null=True)
    completion_due_at = serializers.DateTimeField(allow_null=True)
    auto_at = serializers.DateTimeField(
        allow_null=True, help_text="When the system acts by itself (e.g. closes after a response)."
    )
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, obj: Report) -> bool:
        return overdue(obj, self.context["now"])


class AgencyReportSerializer(AgencyReportListItemSerializer):
    """One report as the agency's officers see it."""

    type_label = serializers.CharField(source="get_type_display")
    needs_inspection = serializers.BooleanField()
    body = serializers.SerializerMethodField(
        help_text="The text as the reporter wrote it (an anonymous reporter's own name, "
        "e-mail and phone taken out)."
    )
    public_title = serializers.CharField(help_text="Title as published (personal data masked).")
    public_body = serializers.CharField(help_text="Text as published (personal data masked).")
    incident_date = serializers.DateField(allow_null=True)
    district = NamedRefSerializer(allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    requested_agency = AgencyRefSerializer(
        allow_null=True, help_text="The agency the reporter chose, if any."
    )
    channel = serializers.CharField()
    reporter = serializers.SerializerMethodField(
        help_text="Null when the reporter is anonymous: only the national desk sees them."
    )
    deadlines = serializers.SerializerMethodField()
    verified_at = serializers.DateTimeField(allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)
    first_response_at = serializers.DateTimeField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    bounce_count = serializers.IntegerField(help_text="Times returned to the desk.")
    rejection_reason = serializers.SerializerMethodField()
    rating = serializers.IntegerField(allow_null=True)
    resolved = serializers.BooleanField(allow_null=True)
    available_actions = serializers.SerializerMethodField(
        help_text="What this key may do now: `POST /api/v1/agency/reports/{tracking_id}/{action}`."
    )
    attachments = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    def get_body(self, obj: Report) -> str:
        return self._text(obj, "body")

    @extend_schema_field(ReporterSerializer(allow_null=True))
    def get_reporter(self, obj: Report) -> dict[str, str] | None:
        if not access.api_key_can_see_reporter(self.context["key"], obj):
            return None
        return {"name": obj.reporter_name, "email": obj.reporter_email, "phone": obj.reporter_phone}

    @extend_schema_field(AgencyDeadlinesSerializer)
    def get_deadlines(self, obj: Report) -> dict[str, Any]:
        return dict(AgencyDeadlinesSerializer(obj, context=self.context).data)

    def get_rejection_reason(self, obj: Report) -> str | None:
        return obj.rejection_reason or None

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(API_ACTIONS.values())))
    )
    def get_available_actions(self, obj: Report) -> list[str]:
        allowed = lifecycle.allowed_actions(obj, Actor.api_key(self.context["key"]))
        return [API_ACTIONS[a] for a in allowed if a in API_ACTIONS]

    @extend_schema_field(AgencyAttachmentSerializer(many=True))
    def get_attachments(self, obj: Report) -> list[dict[str, Any]]:
        files = sorted(obj.attachments.all(), key=lambda a: a.pk)
        events = {e.pk: e for e in obj.events.all()}
        for a in files:  # reuse the prefetched events instead of one query per file
            if a.event_id in events:
                a.event = events[a.event_id]
            a.report = obj
        return list(AgencyAttachmentSerializer(files, many=True, context=self.context).data)

    @extend_schema_field(AgencyTimelineEntrySerializer(many=True))
    def get_timeline(self, obj: Report) -> list[dict[str, Any]]:
        events = list(obj.events.all())
        for e in events:
            for a in e.attachments.all():
                a.event = e
                a.report = obj
        return list(AgencyTimelineEntrySerializer(events, many=True, context=self.context).data)


def report_context(key: ApiKey, report: Report | None, request: Any = None) -> dict[str, Any]:
    can_see = report is not None and access.api_key_can_see_reporter(key, report)
    return {"key": key, "now": timezone.now(), "can_see_reporter": can_see, "request": request}


# ---- action result ------------------------------------------------------------------------


class ActionEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField(help_text="Lifecycle action, e.g. `respond`.")
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    at = serializers.DateTimeField(source="created_at")
    actor_label = serializers.CharField(help_text="`api-key:<prefix>` of the key that acted.")

    def get_label(self, obj: ReportEvent) -> str:
        return str(action_label(obj.action))


class AgencyActionResultSerializer(TrackingIdMixin):
    """The report's state after the action, and the event it wrote."""

    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    agency = AgencyRefSerializer(allow_null=True, help_text="Null once returned to the desk.")
    event = serializers.SerializerMethodField()

    @extend_schema_field(ActionEventSerializer)
    def get_event(self, obj: Report) -> dict[str, Any]:
        return dict(ActionEventSerializer(self.context["event"]).data)
