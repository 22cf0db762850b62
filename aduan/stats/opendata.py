"""Open data: every verified, non-confidential report as CSV or JSON, personal data removed.

Which reports: exactly those the public list shows (:func:`aduan.reports.access.public_reports`:
never confidential, never before the desk verified them, never rejected or archived).
What of them: the redacted public title and text (never the original), dates, status,
classification and handling agency, coarse place (regency/city, never coordinates or
district), and the reporter's rating. Never anything about the reporter: no identity,
no account, no self-declared demographics, not even whether the report was anonymous.

Both files are streamed row by row from a database cursor, so a download of millions of
reports never holds them in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from aduan.core.csvsafe import csv_lines, safe_cell
from aduan.regions.models import WIB
from aduan.reports import access
from aduan.reports.models import Report

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "Sumber: Aduan"
CHUNK_SIZE = 2000
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Field:
    name: str
    kind: Any  # shown on the documentation page
    meaning: Any
    source: str  # a ``values()`` lookup, or "" for a computed field


TEXT, DATE_TIME, INTEGER, BOOLEAN, CODE = (
    _("teks"),
    _("tanggal dan waktu (ISO 8601, UTC)"),
    _("bilangan bulat"),
    _("benar/salah"),
    _("kode"),
)

FIELDS: tuple[Field, ...] = (
    Field("tracking_id", CODE, _("Nomor pelacakan laporan."), "tracking_id"),
    Field(
        "type",
        CODE,
        _(
            "Jenis laporan: complaint (pengaduan), aspiration (aspirasi), info_request "
            "(permintaan informasi)."
        ),
        "type",
    ),
    Field(
        "needs_inspection",
        BOOLEAN,
        _("Pengaduan berkadar pengawasan (perlu pemeriksaan lapangan)."),
        "needs_inspection",
    ),
    Field("category_code", CODE, _("Kode kategori laporan."), "category__code"),
    Field("category_name", TEXT, _("Nama kategori laporan."), "category__name"),
    Field(
        "title",
        TEXT,
        _(
            "Judul laporan yang sudah disamarkan otomatis (NIK, KK, nomor telepon, alamat "
            "surel, dan identitas pelapor dihapus)."
        ),
        "public_title",
    ),
    Field(
        "body", TEXT, _("Isi laporan yang sudah disamarkan dengan cara yang sama."), "public_body"
    ),
    Field(
        "status",
        CODE,
        _("Status saat ini: dispatched, in_progress, responded, closed, atau escalated."),
        "status",
    ),
    Field(
        "channel",
        CODE,
        _("Kanal masuk: web, api, mobile, sms, chat, email, open311, agency_app, import."),
        "channel",
    ),
    Field("submitted_at", DATE_TIME, _("Waktu laporan diterima."), "submitted_at"),
    Field("verified_at", DATE_TIME, _("Waktu laporan diverifikasi admin nasional."), "verified_at"),
    Field(
        "dispatched_at",
        DATE_TIME,
        _("Waktu terakhir laporan didisposisikan ke instansi."),
        "dispatched_at",
    ),
    Field(
        "first_response_at",
        DATE_TIME,
        _("Waktu tanggapan pertama instansi (kosong jika belum ada)."),
        "first_response_at",
    ),
    Field("responded_at", DATE_TIME, _("Waktu instansi memberi tindak lanjut."), "responded_at"),
    Field("closed_at", DATE_TIME, _("Waktu laporan selesai."), "closed_at"),
    Field(
        "first_response_due_at",
        DATE_TIME,
        _("Batas waktu tanggapan pertama (5 hari kerja sejak disposisi)."),
        "first_response_due_at",
    ),
    Field(
        "completion_due_at",
        DATE_TIME,
        _("Batas waktu penyelesaian menurut jenis laporan."),
        "completion_due_at",
    ),
    Field("agency_code", CODE, _("Kode instansi yang menangani."), "agency__code"),
    Field("agency_name", TEXT, _("Nama instansi yang menangani."), "agency__name"),
    Field(
        "region_code",
        CODE,
        _("Kode wilayah Kemendagri (provinsi atau kabupaten/kota) lokasi kejadian."),
        "region__code",
    ),
    Field("region_name", TEXT, _("Nama wilayah lokasi kejadian."), "region__name"),
    Field("province_code", CODE, _("Kode provinsi lokasi kejadian."), ""),
    Field("province_name", TEXT, _("Nama provinsi lokasi kejadian."), ""),
    Field(
        "bounce_count",
        INTEGER,
        _("Berapa kali laporan dikembalikan instansi ke admin nasional (bukan wewenang)."),
        "bounce_count",
    ),
    Field(
        "rating", INTEGER, _("Penilaian pelapor, 1 sampai 5 (kosong jika tidak menilai)."), "rating"
    ),
    Field(
        "resolved",
        BOOLEAN,
        _("Menurut pelapor, apakah masalahnya terselesaikan (kosong jika tidak menjawab)."),
        "resolved",
    ),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
# Read from the database: only these columns, never a reporter's or the original text.
_LOOKUPS = (
    *(f.source for f in FIELDS if f.source),
    "region__level",
    "region__parent__code",
    "region__parent__name",
)


class PeriodForm(forms.Form):
    """A year, or a date range (inclusive, Jakarta dates); nothing: every year."""

    tahun = forms.IntegerField(
        label=_("Tahun"), required=False, min_value=FIRST_YEAR, max_value=2100
    )
    dari = forms.DateField(
        label=_("Dari tanggal"), required=False, help_text=_("Format: 2025-01-31")
    )
    sampai = forms.DateField(
        label=_("Sampai tanggal"), required=False, help_text=_("Format: 2025-12-31")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("tahun") and (data.get("dari") or data.get("sampai")):
            raise forms.ValidationError(
                _("Pilih tahun atau rentang tanggal, tidak keduanya."), code="both"
            )
        start, end = data.get("dari"), data.get("sampai")
        if start and end and start > end:
            self.add_error(
                "sampai", _("Tanggal akhir harus sama dengan atau sesudah tanggal awal.")
            )
        return data

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in aware datetimes; call after a successful ``is_valid()``."""
        d = self.cleaned_data
        zone = ZoneInfo(WIB)
        if d.get("tahun"):
            year = d["tahun"]
            return (
                datetime.combine(date(year, 1, 1), time.min, zone),
                datetime.combine(date(year + 1, 1, 1), time.min, zone),
            )
        start: date | None = d.get("dari")
        end: date | None = d.get("sampai")
        return (
            datetime.combine(start, time.min, zone) if start else None,
            datetime.combine(end + timedelta(days=1), time.min, zone) if end else None,
        )


def open_reports(*, start: datetime | None = None, end: datetime | None = None) -> QuerySet[Report]:
    """Public reports received in [start, end), oldest first (by id, the cheapest stable
    order for a cursor)."""
    qs = access.public_reports()
    if start is not None:
        qs = qs.filter(submitted_at__gte=start)
    if end is not None:
        qs = qs.filter(submitted_at__lt=end)
    return qs.order_by("id")


def open_rows(qs: QuerySet[Report]) -> Iterator[dict[str, Any]]:
    """One dict per report, keys in :data:`FIELD_NAMES` order, streamed in chunks."""
    sources = [(f.name, f.source) for f in FIELDS]
    for row in qs.values(*_LOOKUPS).iterator(chunk_size=CHUNK_SIZE):
        out = {name: row[source] if source else None for name, source in sources}
        if row["region__code"]:
            is_province = row["region__level"] == "province" or not row["region__parent__code"]
            out["province_code"] = (
                row["region__code"] if is_province else row["region__parent__code"]
            )
            out["province_name"] = (
                row["region__name"] if is_province else row["region__parent__name"]
            )
        yield out


def _utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo("UTC")).replace(microsecond=0)
    return value


def csv_stream(qs: QuerySet[Report]) -> Iterator[str]:
    rows = ([_utc(row[name]) for name in FIELD_NAMES] for row in open_rows(qs))
    return csv_lines(FIELD_NAMES, rows)


def json_stream(qs: QuerySet[Report], *, generated_at: datetime) -> Iterator[str]:
    """``{"licence": …, "reports": [ … ]}`` written piece by piece. Text is made safe for
    spreadsheets too: JSON is often converted to a sheet as it is."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    head = {
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "generated_at": _utc(generated_at),
        "fields": list(FIELD_NAMES),
    }
    yield encoder.encode(head)[:-1] + ', "reports": ['
    first = True
    for row in open_rows(qs):
        item = {k: safe_cell(v) if isinstance(v, str) else _utc(v) for k, v in row.items()}
        yield ("" if first else ",") + "\n" + encoder.encode(item)
        first = False
    yield "\n]}\n"


# ---- views ------------------------------------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, HttpResponse | None]:
    form = PeriodForm(request.GET)
    if form.is_valid():
        return form, None
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        prefix = f"{name} ({label}): " if label else ""
        lines += [f"{prefix}{e}" for e in errors]
    return form, HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


def _filename(form: PeriodForm, ext: str) -> str:
    d = form.cleaned_data
    if d.get("tahun"):
        part = str(d["tahun"])
    elif d.get("dari") or d.get("sampai"):
        part = f"{d.get('dari') or 'awal'}_{d.get('sampai') or 'akhir'}"
    else:
        part = "semua"
    return f"aduan-laporan-{part}.{ext}"


@require_GET
def opendata_index(request: HttpRequest) -> HttpResponse:
    context = {
        "fields": FIELDS,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
        "form": PeriodForm(),
    }
    return render(request, "stats/opendata.html", context)


@require_GET
def opendata_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form, error = _period(request)
    if error is not None:
        return error
    start, end = form.bounds()
    response = StreamingHttpResponse(
        csv_stream(open_reports(start=start, end=end)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(form, "csv")}"'
    response["X-Licence"] = f"{LICENCE}; {ATTRIBUTION}"
    return response


@require_GET
def opendata_json(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form, error = _period(request)
    if error is not None:
        return error
    start, end = form.bounds()
    stream = json_stream(open_reports(start=start, end=end), generated_at=timezone.now())
    response = StreamingHttpResponse(stream, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(form, "json")}"'
    return response
