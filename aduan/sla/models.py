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
