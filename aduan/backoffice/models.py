"""Reusable response templates: an agency's standard follow-up texts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponseTemplate(models.Model):
    """A follow-up text an agency writes once and reuses. Officers of the agency and of
    its units may use it; only the agency's admins change it (see access.py)."""

    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="response_templates",
        verbose_name=_("instansi"),
    )
    title = models.CharField(_("judul templat"), max_length=120)
    body = models.TextField(_("isi templat"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("templat tanggapan")
        verbose_name_plural = _("templat tanggapan")
        indexes = [models.Index(fields=["agency", "is_active"], name="template_agency_active")]

    def __str__(self) -> str:
        return self.title
