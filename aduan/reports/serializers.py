"""Serializers of the public REST API v1 for reports: what a client may send to file a
report or to filter the public list, the receipt, and the list items. The three views of
one report live in :mod:`aduan.reports.api.representations`.

No serializer here ever renders the reporter's identity: the public API serves the public
and the reporter holding the secret link, and neither needs it.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from aduan.agencies.models import Agency
from aduan.core.api import CodeField
from aduan.regions.models import WIT, District, Region
from aduan.reports import access, intake, tracking
from aduan.reports.lifecycle import action_label
from aduan.reports.models import AgeBand, Category, Gender, Report, ReportEvent, ReportType
from aduan.reports.uploads import CleanFile, UploadError, clean_uploads

# Loose on purpose: people write "0812-3456-7890", "+62 812 3456 7890", "022 4231234".
_PHONE_CHARS = re.compile(r"^\+?[0-9][0-9 \-]*$")
# How long a web process keeps a region or district it looked up (aduan.core.api.PreparedCode).
REFERENCE_KEEP_SECONDS = 300


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARS.match(value) or not 8 <= len(digits) <= 15:
        raise serializers.ValidationError(
            _("Nomor telepon hanya boleh berisi angka, “+”, spasi atau tanda hubung, 8–15 angka.")
        )


# ---- input ------------------------------------------------------------------------------


class AgencyCodeField(CodeField):
    default_error_messages = {
        **CodeField.default_error_messages,
        "inactive": _("Instansi “{value}” sudah tidak aktif."),
        "desk": _("Admin nasional bukan instansi tujuan; kosongkan isian ini bila ragu."),
    }

    def to_internal_value(self, data: Any) -> Agency:
        agency = cast(Agency, super().to_internal_value(data))
        if not agency.is_active:
            self.fail("inactive", value=agency.code)
        if agency.kind == Agency.Kind.DESK:
            self.fail("desk")
        return agency


class CoordinateField(serializers.FloatField):
    """Degrees as a JSON number; phones send 15 decimals, we keep 6 (about 10 cm)."""

    def to_internal_value(self, data: Any) -> Decimal:  # type: ignore[override]
        value = super().to_internal_value(data)
        # Range first: a huge number (1e30) cannot be rounded to 6 decimals at all.
        self.run_validators(value)
        return Decimal(repr(value)).quantize(Decimal("0.000001"))


# A serializer whose fields are shallow copies of the declared ones (a comment, not a
# docstring: the API schema would describe every serializer with it).
#
# DRF deep-copies every declared field for each serializer instance, which rebuilds each
# field from deep copies of its arguments (querysets, choices, validators): 1.2 ms of every
# submission. The declared fields are never used themselves, and validation writes only to
# the copy (its name and parent when bound, its validators when first read), so a shallow
# copy is enough; what the copies share (choices, error messages, querysets, prepared
# lookups) is only read. A nested serializer is rebuilt (cheap: it has no arguments to
# copy): a shallow copy would share the bound fields it keeps once asked for them.
class ShallowFieldsMixin:
    _declared_fields: dict[str, serializers.Field]

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer)
            else copy.copy(field)
            for name, field in self._declared_fields.items()
        }


class ReporterInputSerializer(ShallowFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, validators=[validate_phone]
    )


class DemographicsInputSerializer(ShallowFieldsMixin, serializers.Serializer):
    consent = serializers.BooleanField(
        default=False,
        help_text="Consent to keep the optional data below (UU 27/2022); without it the "
        "other fields are discarded.",
    )
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    age_band = serializers.ChoiceField(choices=AgeBand.choices, required=False, allow_blank=True)
    has_disability = serializers.BooleanField(required=False, allow_null=True, default=None)


class ReportCreateSerializer(ShallowFieldsMixin, serializers.Serializer):
    """A new report sent as JSON."""

    default_error_messages = {
        "invalid": _("Kirim satu objek JSON berisi isian laporan, bukan {datatype}.")
    }

    type = serializers.ChoiceField(choices=ReportType.choices, default=ReportType.COMPLAINT)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10_000)
    incident_date = serializers.DateField(required=False, allow_null=True)
    # The four reference fields are prepared lookups: read on every submission. Regions
    # and districts (Kemendagri's codes, changed a few times a year) are kept for minutes.
    region = CodeField(
        prepared=True,
        keep_for=REFERENCE_KEEP_SECONDS,
        queryset=Region.objects.all(),
        help_text="Kemendagri code of a province or regency/city, e.g. `32.73`.",
        error_messages={
            "does_not_exist": _("Tidak ada provinsi atau kabupaten/kota berkode “{value}”.")
        },
    )
    district = CodeField(
        prepared=True,
        keep_for=REFERENCE_KEEP_SECONDS,
        queryset=District.objects.select_related("regency"),
        help_text="Kemendagri code of a district (kecamatan), e.g. `32.73.01`.",
        error_messages={"does_not_exist": _("Tidak ada kecamatan berkode “{value}”.")},
    )
    latitude = CoordinateField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = CoordinateField(min_value=-180, max_value=180, required=False, allow_null=True)
    agency = AgencyCodeField(
        prepared=True,
        queryset=Agency.objects.all(),
        help_text="Code of the agency the reporter thinks is responsible (optional; the "
        "national desk decides).",
        error_messages={"does_not_exist": _("Tidak ada instansi berkode “{value}”.")},
    )
    category = CodeField(
        prepared=True,
        queryset=Category.objects.filter(is_active=True),
        error_messages={"does_not_exist": _("Tidak ada kategori aktif berkode “{value}”.")},
    )
    is_anonymous = serializers.BooleanField(
        default=False, help_text="Hide the reporter's identity from the public and agencies."
    )
    is_confidential = serializers.BooleanField(
        default=False, help_text="Never publish the report; its page shows the status only."
    )
    reporter = ReporterInputSerializer(required=False, allow_null=True)
    demographics = DemographicsInputSerializer(required=False, allow_null=True)

    def validate_incident_date(self, value: date | None) -> date | None:
        # "Today" ends last in WIT (UTC+9): a reporter in Papua may already be a day ahead
        # of the server's WIB calendar.
        if value is not None and value > timezone.localdate(timezone=ZoneInfo(WIT)):
            raise serializers.ValidationError(_("Tanggal kejadian tidak boleh di masa depan."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        region: Region | None = attrs.get("region")
        district: District | None = attrs.get("district")
        if district is not None:
            if region is None:
                attrs["region"] = district.regency
            elif region.code not in (district.regency.code, district.regency.parent_id):
                raise serializers.ValidationError(
                    {"district": _("Kecamatan ini tidak berada di wilayah yang dipilih.")}
                )
        has_lat = attrs.get("latitude") is not None
        has_lon = attrs.get("longitude") is not None
        if has_lat != has_lon:
            missing = "longitude" if has_lat else "latitude"
            raise serializers.ValidationError(
                {missing: _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")}
            )
        return attrs

    def submission(self, *, channel: str) -> intake.Submission:
        data = self.validated_data
        reporter = data.get("reporter") or {}
        demographics = data.get("demographics") or {}
        return intake.Submission(
            title=data["title"],
            body=data["body"],
            channel=channel,
            type=data["type"],
            incident_date=data.get("incident_date"),
            region=data.get("region"),
            district=data.get("district"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            requested_agency=data.get("agency"),
            category=data.get("category"),
            is_anonymous=data["is_anonymous"],
            is_confidential=data["is_confidential"],
            reporter_name=reporter.get("name", ""),
            reporter_email=reporter.get("email", ""),
            reporter_phone=reporter.get("phone", ""),
            demographics_consent=demographics.get("consent", False),
            gender=demographics.get("gender", ""),
            age_band=demographics.get("age_band", ""),
            has_disability=demographics.get("has_disability"),
            attachments=data.get("attachments", []),
        )

    def fingerprint_payload(self) -> dict[str, Any]:
        """Everything that defines the request, in plain JSON types, for idempotency."""
        data = self.validated_data
        payload: dict[str, Any] = {}
        for name, value in data.items():
            if isinstance(value, Model):
                payload[name] = value.pk
            elif name == "attachments":
                payload[name] = [f.sha256 for f in value]
            elif isinstance(value, date | Decimal):
                payload[name] = str(value)
            else:
                payload[name] = value
        return payload


class ReportCreateMultipartSerializer(ReportCreateSerializer):
    """A new report sent as multipart/form-data, with files in ``attachments``; nested
    fields are sent dotted (``reporter.name``, ``demographics.consent``)."""

    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        help_text="JPG, PNG or PDF files; image metadata (EXIF, GPS) is removed.",
    )

    def validate_attachments(self, value: list[UploadedFile]) -> list[CleanFile]:
        try:
            return clean_uploads(value)
        except UploadError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class ReportListQuerySerializer(serializers.Serializer):
    """Query parameters of the public report list."""

    q = serializers.CharField(
        required=False, max_length=200, help_text="Text in the public (redacted) title or body."
    )
    agency = CodeField(
        queryset=Agency.objects.all(), help_text="Agency code; includes its work units."
    )
    region = CodeField(
        queryset=Region.objects.all(),
        help_text="Province or regency/city code; a province includes its regencies.",
    )
    category = CodeField(queryset=Category.objects.all())
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in access.PUBLIC_LIST_STATUSES], required=False
    )
    type = serializers.ChoiceField(choices=ReportType.choices, required=False)
    updated_since = serializers.DateTimeField(
        required=False,
        help_text="ISO 8601 date-time, e.g. `2025-01-31T00:00:00+07:00`; for sync.",
    )

    def to_internal_value(self, data: Any) -> Any:
        value = data.get("updated_since") if hasattr(data, "get") else None
        if isinstance(value, str) and "T" in value and " " in value.strip():
            # An unencoded "+07:00" arrives as " 07:00" in a query string.
            data = data.copy()
            data["updated_since"] = value.strip().replace(" ", "+")
        return super().to_internal_value(data)


# ---- output -----------------------------------------------------------------------------


class NamedRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name"]


class ReportReceiptSerializer(serializers.Serializer):
    """Answer to a new report. The secret is shown only here (and on an idempotent replay)."""

    tracking_id = serializers.CharField(help_text="Display form, e.g. `ABCDE-FGHJK`.")
    tracking_id_raw = serializers.CharField(help_text="Canonical form, e.g. `ABCDEFGHJK`.")
    status = serializers.CharField()
    status_label = serializers.CharField()
    private_url = serializers.CharField(
        allow_null=True, help_text="The reporter's private tracking link (contains the secret)."
    )
    secret = serializers.CharField(
        allow_null=True,
        help_text="The reporter's secret: send it as `X-Report-Secret` to read the full "
        "report and its conversation. Keep it private.",
    )
    submitted_at = serializers.DateTimeField()


class TrackingIdMixin(serializers.Serializer):
    tracking_id = serializers.SerializerMethodField(help_text="Display form, `ABCDE-FGHJK`.")
    tracking_id_raw = serializers.CharField(source="tracking_id")

    def get_tracking_id(self, obj: Report) -> str:
        return tracking.display(obj.tracking_id)


class ReportListItemSerializer(TrackingIdMixin):
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    type = serializers.CharField()
    type_label = serializers.CharField(source="get_type_display")
    public_title = serializers.CharField()
    agency = NamedRefSerializer(allow_null=True)
    region = NamedRefSerializer(allow_null=True)
    category = NamedRefSerializer(allow_null=True)
    submitted_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


# ---- the reporter's actions (POST /reports/{id}/actions/{action}) ---------------------


class RequiredBooleanField(serializers.BooleanField):
    """A yes/no that must be answered: in a form body DRF would read "absent" as false."""

    default_empty_html = empty


class ReporterActionInput(serializers.Serializer):
    """Base of the per-action inputs; ``change_kwargs`` feeds ``reporter_act``."""

    def change_kwargs(self) -> dict[str, Any]:
        return {}

    def fingerprint_payload(self) -> dict[str, Any]:
        return {}


class ReporterMessageInput(ReporterActionInput):
    """``provide-info`` and ``reply``: a message, and files when sent as multipart."""

    message = serializers.CharField(max_length=10_000)
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False
    )

    def validate_attachments(self, value: list[UploadedFile]) -> list[CleanFile]:
        try:
            return clean_uploads(value)
        except UploadError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def change_kwargs(self) -> dict[str, Any]:
        data = self.validated_data
        return {"message": data["message"], "attachments": data.get("attachments", [])}

    def fingerprint_payload(self) -> dict[str, Any]:
        data = self.validated_data
        return {
            "message": data["message"],
            "attachments": [f.sha256 for f in data.get("attachments", [])],
        }


class ReporterRatingInput(ReporterActionInput):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    resolved = RequiredBooleanField()

    def change_kwargs(self) -> dict[str, Any]:
        return dict(self.validated_data)

    def fingerprint_payload(self) -> dict[str, Any]:
        return dict(self.validated_data)


class ReporterActionSerializer(serializers.Serializer):
    """The request body of every reporter action (OpenAPI documentation only; each action
    reads just its own fields)."""

    message = serializers.CharField(
        required=False,
        max_length=10_000,
        help_text="`provide-info` and `reply`: required, the reporter's message.",
    )
    rating = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=5,
        help_text="`rate`: required, 1 (very poor) to 5 (very good).",
    )
    resolved = serializers.BooleanField(
        required=False, help_text="`rate`: required, was the problem resolved?"
    )


class ReporterActionMultipartSerializer(ReporterActionSerializer):
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="`provide-info` and `reply`: JPG, PNG or PDF files; image metadata "
        "(EXIF, GPS) is removed.",
    )


class ReporterActionEventSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="Lifecycle action, e.g. `reporter_reply`.")
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    at = serializers.DateTimeField(source="created_at")

    def get_label(self, obj: ReportEvent) -> str:
        return str(action_label(obj.action))


class ReporterActionResultSerializer(TrackingIdMixin):
    """The report's status after the action, and the event it wrote."""

    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    event = serializers.SerializerMethodField()

    @extend_schema_field(ReporterActionEventSerializer)
    def get_event(self, obj: Report) -> dict[str, Any]:
        return dict(ReporterActionEventSerializer(self.context["event"]).data)
