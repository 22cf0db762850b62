"""Administrative regions (Kemendagri codes): provinces, regencies/cities, districts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"
TIME_ZONE_CHOICES = [(WIB, "WIB"), (WITA, "WITA"), (WIT, "WIT")]

# Province code prefix → time zone (UU/Keppres on Indonesian time zones).
# Kalimantan Barat (61) and Kalimantan Tengah (62) are WIB; the rest of Kalimantan,
# Bali, Nusa Tenggara and Sulawesi are WITA; Maluku and Papua are WIT.
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}


def time_zone_for_code(code: str) -> str:
    province = code.split(".", 1)[0]
    if province in _WIT_PROVINCES:
        return WIT
    if province in _WITA_PROVINCES:
        return WITA
    return WIB


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Provinsi")
        REGENCY = "regency", _("Kabupaten/Kota")

    code = models.CharField(_("kode"), max_length=5, primary_key=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices)
    name = models.CharField(_("nama"), max_length=100)
    time_zone = models.CharField(_("zona waktu"), max_length=20, choices=TIME_ZONE_CHOICES)
    population = models.PositiveIntegerField(_("penduduk"), default=0)
    area_km2 = models.DecimalField(_("luas (km²)"), max_digits=12, decimal_places=3, default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.code.split(".", 1)[0]


class District(models.Model):
    code = models.CharField(_("kode"), max_length=8, primary_key=True)
    regency = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self) -> str:
        return self.name
