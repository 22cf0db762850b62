"""What an agency's system sends to the agency API: list filters, action inputs, and
reports filed on behalf of citizens (with the receipt it gets back)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aduan.agencies.models import Agency
from aduan.core.api import CodeField
from aduan.integrations.models import ApiKey
from aduan.reports import lifecycle
from aduan.reports.models import Category, ReportType, Status
from aduan.reports.serializers import ReportCreateMultipartSerializer, ReportCreateSerializer
from aduan.reports.uploads import CleanFile, UploadError, clean_uploads

# ---- list query ---------------------------------------------------------------------------


class AgencyReportListQuerySerializer(serializers.Serializer):
    """Query parameters of ``GET /api/v1/agency/reports``."""

    status = serializers.CharField(
        required=False,
        help_text="One status or several separated by commas, e.g. "
        "`dispatched,in_progress`. Values: " + ", ".join(f"`{s}`" for s in Status.values) + ".",
    )
    unit = CodeField(
        queryset=Agency.objects.all(),
        help_text="Code of a work unit inside your agency; includes its own units.",
        error_messages={"does_not_exist": _("Tidak ada instansi berkode “{value}”.")},
    )
    category = CodeField(
        queryset=Category.objects.all(),
        error_messages={"does_not_exist": _("Tidak ada kategori berkode “{value}”.")},
    )
    type = serializers.ChoiceField(choices=ReportType.choices, required=False)
    overdue = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="`true`: open reports past their current deadline; `false`: the others.",
    )
    updated_since = serializers.DateTimeField(
        required=False,
        help_text="ISO 8601 date-time, e.g. `2026-01-31T00:00:00+07:00`: reports changed at "
        "or after it (for sync; pass the last `updated_at` you stored).",
    )

    def to_internal_value(self, data: Any) -> Any:
        value = data.get("updated_since") if hasattr(data, "get") else None
        if isinstance(value, str) and "T" in value and " " in value.strip():
            # An unencoded "+07:00" arrives as " 07:00" in a query string.
            data = data.copy()
            data["updated_since"] = value.strip().replace(" ", "+")
        return super().to_internal_value(data)

    def validate_status(self, value: str) -> list[str]:
        statuses = [s.strip() for s in value.split(",") if s.strip()]
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise serializers.ValidationError(
                _("Status tidak dikenal: %(values)s.") % {"values": ", ".join(unknown)}
            )
        return statuses

    def validate_unit(self, value: Agency | None) -> Agency | None:
        key: ApiKey = self.context["key"]
        if value is not None and not value.is_within(key.agency):
            raise serializers.ValidationError(_("Unit ini tidak berada di bawah instansi Anda."))
        return value


# ---- action inputs ------------------------------------------------------------------------


class AttachmentsMixin(serializers.Serializer):
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        help_text="multipart/form-data only: JPG, PNG or PDF files (at most 5, 5 MB each); "
        "image metadata (EXIF, GPS) is removed.",
    )

    def validate_attachments(self, value: list[UploadedFile]) -> list[CleanFile]:
        try:
            return clean_uploads(value)
        except UploadError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class ActionInput(serializers.Serializer):
    """Base of the action inputs: the lifecycle ``Change`` and a fingerprint."""

    def change(self) -> lifecycle.Change:
        return lifecycle.Change()

    def fingerprint_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in self.validated_data.items():
            if name == "attachments":
                out[name] = [f.sha256 for f in value]
            elif isinstance(value, Agency):
                out[name] = value.code
            else:
                out[name] = value
        return out


class AcceptInput(ActionInput):
    pass


class ForwardInput(ActionInput):
    agency = CodeField(
        queryset=Agency.objects.all(),
        required=True,
        allow_null=False,
        help_text="Code of a work unit inside your agency, e.g. `32.73.DINKES`.",
        error_messages={"does_not_exist": _("Tidak ada instansi berkode “{value}”.")},
    )

    def change(self) -> lifecycle.Change:
        return lifecycle.Change(agency=self.validated_data["agency"])


class MessageInput(ActionInput):
    message = serializers.CharField(max_length=10_000)

    def change(self) -> lifecycle.Change:
        return lifecycle.Change(message=self.validated_data["message"])


class UpdateInput(AttachmentsMixin, MessageInput):
    """An interim update: the reporter and the public read it (personal data masked)."""

    def change(self) -> lifecycle.Change:
        d = self.validated_data
        return lifecycle.Change(message=d["message"], attachments=d.get("attachments", []))


class RespondInput(UpdateInput):
    attachments_public = serializers.BooleanField(
        default=False,
        help_text="Let the public see the attachments (leave false when they carry "
        "personal data; the reporter always sees them).",
    )

    def change(self) -> lifecycle.Change:
        d = self.validated_data
        return lifecycle.Change(
            message=d["message"],
            attachments=d.get("attachments", []),
            attachments_public=d["attachments_public"],
        )


class ReturnToDeskInput(ActionInput):
    reason = serializers.CharField(
        max_length=10_000,
        help_text="Why it is not your agency's authority and, if known, which agency is.",
    )

    def change(self) -> lifecycle.Change:
        return lifecycle.Change(reason="not_authority", message=self.validated_data["reason"])


class NoteInput(MessageInput):
    """An internal note: staff only, never shown to the reporter or the public."""


# ---- submit on behalf of a citizen --------------------------------------------------------


class ExternalIdMixin(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=100,
        help_text="The report's ID in your own app. Sending the same ID again never "
        "creates a second report: the answer is `200` with `duplicate: true`.",
    )


class AgencyReportCreateSerializer(ExternalIdMixin, ReportCreateSerializer):
    """A report a citizen filed in the agency's own app, sent as JSON."""


class AgencyReportCreateMultipartSerializer(ExternalIdMixin, ReportCreateMultipartSerializer):
    """The same, as multipart/form-data with files in ``attachments``."""


class AgencyReceiptSerializer(serializers.Serializer):
    tracking_id = serializers.CharField(help_text="Display form, e.g. `ABCDE-FGHJK`.")
    tracking_id_raw = serializers.CharField(help_text="Canonical form, e.g. `ABCDEFGHJK`.")
    duplicate = serializers.BooleanField(
        help_text="True when this external_id was sent before: the answer names the "
        "existing report (status `200`), and nothing new was created."
    )
    external_id = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    private_url = serializers.CharField(
        allow_null=True,
        help_text="The reporter's private tracking link; give it to the citizen. Only in "
        "the first answer (and its Idempotency-Key replays); null for a duplicate.",
    )
    secret = serializers.CharField(
        allow_null=True,
        help_text="The reporter's secret (`X-Report-Secret` of the public API, to act as "
        "the reporter: reply, close, rate). Only in the first answer; null for a duplicate.",
    )
