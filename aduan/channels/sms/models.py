"""The SMS and chat log: every inbound message with the reply it got, and the parts of
concatenated messages waiting for their siblings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")


PHONE_PLATFORMS = frozenset({Platform.SMS, Platform.WHATSAPP})


class Outcome(models.TextChoices):
    REPORT_CREATED = "report_created", _("Laporan dibuat")
    REPORT_REPEATED = "report_repeated", _("Laporan yang sama dikirim ulang")
    STATUS = "status", _("Cek status")
    REPLY_APPLIED = "reply_applied", _("Balasan pelapor diteruskan")
    REPLY_REFUSED = "reply_refused", _("Balasan tidak diterima")
    HELP = "help", _("Petunjuk format dikirim")
    PART_STORED = "part_stored", _("Bagian pesan panjang disimpan")
    RATE_LIMITED = "rate_limited", _("Terlalu banyak pesan")


class InboundSms(models.Model):
    """One delivery from a gateway and the reply sent back (the outbound log).

    The gateway's message ID is unique per platform: a retried delivery finds its row and
    gets the same reply without acting twice. The text is personal data kept for the
    handling record; the sender is kept to find a reporter's conversation and to
    recognise a resent report.
    """

    platform = models.CharField(
        _("platform"), max_length=10, choices=Platform.choices, default=Platform.SMS
    )
    message_id = models.CharField(_("ID pesan gateway"), max_length=100, blank=True)
    sender = models.CharField(_("pengirim"), max_length=64)
    recipient = models.CharField(_("nomor tujuan"), max_length=20, blank=True)
    text = models.TextField(_("isi pesan"), blank=True)
    part_ref = models.PositiveIntegerField(null=True, blank=True)
    part_seq = models.PositiveSmallIntegerField(null=True, blank=True)
    part_total = models.PositiveSmallIntegerField(null=True, blank=True)
    # SHA-256 of the folded text of a whole message that filed a report: the same text
    # sent again (no reply came, the phone retried) answers with the same tracking ID.
    text_hash = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(_("hasil"), max_length=20, choices=Outcome.choices)
    report = models.ForeignKey(
        "reports.Report",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("laporan"),
    )
    reply = models.TextField(_("balasan"), blank=True)
    reply_to = models.CharField(_("balasan ke"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("diterima gateway"))
    created_at = models.DateTimeField(_("dicatat"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SMS masuk")
        verbose_name_plural = _("SMS masuk")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "message_id"],
                condition=~models.Q(message_id=""),
                name="inbound_sms_unique_message_id",
            )
        ]
        indexes = [
            models.Index(
                fields=["platform", "sender", "created_at"], name="inbound_sms_sender_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.created_at:%Y-%m-%d %H:%M} {self.outcome}"


class SmsPart(models.Model):
    """One part of a concatenated SMS (UDH reference, total, sequence number).

    The text is kept as UTF-16-LE code units: a gateway that decodes parts one by one may
    split an emoji's surrogate pair across two parts, and only the joined code units make
    the character again. A set is processed when its last part arrives; incomplete sets
    older than :data:`aduan.channels.sms.services.PART_TTL` are dropped.
    """

    sender = models.CharField(max_length=64)
    ref = models.PositiveIntegerField()
    total = models.PositiveSmallIntegerField()
    seq = models.PositiveSmallIntegerField()
    text_utf16 = models.BinaryField()
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["sender", "ref", "seq"]
        verbose_name = _("bagian SMS")
        verbose_name_plural = _("bagian SMS")
        constraints = [
            models.UniqueConstraint(fields=["sender", "ref", "seq"], name="sms_part_unique_seq"),
            models.CheckConstraint(
                condition=models.Q(seq__gte=1) & models.Q(seq__lte=models.F("total")),
                name="sms_part_seq_in_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.seq}/{self.total}"

    @property
    def text(self) -> str:
        return bytes(self.text_utf16).decode("utf-16-le", "replace")
