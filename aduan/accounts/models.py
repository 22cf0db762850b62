"""Account security settings that agencies own.

An agency admin may require a second factor (TOTP) for everyone working in their agency
subtree; the national desk may set it for any agency. Who is affected is decided in
:mod:`aduan.accounts.twofactor`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencySecurityPolicy(models.Model):
    agency = models.OneToOneField(
        "agencies.Agency",
        on_delete=models.CASCADE,
        related_name="security_policy",
        verbose_name=_("instansi"),
    )
    require_two_factor = models.BooleanField(_("wajib verifikasi dua langkah"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("diubah"))

    class Meta:
        verbose_name = _("kebijakan keamanan instansi")
        verbose_name_plural = _("kebijakan keamanan instansi")
        indexes = [
            # The 2FA check on every staff page reads only policies that require it.
            models.Index(
                fields=["agency"],
                name="policy_requires_2fa",
                condition=models.Q(require_two_factor=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}: 2FA={'on' if self.require_two_factor else 'off'}"
