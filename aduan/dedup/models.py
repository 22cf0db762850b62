"""The persistent near-duplicate index and the candidate pairs it found.

One :class:`IndexedReport` per report holds its MinHash signature; one :class:`BandKey`
row per (report, band) makes "who shares a band with this signature, in this place and
time window" an indexed lookup (LSH), never a scan over all reports. Candidate pairs found
at intake are stored, so the desk's list of open duplicates is a plain query.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexedReport(models.Model):
    report = models.OneToOneField(
        "reports.Report", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # Copies of the report's place and time, so band lookups filter without a join.
    region_code = models.CharField(max_length=5, blank=True)
    district_code = models.CharField(max_length=8, blank=True)
    submitted_at = models.DateTimeField()
    signature = models.BinaryField()
    indexed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"index {self.report_id}"


class BandKey(models.Model):
    entry = models.ForeignKey(IndexedReport, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField()
    region_code = models.CharField(max_length=5, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["key", "region_code", "submitted_at"], name="dedup_band_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.key}"


class Candidate(models.Model):
    """``report`` (the newer one) may describe the same problem as ``similar``."""

    class Reason(models.TextChoices):
        SIMILAR = "similar", _("Teks mirip di lokasi yang sama")
        CITED = "cited", _("Menyebut nomor pelacakan laporan lain")

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="duplicate_candidates"
    )
    similar = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    dismissed = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-score", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "similar"], name="dedup_candidate_pair"),
            models.CheckConstraint(
                condition=~models.Q(report=models.F("similar")), name="dedup_candidate_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["similar"], name="dedup_candidate_similar"),
            models.Index(
                fields=["-created_at"],
                name="dedup_candidate_open",
                condition=models.Q(dismissed=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}~{self.similar_id} ({self.score:.2f})"
