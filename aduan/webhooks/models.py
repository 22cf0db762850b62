"""Outbound webhooks: endpoints an agency registers, and the deliveries sent to them.

A delivery row is written in the same transaction as the report event that causes it, so
a crash never loses one; the worker then POSTs it (at least once) until the receiver
answers 2xx or the retries run out. Receivers de-duplicate by ``event_id``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """Stable names: agency systems switch on them, so they never change meaning."""

    DISPATCHED = "report.dispatched", _("Laporan masuk ke instansi (disposisi, pelimpahan)")
    REPORTER_REPLIED = "report.reporter_replied", _("Pelapor menanggapi atau melengkapi")
    UPDATED = "report.updated", _("Petugas menerima, memberi perkembangan atau tindak lanjut")
    RETURNED = "report.returned", _("Laporan dikembalikan ke admin nasional")
    CLOSED = "report.closed", _("Laporan selesai")
    DEADLINE_REMINDER = "report.deadline_reminder", _("Pengingat dan eskalasi batas waktu")
    SUBMITTED_VIA_AGENCY = (
        "report.submitted_via_agency",
        _("Laporan dikirim melalui aplikasi instansi"),
    )


# Sent only by the "send test event" button; every endpoint receives it.
PING = "ping"


class WebhookEndpoint(models.Model):
    # Public identifier in URLs and the API (no guessable sequence), and part of the
    # context that seals the secret.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
        verbose_name=_("instansi"),
    )
    url = models.URLField(_("alamat URL"), max_length=500)
    description = models.CharField(_("keterangan"), max_length=200, blank=True)
    events = models.JSONField(_("jenis peristiwa"), default=list)
    # The signing secret, encrypted with a key derived from SECRET_KEY (it must be
    # readable to sign, so it cannot be hashed like an API key).
    secret_sealed = models.TextField(editable=False)
    # After a rotation the old secret still signs for a while (a second signature in the
    # header), so the receiver can switch without losing deliveries.
    previous_secret_sealed = models.TextField(blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # False once deleted by its admin: kept for the log, never delivered to again.
    is_active = models.BooleanField(_("aktif"), default=True)
    paused_at = models.DateTimeField(_("dijeda sejak"), null=True, blank=True)
    paused_reason = models.CharField(_("alasan jeda"), max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("kegagalan beruntun"), default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"))

    class Meta:
        ordering = ["agency__code", "created_at", "id"]
        verbose_name = _("endpoint webhook")
        verbose_name_plural = _("endpoint webhook")

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.url}"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def subscribes_to(self, event_type: str) -> bool:
        return event_type == PING or event_type in self.events


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu dikirim")
        FAILED = "failed", _("Gagal, akan dicoba lagi")
        SUCCEEDED = "succeeded", _("Terkirim")
        ABANDONED = "abandoned", _("Dihentikan")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(_("ID peristiwa"), max_length=36)
    event_type = models.CharField(_("jenis peristiwa"), max_length=40)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField()
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    # When the next try may run. While a worker holds the row it is pushed a lease into
    # the future, so a worker that dies mid-send frees the row by itself.
    next_attempt_at = models.DateTimeField(_("percobaan berikutnya"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    last_status_code = models.PositiveSmallIntegerField(_("kode terakhir"), null=True, blank=True)
    last_error = models.CharField(_("galat terakhir"), max_length=500, blank=True)
    last_response_excerpt = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("dibuat"), db_index=True)
    delivered_at = models.DateTimeField(_("terkirim"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pengiriman webhook")
        verbose_name_plural = _("pengiriman webhook")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_event_once"
            )
        ]
        indexes = [
            # Only rows still to be sent are ever looked up by time.
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} → {self.endpoint_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.FAILED)


class WebhookAttempt(models.Model):
    """One POST and what came back: the per-endpoint delivery log."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(_("waktu"))
    status_code = models.PositiveSmallIntegerField(_("kode respons"), null=True, blank=True)
    error = models.CharField(_("galat"), max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("durasi (md)"), default=0)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        verbose_name = _("percobaan pengiriman webhook")
        verbose_name_plural = _("percobaan pengiriman webhook")

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.attempted_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
