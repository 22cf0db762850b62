"""Per-agency API keys: how an agency's own complaint system connects ("berbagi pakai")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Membaca laporan")
    WRITE = "write", _("Menindaklanjuti dan mengirim laporan")
    WEBHOOKS = "webhooks", _("Mengelola webhook")


class ApiKey(models.Model):
    """A secret shown once; only its SHA-256 is stored (keys are 190 random bits, so a
    fast hash is enough — a slow one would only slow every API call)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(_("nama"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("kunci API")
        verbose_name_plural = _("kunci API")

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
