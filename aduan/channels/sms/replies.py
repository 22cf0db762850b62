"""The words sent back by SMS: one segment (160 GSM-7 characters) each.

Only characters of the GSM-7 basic alphabet are used in the fixed wording (no curly
quotes, no ellipsis character), so a reply never switches the whole SMS to UCS-2 and its
70-character segments; an agency name is the only text that is not ours.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from aduan.channels.sms.parsing import Problem
from aduan.channels.text import shorten
from aduan.reports.models import Report, Status
from aduan.reports.tracking import display

SMS_LIMIT = 160


def fit(text: str) -> str:
    return shorten(text, SMS_LIMIT, ellipsis="...")


def _check_hint(tracking_id: str, number: str) -> str:
    if number:
        return _("Cek status: kirim STATUS %(id)s ke %(number)s") % {
            "id": display(tracking_id),
            "number": number,
        }
    return _("Cek status: kirim STATUS %(id)s") % {"id": display(tracking_id)}


def received(tracking_id: str, number: str) -> str:
    head = _("Laporan diterima. Nomor: %(id)s.") % {"id": display(tracking_id)}
    return fit(f"{head} {_check_hint(tracking_id, number)}")


def repeated(tracking_id: str, number: str) -> str:
    head = _("Laporan ini sudah kami terima. Nomor: %(id)s.") % {"id": display(tracking_id)}
    return fit(f"{head} {_check_hint(tracking_id, number)}")


def status(report: Report, *, show_agency: bool, reply_hint: bool) -> str:
    label = str(report.get_status_display())
    agency = report.agency.name if show_agency and report.agency_id and report.agency else ""
    if agency and report.status == Status.DISPATCHED:
        label = _("Terdisposisi ke %(agency)s") % {"agency": agency}
    elif agency and report.status == Status.IN_PROGRESS:
        label = _("Diproses %(agency)s") % {"agency": agency}
    elif agency and report.status not in (Status.SUBMITTED, Status.NEEDS_INFO):
        label = f"{label} ({agency})"
    text = _("Laporan %(id)s: %(status)s.") % {"id": display(report.tracking_id), "status": label}
    if reply_hint:
        hint = _("Balas: kirim BALAS %(id)s <pesan Anda>") % {"id": display(report.tracking_id)}
        if len(text) + 1 + len(hint) <= SMS_LIMIT:
            text = f"{text} {hint}"
    return fit(text)


def not_found(tracking_id: str) -> str:
    return fit(
        _("Laporan %(id)s tidak ditemukan. Periksa kembali nomornya.")
        % {"id": display(tracking_id)}
    )


def bad_id() -> str:
    return _("Nomor laporan tidak dikenali. Contoh: STATUS 7KQ2M-XH4PT")


def help_text(problem: Problem) -> str:
    if problem == Problem.TOO_SHORT:
        return _(
            "Isi laporan terlalu singkat. Tulis apa, di mana, kapan. "
            "Contoh: LAPOR Jalan Merdeka 5 Bandung berlubang sejak Mei"
        )
    if problem == Problem.BAD_ID:
        return bad_id()
    return _(
        "Kirim LAPOR <isi laporan> untuk melapor, STATUS <nomor> untuk cek status, "
        "BALAS <nomor> <pesan> untuk menanggapi."
    )


def reply_applied(tracking_id: str, action: str) -> str:
    if action == "provide_info":
        text = _("Kelengkapan laporan %(id)s diterima dan akan diverifikasi.")
    else:
        text = _("Tanggapan Anda untuk laporan %(id)s diterima dan diteruskan ke petugas.")
    return fit(text % {"id": display(tracking_id)})


def reply_refused() -> str:
    # The same words for an unknown ID and for someone else's report: nothing leaks.
    return _(
        "Balasan tidak dapat diterima: nomor laporan tidak terdaftar untuk nomor Anda. "
        "Format: BALAS <nomor laporan> <pesan>"
    )


def reply_not_awaiting(report: Report) -> str:
    return fit(
        _("Laporan %(id)s sedang tidak menunggu balasan Anda (status: %(status)s).")
        % {"id": display(report.tracking_id), "status": report.get_status_display()}
    )


def reply_needs_id() -> str:
    return _("Sertakan nomor laporan. Format: BALAS <nomor laporan> <pesan>")


def reply_empty(tracking_id: str) -> str:
    return fit(
        _("Pesan balasan kosong. Format: BALAS %(id)s <pesan>") % {"id": display(tracking_id)}
    )


def rate_limited() -> str:
    return _("Terlalu banyak pesan; coba lagi nanti.")


def busy() -> str:
    return _("Laporan sedang diperbarui petugas. Kirim ulang pesan Anda beberapa saat lagi.")
