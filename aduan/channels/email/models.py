"""The inbound e-mail log: one row per Message-ID, so a message is handled once however
often a relay posts it or ``aduan readmaildir`` reads it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundEmail(models.Model):
    class Outcome(models.TextChoices):
        REPORT_CREATED = "report_created", _("Laporan dibuat")
        REPLY_APPLIED = "reply_applied", _("Balasan pelapor diteruskan")
        IGNORED = "ignored", _("Diabaikan")

    # The Message-ID without angle brackets, or "sha256:<hash of the raw message>" for
    # the rare message without one.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    outcome = models.CharField(_("hasil"), max_length=20, choices=Outcome.choices)
    reason = models.CharField(_("alasan diabaikan"), max_length=40, blank=True)
    report = models.ForeignKey(
        "reports.Report",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("laporan"),
    )
    action = models.CharField(max_length=30, blank=True)
    # What the sender was told (attachments taken and skipped, truncation), so a resent
    # message gets the same answer. No addresses, no message text: those live on the
    # report when one was made, and nowhere when the message was ignored.
    detail = models.JSONField(default=dict, blank=True)
    size = models.PositiveIntegerField(_("ukuran (bita)"), default=0)
    received_at = models.DateTimeField(_("diterima"), db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("surel masuk")
        verbose_name_plural = _("surel masuk")

    def __str__(self) -> str:
        return f"{self.message_id[:60]} {self.outcome}"
