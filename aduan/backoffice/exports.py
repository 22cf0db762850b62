"""CSV and XLSX downloads of the staff report lists (desk queue, agency inbox, the
coordinator's list of one mentored agency).

The rows are exactly the page's rows: the caller passes the page's own queryset (built by
the same access and selector functions, with the same filters), and this module only
chooses the columns. No export carries a reporter's identity — not even for the desk,
whose every look at an identity is audited one report at a time — and titles are read
through :func:`aduan.reports.access.staff_text`, so an agency never gets the name an
anonymous reporter signed with. Every text cell is made safe against spreadsheet formula
injection (:mod:`aduan.core.csvsafe`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from aduan.audit.models import AuditRecord
from aduan.audit.services import audit_record
from aduan.backoffice.presenters import DESK_TZ
from aduan.core.csvsafe import csv_lines, safe_cell
from aduan.reports import access
from aduan.reports.access import StaffScope
from aduan.reports.models import Report

FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 1000
# One sheet holds 1,048,576 rows; the header takes one. CSV has no such limit.
XLSX_MAX_ROWS = 1_048_575
# Written for every export. Not (yet) a choice of AuditRecord.Action: the audit app
# owns that list and its migration; until the choice is added the audit page shows the
# raw value, which is still searchable and exact.
EXPORT_ACTION = AuditRecord.Action.EXPORT_REPORTS

# Loaded per row: what the columns need, plus the reporter's stored identity, which is
# read only to take it out of titles for staff who may not see it (never written out).
_LOAD = (
    "tracking_id",
    "title",
    "type",
    "needs_inspection",
    "status",
    "channel",
    "is_confidential",
    "is_anonymous",
    "submitted_at",
    "due_at",
    "auto_at",
    "first_response_due_at",
    "completion_due_at",
    "first_response_at",
    "bounce_count",
    "agency",
    "agency__code",
    "agency__name",
    "agency__path",
    "category",
    "category__name",
    "region",
    "region__name",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
)


@dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[Report, StaffScope], Any]


def _local(moment: datetime | None) -> datetime | None:
    """Jakarta time without a zone: spreadsheets cannot store one (the header says WIB)."""
    if moment is None:
        return None
    return timezone.localtime(moment, ZoneInfo(DESK_TZ)).replace(tzinfo=None, microsecond=0)


def _yes_no(value: bool) -> str:
    return str(_("ya")) if value else str(_("tidak"))


COLUMNS: tuple[Column, ...] = (
    Column(_("Nomor pelacakan"), lambda r, s: r.tracking_id),
    Column(
        _("Judul"),
        lambda r, s: access.staff_text(r, "title", can_see_reporter=s.can_see_reporter(r)),
    ),
    Column(_("Jenis"), lambda r, s: r.get_type_display()),
    Column(_("Berkadar pengawasan"), lambda r, s: _yes_no(r.needs_inspection)),
    Column(_("Status"), lambda r, s: r.get_status_display()),
    Column(_("Kanal"), lambda r, s: r.get_channel_display()),
    Column(_("Kategori"), lambda r, s: r.category.name if r.category else ""),
    Column(_("Kode instansi"), lambda r, s: r.agency.code if r.agency else ""),
    Column(_("Instansi"), lambda r, s: r.agency.name if r.agency else ""),
    Column(_("Wilayah"), lambda r, s: r.region.name if r.region else ""),
    Column(_("Rahasia"), lambda r, s: _yes_no(r.is_confidential)),
    Column(_("Anonim"), lambda r, s: _yes_no(r.is_anonymous)),
    Column(_("Diterima (WIB)"), lambda r, s: _local(r.submitted_at)),
    Column(_("Batas tahap ini (WIB)"), lambda r, s: _local(r.due_at or r.auto_at)),
    Column(_("Batas tanggapan pertama (WIB)"), lambda r, s: _local(r.first_response_due_at)),
    Column(_("Tanggapan pertama (WIB)"), lambda r, s: _local(r.first_response_at)),
    Column(_("Batas penyelesaian (WIB)"), lambda r, s: _local(r.completion_due_at)),
    Column(_("Dikembalikan ke admin nasional"), lambda r, s: r.bounce_count),
)


def export_rows(qs: QuerySet[Report], scope: StaffScope) -> Iterator[list[Any]]:
    """The page's rows, in the page's order, one list of cell values per report."""
    # defer(None) first: the list querysets defer the identity that titles are scrubbed of.
    for report in qs.defer(None).only(*_LOAD).iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(report, scope) for column in COLUMNS]


def headers() -> list[str]:
    return [str(c.header) for c in COLUMNS]


def _xlsx_cell(value: Any) -> Any:
    value = safe_cell(value)
    if isinstance(value, str):
        # Control characters make the file unreadable; they carry no meaning here.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_xlsx(rows: Iterator[list[Any]], out: IO[bytes], *, title: str) -> int:
    """A write-only workbook (rows go to disk as they come); returns the rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers())
    written = 0
    for row in rows:
        if written >= XLSX_MAX_ROWS:
            break
        sheet.append([_xlsx_cell(v) for v in row])
        written += 1
    workbook.save(out)
    return written


def export_response(
    *, qs: QuerySet[Report], scope: StaffScope, fmt: str, name: str
) -> StreamingHttpResponse | FileResponse:
    stamp = timezone.localtime(timezone.now(), ZoneInfo(DESK_TZ)).strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    rows = export_rows(qs, scope)
    if fmt == "xlsx":
        # The workbook is a zip file, finished only at the end: it is built in a temporary
        # file (not in memory) and then streamed from there.
        out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        write_xlsx(rows, out, title=name)
        out.seek(0)
        return FileResponse(
            out,
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(
        csv_lines(headers(), rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def audit_export(
    *, request: HttpRequest, scope: StaffScope, list_name: str, fmt: str, agency: Any = None
) -> None:
    """One audit row per download: who took which list, with which filters."""
    audit_record(
        actor=request.user,
        action=EXPORT_ACTION,
        request=request,
        agency=agency,
        detail={
            "list": list_name,
            "format": fmt,
            "filters": {k: v[:200] for k, v in request.GET.items()},
            "desk": scope.is_desk,
        },
    )
