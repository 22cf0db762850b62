"""Service-level limits and the working-day calendar data.

Limits live in data, not code: they change by decree (Permenpan RB 62/2018 today).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SlaLimit(models.Model):
    class Key(models.TextChoices):
        VERIFY = "verify", _("Verifikasi oleh admin nasional")
        NEEDS_INFO_EXPIRY = "needs_info_expiry", _("Batas kelengkapan dari pelapor")
        FIRST_RESPONSE = "first_response", _("Tanggapan pertama instansi")
        COMPLETION_ASPIRATION = "completion_aspiration", _("Penyelesaian aspirasi")
        COMPLETION_INFO_REQUEST = "completion_info_request", _("Penyelesaian permintaan informasi")
        COMPLETION_COMPLAINT = "completion_complaint", _("Penyelesaian pengaduan")
        COMPLETION_INSPECTION = (
            "completion_inspection",
            _("Penyelesaian pengaduan berkadar pengawasan"),
        )
        AUTO_CLOSE = "auto_close", _("Penutupan otomatis setelah tindak lanjut")
        OMBUDSMAN_AFTER_DISPATCH = (
            "ombudsman_after_dispatch",
            _("Tawaran pelimpahan ke Ombudsman sejak disposisi"),
        )

    class Unit(models.TextChoices):
        WORKING = "working", _("hari kerja")
        CALENDAR = "calendar", _("hari kalender")

    key = models.CharField(_("jenis tenggat"), max_length=40, choices=Key.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("jumlah hari"))
    unit = models.CharField(_("satuan"), max_length=10, choices=Unit.choices, default=Unit.WORKING)
    legal_basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("batas waktu layanan")
        verbose_name_plural = _("batas waktu layanan")
        constraints = [models.CheckConstraint(condition=models.Q(days__gt=0), name="sla_days_gt_0")]

    def __str__(self) -> str:
        return f"{self.get_key_display()}: {self.days} {self.get_unit_display()}"


class CollectiveLeave(models.Model):
    """Cuti bersama: collective leave days decreed yearly (SKB three ministers)."""

    date = models.DateField(_("tanggal"), unique=True)
    description = models.CharField(_("keterangan"), max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("cuti bersama")
        verbose_name_plural = _("cuti bersama")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.description}"


class SlaAction(models.Model):
    """One automatic SLA act (reminder, escalation step, Ombudsman offer) on one deadline.

    The row is the claim: the sweep inserts it in the same transaction as the notices and
    the staff-only event it causes, so when two sweeps race on the same deadline the
    unique constraint lets exactly one of them act. A changed deadline (a re-dispatch) is
    a new key and gets its own reminders.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Pengingat: batas waktu segera tiba")
        OVERDUE = "overdue", _("Pengingat: batas waktu terlewati")
        ESCALATE_AGENCY = "escalate_agency", _("Eskalasi ke admin instansi")
        ESCALATE_PARENT = "escalate_parent", _("Eskalasi ke instansi induk")
        ESCALATE_DESK = "escalate_desk", _("Eskalasi ke admin nasional")
        OMBUDSMAN_OFFER = "ombudsman_offer", _("Tawaran pelimpahan ke Ombudsman")

    report = models.ForeignKey(
        "reports.Report", on_delete=models.PROTECT, related_name="sla_actions"
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    # The deadline acted upon; for once-per-report acts (the Ombudsman offer) the report's
    # submission time, so the key never changes for that report.
    deadline_at = models.DateTimeField(_("batas waktu"))
    recipients = models.PositiveIntegerField(_("jumlah penerima"), default=0)
    created_at = models.DateTimeField(_("waktu"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tindakan SLA")
        verbose_name_plural = _("tindakan SLA")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "deadline_at"], name="sla_action_once_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.deadline_at:%Y-%m-%d %H:%M}"
