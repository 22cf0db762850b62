"""Outgoing notices: one row per (event or SLA act) × recipient × channel.

Rows are written in the transaction of the change that causes them, so a notice exists
exactly when that change committed; a background task sends it afterwards. The unique
``dedupe_key`` makes "queue this notice" idempotent, and the status column makes
"send this notice" idempotent: a task that runs twice finds the row already sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Surel")
        SMS = "sms", _("SMS")

    class Audience(models.TextChoices):
        REPORTER = "reporter", _("Pelapor")
        STAFF = "staff", _("Petugas")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    dedupe_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("jenis"), max_length=30)
    audience = models.CharField(_("penerima"), max_length=10, choices=Audience.choices)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    # An e-mail address or a phone number. For reporter notices this is personal data:
    # never shown in the back office lists (see aduan.notifications.selectors).
    recipient = models.CharField(_("alamat tujuan"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("akun penerima"),
    )
    report = models.ForeignKey(
        "reports.Report",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("laporan"),
    )
    event = models.ForeignKey(
        "reports.ReportEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subjek"), max_length=200, blank=True)
    body = models.TextField(_("isi"))

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [
            # The sweep's safety net and the staff page read only unsent rows.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="notification_unsent",
                condition=~models.Q(status="sent"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} ({self.get_status_display()})"


class DigestRun(models.Model):
    """One row per day on which the staff digest was started: the claim that keeps
    several workers from each sending it. Per-user notices are de-duplicated too."""

    date = models.DateField(unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"digest {self.date:%Y-%m-%d}"
