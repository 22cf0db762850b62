"""Open311 input: form-encoded parameters checked with Django forms, so every problem
comes back as one spec error (``400``) naming the parameter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator, URLValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError as DRFValidationError

from aduan.open311 import catalog, selectors
from aduan.open311.services import RequestInput
from aduan.reports import tracking
from aduan.reports.models import ReportType
from aduan.reports.serializers import validate_phone

# The spec: "may not span more than 90 days"; with no dates, the last 90 days.
MAX_WINDOW = timedelta(days=90)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_IDS = 1000
DESCRIPTION_MAX = 4000  # the spec's limit for a request's description

OPEN = "open"
CLOSED = "closed"
# servicerequestupdates POST: the spec's two statuses and FixMyStreet's extended ones
# (sent in upper case), as the lifecycle action each maps to.
UPDATE_STATUSES = {
    "open": "update",
    "in_progress": "update",
    "investigating": "update",
    "action_scheduled": "update",
    "closed": "respond",
    "fixed": "respond",
}

_ATTRIBUTE_KEY = re.compile(r"^attribute\[([A-Za-z0-9_\-]{1,60})\](\[\])?$")
# An unencoded "+" of a time-zone offset arrives as a space: "2026-11-30T10:00:00 07:00".
_LOST_PLUS = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")


class W3CDateTimeField(forms.DateTimeField):
    """W3C/ISO 8601 date-times, forgiving the "+" an unencoded query string lost."""

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str):
            value = _LOST_PLUS.sub(r"\1+\2", value.strip())
        return super().to_python(value)


def error_descriptions(form: forms.Form) -> list[str]:
    """One line per problem, prefixed with the Open311 parameter it concerns."""
    lines = []
    for name, errors in form.errors.items():
        for message in errors:
            lines.append(str(message) if name == NON_FIELD_ERRORS else f"{name}: {message}")
    return lines


def comma_list(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def date_window(start: datetime | None, end: datetime | None, *, now: datetime) -> Window:
    """The spec's date range: at most 90 days; one end given, the other follows; none
    given, the last 90 days."""
    if start is None and end is None:
        return Window(now - MAX_WINDOW, now)
    if start is None:
        assert end is not None
        return Window(end - MAX_WINDOW, end)
    if end is None:
        return Window(start, start + MAX_WINDOW)
    if end < start:
        raise ValidationError(_("end_date tidak boleh sebelum start_date."), code="window")
    if end - start > MAX_WINDOW:
        raise ValidationError(
            _("Rentang start_date sampai end_date paling lama 90 hari."), code="window"
        )
    return Window(start, end)


class PagedWindowForm(forms.Form):
    """Shared by the two lists: a date window and paging (an extension of the spec:
    ``page`` from 1, ``page_size`` up to 1000, default 50)."""

    start_date = W3CDateTimeField(required=False)
    end_date = W3CDateTimeField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)
    service_request_id = forms.CharField(required=False, max_length=MAX_IDS * 13)

    def clean_service_request_id(self) -> list[str]:
        raw = comma_list(self.cleaned_data.get("service_request_id") or "")
        if len(raw) > MAX_IDS:
            raise ValidationError(
                _("Paling banyak %(n)s service_request_id sekaligus.") % {"n": MAX_IDS}
            )
        # An ID that cannot be one matches nothing, like an unknown one.
        return [tid for tid in (tracking.normalize(r) for r in raw) if tid]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "start_date" in data and "end_date" in data:
            try:
                data["window"] = date_window(
                    data["start_date"], data["end_date"], now=timezone.now()
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        data["page"] = data.get("page") or 1
        data["page_size"] = data.get("page_size") or DEFAULT_PAGE_SIZE
        return data


class RequestListForm(PagedWindowForm):
    """``GET requests``: the spec's filters. A list of IDs overrides every other filter."""

    service_code = forms.CharField(required=False, max_length=4000)
    status = forms.CharField(required=False, max_length=100)

    def clean_service_code(self) -> list[str]:
        return comma_list(self.cleaned_data.get("service_code") or "")

    def clean_status(self) -> list[str]:
        values = [s.lower() for s in comma_list(self.cleaned_data.get("status") or "")]
        if any(v not in (OPEN, CLOSED) for v in values):
            raise ValidationError(_("Status hanya open atau closed (boleh keduanya, koma)."))
        return values


class UpdateListForm(PagedWindowForm):
    """``GET servicerequestupdates``: updates in a date window, optionally of some requests."""


def _attributes(data: QueryDict) -> dict[str, str]:
    found = {}
    for key in data:
        match = _ATTRIBUTE_KEY.match(key)
        if match:
            found[match.group(1)] = data.get(key, "").strip()
    return found


def _truthy(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in ("true", "1", "ya", "yes"):
        return True
    if lowered in ("false", "0", "tidak", "no", ""):
        return False
    return None


class RequestCreateForm(forms.Form):
    """``POST requests``: a citizen's report sent by an agency's app or a civic client."""

    service_code = forms.CharField(max_length=60)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, min_value=-180, max_value=180)
    address_string = forms.CharField(required=False, max_length=500)
    address_id = forms.CharField(required=False, max_length=20)
    email = forms.EmailField(required=False, max_length=254)
    device_id = forms.CharField(required=False, max_length=200)
    account_id = forms.CharField(required=False, max_length=200)
    first_name = forms.CharField(required=False, max_length=60)
    last_name = forms.CharField(required=False, max_length=60)
    phone = forms.CharField(required=False, max_length=20)
    description = forms.CharField(max_length=DESCRIPTION_MAX)
    media_url = forms.URLField(
        required=False,
        max_length=2000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data)
        self.attributes = _attributes(data)
        self.place: selectors.Place | None = None
        self.flags: dict[str, bool] = {}

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data.get("phone") or ""
        if phone:
            try:
                validate_phone(phone)
            except DRFValidationError as exc:
                raise ValidationError(
                    [str(m) for m in exc.detail] if isinstance(exc.detail, list) else str(exc)
                ) from None
        return phone

    def clean_address_id(self) -> str:
        return self._place_from(self.cleaned_data.get("address_id") or "")

    def _place_from(self, code: str) -> str:
        if code:
            place = selectors.place_by_code(code)
            if place is None:
                raise ValidationError(
                    _("Kode wilayah Kemendagri “%(code)s” tidak dikenal.") % {"code": code}
                )
            self.place = self.place or place
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_attributes()
        # A value that was sent but refused has its own error already.
        sent = {n for n in ("lat", "long", "address_id") if (self.data.get(n) or "").strip()}
        if self.attributes.get("region"):
            sent.add("region")
        if ("lat" in sent) != ("long" in sent):
            self.add_error(None, _("lat dan long harus dikirim bersama."))
        elif not (sent or data.get("address_string")):
            self.add_error(
                None, _("Lokasi wajib: kirim lat dan long, address_string, atau address_id.")
            )
        return data

    def _clean_attributes(self) -> None:
        attrs = self.attributes
        for code, value in list(attrs.items()):
            try:
                ProhibitNullCharactersValidator()(value)
            except ValidationError as exc:
                # Dropped, not stored: PostgreSQL text cannot hold NUL at all.
                self.add_error(None, f"attribute[{code}]: {exc.messages[0]}")
                del attrs[code]
        report_type = attrs.get("report_type", "")
        if report_type and report_type not in ReportType.values:
            self.add_error(None, _attribute_error("report_type", report_type))
        for flag in ("is_anonymous", "is_confidential"):
            truth = _truthy(attrs.get(flag, ""))
            if truth is None:
                self.add_error(None, _attribute_error(flag, attrs[flag]))
            else:
                self.flags[flag] = truth
        if len(attrs.get("external_id", "")) > 100:
            self.add_error(None, _attribute_error("external_id", attrs["external_id"][:20] + "…"))
        if attrs.get("region") and self.place is None:
            try:
                self._place_from(attrs["region"])
            except ValidationError as exc:
                self.add_error(None, f"attribute[region]: {exc.messages[0]}")

    def to_input(self) -> RequestInput:
        data = self.cleaned_data
        latitude, longitude = self._coordinates()
        name = " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
        return RequestInput(
            description=data["description"].strip(),
            address_string=(data.get("address_string") or "").strip(),
            media_url=data.get("media_url") or "",
            place=self.place,
            latitude=latitude,
            longitude=longitude,
            report_type=self.attributes.get("report_type") or ReportType.COMPLAINT,
            is_anonymous=self.flags.get("is_anonymous", False),
            is_confidential=self.flags.get("is_confidential", False),
            reporter_name=name,
            reporter_email=data.get("email") or "",
            reporter_phone=data.get("phone") or "",
            external_id=self.attributes.get("external_id", ""),
        )

    def _coordinates(self) -> tuple[Decimal | None, Decimal | None]:
        lat, long = self.cleaned_data.get("lat"), self.cleaned_data.get("long")
        if lat is None or long is None:
            return None, None
        step = Decimal("0.000001")  # six decimals: about 10 cm, the column's precision
        return Decimal(repr(lat)).quantize(step), Decimal(repr(long)).quantize(step)


def _attribute_error(code: str, value: str) -> str:
    attribute = next(a for a in catalog.ATTRIBUTES if a.code == code)
    allowed = ", ".join(key for key, _name in attribute.values)
    if allowed:
        return gettext("attribute[%(code)s]: “%(value)s” tidak dikenal; pilih %(allowed)s.") % {
            "code": code,
            "value": value,
            "allowed": allowed,
        }
    return gettext("attribute[%(code)s]: terlalu panjang.") % {"code": code}


class UpdateCreateForm(forms.Form):
    """``POST servicerequestupdates``: the handling agency's system reports progress."""

    service_request_id = forms.CharField(max_length=40)
    status = forms.CharField(max_length=40)
    description = forms.CharField(max_length=DESCRIPTION_MAX)
    update_id = forms.CharField(required=False, max_length=100)
    updated_datetime = W3CDateTimeField(required=False)
    media_url = forms.URLField(
        required=False,
        max_length=2000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )

    def clean_service_request_id(self) -> str:
        raw = self.cleaned_data["service_request_id"]
        return tracking.normalize(raw) or raw.strip()

    def clean_status(self) -> str:
        status = self.cleaned_data["status"].strip().lower()
        if status not in UPDATE_STATUSES:
            raise ValidationError(
                _("Status tidak dikenal; pilih %(allowed)s.")
                % {"allowed": ", ".join(UPDATE_STATUSES)}
            )
        return status

    @property
    def action(self) -> str:
        return UPDATE_STATUSES[self.cleaned_data["status"]]

    def message(self) -> str:
        text: str = self.cleaned_data["description"].strip()
        if self.cleaned_data.get("media_url"):
            text += f"\n\n{gettext('Media')}: {self.cleaned_data['media_url']}"
        return text
