"""Bookkeeping of the demo data seeder."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoReport(models.Model):
    """Marks a report made by ``aduan seed --demo``.

    ``seq`` is the report's position in the demo sequence: report *n* is always
    generated from the same random seed, so a top-up run continues the sequence where
    the last one stopped instead of duplicating it.
    """

    seq = models.PositiveIntegerField(unique=True)
    report = models.OneToOneField("reports.Report", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["seq"]
        verbose_name = _("laporan demo")
        verbose_name_plural = _("laporan demo")

    def __str__(self) -> str:
        return f"demo #{self.seq}"
