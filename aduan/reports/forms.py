"""Forms of the citizen pages: submit a report, look one up, filter the public list.

Forms only parse and validate; creating the report is the intake service's job.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.core.widgets import FastSelect, set_choices
from aduan.regions.models import District, Region
from aduan.reports import access, reporter_actions, selectors
from aduan.reports.intake import Submission
from aduan.reports.models import AgeBand, Category, Channel, Gender, ReportType, Status
from aduan.reports.uploads import CleanFile, UploadError, clean_uploads

TITLE_MAX = 200
BODY_MAX = 10_000
BODY_MIN = 10
QUERY_MAX = 200
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Digits with the separators people actually type; 8–15 digits is every Indonesian number.
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ().-]{6,22}[0-9]$")

Choices = list[tuple[Any, Any]]


def new_form_token() -> str:
    """A fresh idempotency token for one rendering of the submission form."""
    return secrets.token_urlsafe(24)


def is_valid_form_token(value: object) -> bool:
    return isinstance(value, str) and bool(_TOKEN_RE.match(value))


# Reference data changes rarely and every form page lists ~550 regions and ~700 agencies:
# their choices are kept per process and language for a minute (and dropped at once when
# this process saves an agency, region or category).
CHOICES_TTL_SECONDS = 60
_choices: dict[tuple[str, str], tuple[float, Choices]] = {}


def cached_choices(name: str, build: Callable[[], Choices]) -> Choices:
    """A copy of ``build()``'s choices, rebuilt at most once a minute per language."""
    key = (name, get_language() or "")
    now = time.monotonic()
    hit = _choices.get(key)
    if hit is None or now - hit[0] >= CHOICES_TTL_SECONDS:
        hit = _choices[key] = (now, build())
    return list(hit[1])


def clear_choices_cache(**_kwargs: Any) -> None:
    _choices.clear()


def region_choices(empty_label: str) -> Choices:
    """Regencies grouped by province; each group starts with its whole province, so a
    report about a provincial matter has a place too. Works as a plain <select>."""
    return cached_choices(f"regions:{empty_label}", lambda: _region_choices(empty_label))


def _region_choices(empty_label: str) -> Choices:
    choices: Choices = [("", empty_label)]
    for group in selectors.regions_by_province():
        province = group.province
        options = [(province.code, _("%(name)s (seluruh provinsi)") % {"name": province.name})]
        options += [(r.code, r.name) for r in group.regencies]
        choices.append((province.name, options))
    return choices


def set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; returns a (possibly empty) list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    """The web submission form. ``to_submission`` hands the cleaned data to intake."""

    TYPE_CHOICES = [
        (ReportType.COMPLAINT, _("Pengaduan — layanan publik tidak berjalan semestinya")),
        (ReportType.ASPIRATION, _("Aspirasi — saran atau usulan perbaikan layanan")),
        (ReportType.INFO_REQUEST, _("Permintaan informasi — meminta informasi publik")),
    ]
    DISABILITY_CHOICES = [
        ("", _("Tidak ingin menyebutkan")),
        ("yes", _("Ya")),
        ("no", _("Tidak")),
    ]

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    type = forms.ChoiceField(
        label=_("Jenis laporan"),
        choices=TYPE_CHOICES,
        initial=ReportType.COMPLAINT,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih jenis laporan.")},
    )
    title = forms.CharField(
        label=_("Judul laporan"),
        max_length=TITLE_MAX,
        help_text=_("Ringkas dan jelas, misalnya: Jalan berlubang di depan SDN 1 Sukasari."),
        error_messages={
            "required": _("Tulis judul laporan."),
            "max_length": _(
                "Judul paling banyak %(limit_value)d karakter (sekarang %(show_value)d)."
            ),
        },
    )
    body = forms.CharField(
        label=_("Isi laporan"),
        min_length=BODY_MIN,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Ceritakan apa yang terjadi, di mana, dan kapan. Isi laporan dapat tampil untuk "
            "publik: jangan menulis NIK atau nomor telepon di sini (jika tertulis, kami "
            "menyamarkannya)."
        ),
        error_messages={
            "required": _("Tulis isi laporan."),
            "min_length": _(
                "Isi laporan terlalu singkat: tulis paling sedikit %(limit_value)d karakter."
            ),
            "max_length": _(
                "Isi laporan paling banyak %(limit_value)d karakter (sekarang %(show_value)d). "
                "Persingkat, atau kirim rincian sebagai lampiran PDF."
            ),
        },
    )
    incident_date = forms.DateField(
        label=_("Tanggal kejadian"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Jika diketahui. Format: tahun-bulan-tanggal, misalnya 2026-03-17."),
        error_messages={"invalid": _("Tanggal tidak valid. Gunakan format 2026-03-17.")},
    )
    region = forms.ChoiceField(
        label=_("Kabupaten/kota lokasi kejadian"),
        required=False,
        help_text=_(
            "Pilih kabupaten/kota; jika masalahnya di tingkat provinsi, pilih provinsinya."
        ),
        widget=FastSelect(attrs={"data-region-select": ""}),
        error_messages={"invalid_choice": _("Pilih wilayah dari daftar.")},
    )
    district = forms.ChoiceField(
        label=_("Kecamatan"),
        required=False,
        error_messages={"invalid_choice": _("Pilih kecamatan dari daftar.")},
    )
    agency = forms.ModelChoiceField(
        label=_("Instansi tujuan"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Belum tahu"),
        widget=FastSelect,
        help_text=_(
            "Jika ragu, biarkan kosong: admin nasional memeriksa laporan Anda dan meneruskannya "
            "ke instansi yang berwenang."
        ),
        error_messages={"invalid_choice": _("Pilih instansi dari daftar.")},
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Belum tahu"),
        widget=FastSelect,
        error_messages={"invalid_choice": _("Pilih kategori dari daftar.")},
    )
    attachments = MultipleFileField(
        label=_("Lampiran"),
        required=False,
        help_text="",  # filled in __init__ with the configured limits
    )
    is_anonymous = forms.BooleanField(
        label=_("Kirim sebagai anonim"),
        required=False,
        help_text=_(
            "Laporan bisa tampil untuk publik, tetapi identitas Anda disembunyikan dari publik "
            "dan dari instansi — hanya admin nasional yang dapat melihatnya."
        ),
    )
    is_confidential = forms.BooleanField(
        label=_("Rahasiakan laporan"),
        required=False,
        help_text=_(
            "Laporan tidak pernah ditampilkan untuk publik. Hanya Anda (dengan tautan pribadi) "
            "dan petugas yang menanganinya yang dapat membacanya."
        ),
    )
    reporter_name = forms.CharField(label=_("Nama"), max_length=120, required=False)
    reporter_email = forms.EmailField(
        label=_("Alamat surel"),
        max_length=254,
        required=False,
        help_text=_("Kami mengabarkan perkembangan laporan ke alamat ini."),
        error_messages={"invalid": _("Alamat surel tidak valid, misalnya nama@contoh.id.")},
    )
    reporter_phone = forms.CharField(
        label=_("Nomor telepon"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": _("Nomor telepon paling banyak %(limit_value)d karakter.")},
    )
    gender = forms.ChoiceField(
        label=_("Jenis kelamin"),
        required=False,
        # "Undisclosed" is the empty choice: with consent it is stored as such.
        choices=[
            ("", _("Tidak ingin menyebutkan")),
            (Gender.FEMALE, Gender.FEMALE.label),
            (Gender.MALE, Gender.MALE.label),
        ],
    )
    age_band = forms.ChoiceField(
        label=_("Kelompok usia"),
        required=False,
        choices=[("", _("Tidak ingin menyebutkan")), *AgeBand.choices],
    )
    has_disability = forms.ChoiceField(
        label=_("Apakah Anda penyandang disabilitas?"),
        required=False,
        choices=DISABILITY_CHOICES,
    )
    demographics_consent = forms.BooleanField(
        label=_("Saya setuju data di atas disimpan untuk statistik layanan"),
        required=False,
        help_text=_(
            "Data ini tidak pernah ditampilkan bersama laporan Anda dan hanya dipakai dalam "
            "statistik gabungan (UU 27/2022 tentang Pelindungan Data Pribadi)."
        ),
    )

    CONTACT_FIELDS = ("reporter_name", "reporter_email", "reporter_phone")
    DEMOGRAPHIC_FIELDS = ("gender", "age_band", "has_disability")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "region", region_choices(str(_("Belum dipilih"))))
        set_queryset(self, "agency", selectors.selectable_agencies())
        set_queryset(self, "category", selectors.active_categories())
        # The querysets check what is sent; the options shown are the cached pairs (as on
        # the public list), not ~700 model instances read on every rendering of the form.
        for name, build in (
            ("agency", lambda: list(selectors.selectable_agencies().values_list("pk", "name"))),
            ("category", lambda: list(selectors.active_categories().values_list("pk", "name"))),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            set_choices(
                self, name, [("", field.empty_label), *cached_choices(f"submit-{name}", build)]
            )
        districts = self._district_choices()
        set_choices(self, "district", districts)
        self.has_district_choices = len(districts) > 1
        self.fields["reporter_name"].widget.attrs["autocomplete"] = "name"
        self.fields["reporter_email"].widget.attrs["autocomplete"] = "email"
        self.fields["attachments"].help_text = _(
            "Paling banyak %(n)d berkas JPG, PNG, atau PDF, masing-masing paling besar "
            "%(mb)d MB. Data lokasi (GPS) pada foto dihapus otomatis."
        ) % {
            "n": settings.ADUAN_MAX_ATTACHMENTS,
            "mb": settings.ADUAN_MAX_ATTACHMENT_BYTES // (1024 * 1024),
        }
        self.fields["attachments"].widget.attrs["accept"] = (
            ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"
        )

    @property
    def chosen_region_code(self) -> str:
        source = self.data if self.is_bound else self.initial
        value = source.get("region") or ""
        return value if isinstance(value, str) else ""

    def _district_choices(self) -> Choices:
        # Only the districts of the chosen regency: the full list (7,000+) is far too
        # long for one <select>, and without a regency there is nothing to choose from.
        code = self.chosen_region_code
        if not code or "." not in code:
            return [("", _("Pilih kabupaten/kota dulu"))]
        choices: Choices = [("", _("Belum dipilih"))]
        choices += [(d.code, d.name) for d in selectors.districts_of(code)]
        return choices

    # ---- field cleaning ----

    def clean_token(self) -> str:
        value = self.cleaned_data.get("token", "")
        return value if is_valid_form_token(value) else ""

    def clean_incident_date(self) -> Any:
        value = self.cleaned_data.get("incident_date")
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal kejadian tidak boleh di masa depan."))
        if value is not None and value.year < 1945:
            raise forms.ValidationError(_("Tanggal kejadian terlalu lama. Periksa tahunnya."))
        return value

    def clean_region(self) -> Region | None:
        code = self.cleaned_data.get("region") or ""
        region = selectors.region_by_code(code)
        if code and region is None:
            raise forms.ValidationError(_("Pilih wilayah dari daftar."))
        return region

    def clean_reporter_phone(self) -> str:
        value: str = (self.cleaned_data.get("reporter_phone") or "").strip()
        if value and (not _PHONE_RE.match(value) or sum(c.isdigit() for c in value) < 8):
            raise forms.ValidationError(
                _("Nomor telepon tidak valid. Tulis angka saja, misalnya 0812 3456 7890.")
            )
        return value

    def clean_attachments(self) -> list[CleanFile]:
        uploads: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        try:
            return clean_uploads(uploads)
        except UploadError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        self._clean_district(data)
        self._clean_demographics(data)
        return data

    def _clean_district(self, data: dict[str, Any]) -> None:
        code = data.get("district") or ""
        region: Region | None = data.get("region")
        if not code:
            data["district"] = None
            return
        district: District | None = None
        if region is not None:
            district = selectors.district_in(region.code, code)
        if district is None:
            self.add_error("district", _("Kecamatan tidak berada di kabupaten/kota yang dipilih."))
            return
        data["district"] = district

    def _clean_demographics(self, data: dict[str, Any]) -> None:
        given = any(data.get(name) for name in self.DEMOGRAPHIC_FIELDS)
        if given and not data.get("demographics_consent"):
            self.add_error(
                "demographics_consent",
                _(
                    "Centang persetujuan agar data jenis kelamin, usia, dan disabilitas "
                    "disimpan, atau kembalikan pilihannya ke “Tidak ingin menyebutkan”."
                ),
            )

    # ---- handing over ----

    def to_submission(self) -> Submission:
        d = self.cleaned_data
        disability = {"yes": True, "no": False}.get(d.get("has_disability") or "")
        consent = d.get("demographics_consent", False)
        # Consent with no gender chosen is an answer too: "prefers not to say".
        gender = d.get("gender") or (Gender.UNDISCLOSED if consent else "")
        return Submission(
            title=d["title"],
            body=d["body"],
            channel=Channel.WEB,
            type=d["type"],
            incident_date=d.get("incident_date"),
            region=d.get("region"),
            district=d.get("district"),
            requested_agency=d.get("agency"),
            category=d.get("category"),
            is_anonymous=d.get("is_anonymous", False),
            is_confidential=d.get("is_confidential", False),
            reporter_name=d.get("reporter_name", ""),
            reporter_email=d.get("reporter_email", ""),
            reporter_phone=d.get("reporter_phone", ""),
            demographics_consent=consent,
            gender=gender,
            age_band=d.get("age_band", ""),
            has_disability=disability,
            attachments=d.get("attachments") or [],
        )

    def fingerprint_payload(self) -> dict[str, Any]:
        """What makes two posts "the same submission" for the idempotency check."""
        payload: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "token":
                continue
            if name == "attachments":
                payload[name] = [f.sha256 for f in value]
            elif hasattr(value, "pk"):
                payload[name] = value.pk
            else:
                payload[name] = value
        return payload


class TrackForm(forms.Form):
    """Look up a report by its tracking ID (as typed, normalised by the view)."""

    id = forms.CharField(
        label=_("Nomor pelacakan"),
        # No max_length: anything that is not a valid ID gets the same "not found" answer.
        help_text=_("Sepuluh huruf dan angka, misalnya 7KQ2M-X9F4T. Huruf kecil dan spasi boleh."),
        error_messages={"required": _("Tulis nomor pelacakan laporan Anda.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class PublicListForm(forms.Form):
    """Filters of the public list. Invalid values are reported and ignored, never a 500."""

    q = forms.CharField(
        label=_("Kata kunci"),
        max_length=QUERY_MAX,
        required=False,
        error_messages={
            "max_length": _(
                "Kata kunci paling banyak %(limit_value)d karakter; pencarian diabaikan."
            )
        },
    )
    agency = forms.ChoiceField(label=_("Instansi"), required=False, widget=FastSelect)
    region = forms.ChoiceField(label=_("Wilayah"), required=False, widget=FastSelect)
    category = forms.ChoiceField(label=_("Kategori"), required=False, widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = str(_("Semua"))
        agency_choices: Choices = [("", everything)]
        agency_choices += cached_choices(
            "public-agencies",
            lambda: list(selectors.selectable_agencies().values_list("code", "name")),
        )
        self._add_requested_unit(agency_choices)
        set_choices(self, "agency", agency_choices)
        set_choices(self, "region", region_choices(everything))
        categories: Choices = [
            ("", everything),
            *cached_choices(
                "public-categories",
                lambda: list(selectors.active_categories().values_list("code", "name")),
            ),
        ]
        statuses: Choices = [
            ("", everything),
            *((s.value, s.label) for s in Status if s in access.PUBLIC_LIST_STATUSES),
        ]
        set_choices(self, "category", categories)
        set_choices(self, "status", statuses)
        for name in ("agency", "region", "category", "status"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Nilai “%(value)s” tidak dikenal; saringan ini diabaikan."
            )

    def _add_requested_unit(self, choices: Choices) -> None:
        # A link may filter by a work unit, which the short list of top-level agencies
        # does not hold; offer it so the filter is kept and shown as selected.
        code = self.data.get("agency") if self.is_bound else None
        if not isinstance(code, str) or not code or any(c == code for c, _n in choices):
            return
        agency = selectors.agency_by_code(code)
        if agency is not None:
            choices.append((agency.code, agency.name))

    def filters(self) -> selectors.PublicListFilter:
        """The valid filters only; call after ``is_valid()``."""
        data = getattr(self, "cleaned_data", {})
        region_code = data.get("region") or ""
        return selectors.PublicListFilter(
            q=(data.get("q") or "").strip(),
            agency=selectors.agency_by_code(data.get("agency") or ""),
            region=selectors.region_by_code(region_code),
            category=selectors.category_by_code(data.get("category") or ""),
            status=data.get("status") or "",
        )

    def ignored_messages(self) -> Sequence[str]:
        return [str(e) for errors in self.errors.values() for e in errors]


# ---- the reporter's actions on the tracking page ----------------------------------------
#
# Each form only parses; ``change_kwargs`` hands the values to
# :func:`aduan.reports.reporter_actions.reporter_act`. The private-link secret travels in
# a plain hidden ``k`` field next to these forms, never in the address of the POST.

MESSAGE_MAX = 10_000


def _attachments_help() -> str:
    return _(
        "Paling banyak %(n)d berkas JPG, PNG, atau PDF, masing-masing paling besar "
        "%(mb)d MB. Data lokasi (GPS) pada foto dihapus otomatis."
    ) % {
        "n": settings.ADUAN_MAX_ATTACHMENTS,
        "mb": settings.ADUAN_MAX_ATTACHMENT_BYTES // (1024 * 1024),
    }


class ReporterActionForm(forms.Form):
    """Base of the reporter's action forms."""

    def change_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``reporter_act``; call after ``is_valid()``."""
        return {}


class ReporterMessageForm(ReporterActionForm):
    """A message from the reporter with optional files (kelengkapan or a reply)."""

    message = forms.CharField(
        label=_("Pesan Anda"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Tulis pesan Anda."),
            "max_length": _(
                "Pesan paling banyak %(limit_value)d karakter (sekarang %(show_value)d)."
            ),
        },
    )
    attachments = MultipleFileField(label=_("Lampiran"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()
        self.fields["attachments"].widget.attrs["accept"] = (
            ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"
        )

    def clean_attachments(self) -> list[CleanFile]:
        uploads: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        try:
            return clean_uploads(uploads)
        except UploadError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def change_kwargs(self) -> dict[str, Any]:
        return {
            "message": self.cleaned_data["message"],
            "attachments": self.cleaned_data.get("attachments") or [],
        }


class ProvideInfoForm(ReporterMessageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].label = _("Kelengkapan laporan")
        self.fields["message"].help_text = _(
            "Jawab pertanyaan admin nasional di atas. Jika diminta dokumen atau foto, "
            "lampirkan di bawah."
        )


class ReplyForm(ReporterMessageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].label = _("Tanggapan Anda")
        self.fields["message"].help_text = _(
            "Jelaskan apa yang belum sesuai, misalnya bagian masalah yang belum ditangani."
        )


class CloseForm(ReporterActionForm):
    """Confirming that the report is resolved needs nothing but the button."""


def _yes_no(value: str) -> bool:
    return value == "yes"


class RatingForm(ReporterActionForm):
    # Words next to the numbers: a bare row of stars says nothing to a screen reader.
    RATING_CHOICES = [
        (5, _("5 — Sangat baik")),
        (4, _("4 — Baik")),
        (3, _("3 — Cukup")),
        (2, _("2 — Buruk")),
        (1, _("1 — Sangat buruk")),
    ]
    YES_NO = [("yes", _("Ya, masalah saya terselesaikan")), ("no", _("Tidak"))]

    rating = forms.TypedChoiceField(
        label=_("Bagaimana penanganan laporan Anda oleh instansi?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih nilai 1 sampai 5."),
            "invalid_choice": _("Pilih nilai 1 sampai 5."),
        },
    )
    resolved = forms.TypedChoiceField(
        label=_("Apakah masalah Anda terselesaikan?"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih “Ya” atau “Tidak”."),
            "invalid_choice": _("Pilih “Ya” atau “Tidak”."),
        },
    )

    def change_kwargs(self) -> dict[str, Any]:
        return {"rating": self.cleaned_data["rating"], "resolved": self.cleaned_data["resolved"]}


class EscalateForm(ReporterActionForm):
    """Consent (or not) to hand the report to the Ombudsman, given by one of two buttons.

    Refusing writes nothing: the offer stays open while the report is (see the view)."""

    consent = forms.TypedChoiceField(
        label=_("Persetujuan pelimpahan ke Ombudsman"),
        choices=[("yes", _("Ya")), ("no", _("Tidak"))],
        coerce=_yes_no,
        error_messages={
            "required": _("Pilih salah satu tombol: setuju atau tidak."),
            "invalid_choice": _("Pilih salah satu tombol: setuju atau tidak."),
        },
    )


# Keyed by the action slugs of :mod:`aduan.reports.reporter_actions`.
REPORTER_ACTION_FORMS: dict[str, type[ReporterActionForm]] = {
    reporter_actions.PROVIDE_INFO: ProvideInfoForm,
    reporter_actions.REPLY: ReplyForm,
    reporter_actions.CLOSE: CloseForm,
    reporter_actions.RATE: RatingForm,
    reporter_actions.ESCALATE: EscalateForm,
}
