"""Audit trail of sensitive acts that are not report transitions.

Transitions are already recorded as :class:`aduan.reports.models.ReportEvent` rows; this
table holds the rest: every view of a reporter's identity by staff and every change of
permissions (memberships, staff accounts, second-factor requirements).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.audit.chain import ChainedModel, hash_index


class ChainHead(models.Model):
    """The last position and hash of one hash chain (``events``, ``audit``).

    Locked by every append (see :mod:`aduan.audit.chain`); it also lets ``aduan audit
    verify`` notice records deleted from the end of a chain."""

    name = models.CharField(max_length=20, primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    # The hash before the last append (what that row's ``prev_hash`` is): PostgreSQL's
    # one-statement append reads it back from its own UPDATE, which returns new values.
    prev_hash = models.CharField(max_length=64, default="", editable=False)

    def __str__(self) -> str:
        return f"{self.name}@{self.seq}"


class AuditRecord(ChainedModel):
    class Action(models.TextChoices):
        VIEW_IDENTITY = "view_identity", _("Melihat identitas pelapor")
        EXPORT_IDENTITY = "export_identity", _("Mengekspor identitas pelapor")
        MEMBERSHIP_ADD = "membership_add", _("Memberi peran")
        MEMBERSHIP_REMOVE = "membership_remove", _("Mencabut peran")
        STAFF_CREATE = "staff_create", _("Membuat akun petugas")
        STAFF_DEACTIVATE = "staff_deactivate", _("Menonaktifkan akun petugas")
        STAFF_ACTIVATE = "staff_activate", _("Mengaktifkan akun petugas")
        TWO_FACTOR_POLICY = "two_factor_policy", _("Mengubah kewajiban verifikasi dua langkah")
        TWO_FACTOR_DEVICE = "two_factor_device", _("Mengubah perangkat verifikasi dua langkah")
        UNIT_CREATE = "unit_create", _("Membuat unit kerja")
        API_KEY_CREATE = "api_key_create", _("Membuat kunci API")
        API_KEY_REVOKE = "api_key_revoke", _("Mencabut kunci API")
        WEBHOOK_CREATE = "webhook_create", _("Mendaftarkan webhook")
        WEBHOOK_DELETE = "webhook_delete", _("Menghapus webhook")
        WEBHOOK_SECRET_ROTATE = "webhook_secret_rotate", _("Mengganti rahasia webhook")
        WEBHOOK_PAUSE = "webhook_pause", _("Menjeda webhook")
        WEBHOOK_RESUME = "webhook_resume", _("Melanjutkan webhook")
        LOGIN_FAILED_LOCKOUT = "login_lockout", _("Akun dikunci sementara")
        PASSWORD_LINK = "password_link", _("Mengirim tautan atur kata sandi")
        EXPORT_REPORTS = "export_reports", _("Mengekspor daftar laporan")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_records",
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["report", "created_at"], name="audit_report_time"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            hash_index("audit_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_id} {self.action}"
