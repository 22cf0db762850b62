"""Agencies (K/L/D and their work units) and staff memberships."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.regions.models import TIME_ZONE_CHOICES, WIB


class Agency(models.Model):
    class Kind(models.TextChoices):
        DESK = "desk", _("Admin nasional")
        OMBUDSMAN = "ombudsman", _("Ombudsman")
        MINISTRY = "ministry", _("Kementerian")
        INSTITUTION = "institution", _("Lembaga")
        BUMN = "bumn", _("BUMN")
        PROVINCE = "province", _("Pemerintah provinsi")
        REGENCY = "regency", _("Pemerintah kabupaten")
        CITY = "city", _("Pemerintah kota")
        UNIT = "unit", _("Unit kerja")

    code = models.CharField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    abbreviation = models.CharField(_("singkatan"), max_length=40, blank=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("induk"),
    )
    # Materialised path of codes ("/32.73/32.73.DINKES/") so a subtree is one indexed
    # prefix query; kept by Agency.save() from the parent's path.
    path = models.CharField(max_length=255, unique=True, editable=False)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("wilayah"),
    )
    time_zone = models.CharField(
        _("zona waktu"), max_length=20, choices=TIME_ZONE_CHOICES, default=WIB
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_within(self, other: Agency) -> bool:
        """True when this agency is ``other`` or one of its descendants."""
        return self.path.startswith(other.path)


class Role(models.TextChoices):
    DESK = "desk", _("Admin nasional")
    AGENCY_ADMIN = "agency_admin", _("Admin instansi")
    OFFICER = "officer", _("Pejabat penghubung")
    COORDINATOR = "coordinator", _("Koordinator lokal")
    OMBUDSMAN = "ombudsman", _("Ombudsman")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.agency.code} ({self.get_role_display()})"
