"""Statistics rollups, national targets and compliance-index settings.

- :class:`ReportFact`: one row per report with its dimensions and its precomputed
  flags and working-day durations; rewritten by a lifecycle hook in the transaction of
  every event (see :mod:`aduan.stats.rollups`).
- :class:`MonthlyRollup`: counters (:mod:`aduan.stats.columns`) per month of receipt ×
  scope key, where the key is either the handling agency's materialised path
  (``kind="agency"``, "" = not with an agency) or the report's region code
  (``kind="region"``, "" = unknown), or "" (``kind="all"``: national, so national pages
  read one row per month). Every report is in exactly one row of each kind.
- :class:`CategoryRollup`: received/dispatched/followed-up per month × scope key ×
  category.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.stats.columns import CATEGORY_COLUMN_NAMES, COLUMN_NAMES, LIVE_NAMES


class ScopeKey(models.TextChoices):
    ALL = "all", "all"  # one row per month: the national figures (key "")
    AGENCY = "agency", "agency"
    REGION = "region", "region"


class ReportFact(models.Model):
    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    month = models.DateField()  # first day of the WIB month of receipt
    day = models.DateField()  # WIB date of receipt
    agency_path = models.CharField(max_length=255, blank=True)
    region_code = models.CharField(max_length=5, blank=True)
    category_id = models.IntegerField(null=True, blank=True)
    channel = models.CharField(max_length=12)
    type = models.CharField(max_length=20)
    status = models.CharField(max_length=12)
    rejection_reason = models.CharField(max_length=20, blank=True)
    verified = models.BooleanField(default=False)
    dispatched = models.BooleanField(default=False)
    followed_up = models.BooleanField(default=False)
    first_response_on_time = models.BooleanField(null=True)
    completion_on_time = models.BooleanField(null=True)
    verify_wd = models.IntegerField(null=True)
    first_response_wd = models.IntegerField(null=True)
    completion_wd = models.IntegerField(null=True)
    bounce_count = models.IntegerField(default=0)
    rating = models.IntegerField(null=True)
    resolved = models.BooleanField(null=True)
    is_open = models.BooleanField(default=True)
    # For the live (time-dependent) counts: overdue, missed deadlines.
    due_at = models.DateTimeField(null=True)
    first_response_due_at = models.DateTimeField(null=True)
    completion_due_at = models.DateTimeField(null=True)
    first_response_given = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="stats_fact_day"),
            models.Index(
                fields=["day", "agency_path"],
                name="stats_fact_open_day",
                condition=models.Q(is_open=True),
            ),
            # The live counts' window (deadlines between the watermark and now).
            models.Index(
                fields=["due_at"], name="stats_fact_open_due", condition=models.Q(is_open=True)
            ),
            models.Index(
                fields=["first_response_due_at"],
                name="stats_fact_open_first_due",
                condition=models.Q(is_open=True),
            ),
            models.Index(
                fields=["completion_due_at"],
                name="stats_fact_open_compl_due",
                condition=models.Q(is_open=True),
            ),
        ]

    def __str__(self) -> str:
        return f"fact {self.pk}"


class MonthlyRollup(models.Model):
    month = models.DateField()
    kind = models.CharField(max_length=6, choices=ScopeKey.choices)
    key = models.CharField(max_length=255, blank=True)
    locals().update({name: models.IntegerField(default=0) for name in COLUMN_NAMES})

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "month"], name="stats_rollup_key")
        ]
        indexes = [
            models.Index(fields=["kind", "month"], name="stats_rollup_month"),
            # Subtree prefix (key LIKE '/path/%') on PostgreSQL with any collation.
            models.Index(
                fields=["key"], name="stats_rollup_key_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}@{self.month}"


class LiveRollup(models.Model):
    """Open reports past a deadline without an answer (:data:`~aduan.stats.columns.LIVE_NAMES`)
    as of the :class:`LiveWatermark`, per month of receipt × scope key (as
    :class:`MonthlyRollup`). The counts at ``now`` add the deadlines that passed between
    the watermark and ``now``, read from the facts (:mod:`aduan.stats.rollups`)."""

    month = models.DateField()
    kind = models.CharField(max_length=6, choices=ScopeKey.choices)
    key = models.CharField(max_length=255, blank=True)
    locals().update({name: models.IntegerField(default=0) for name in LIVE_NAMES})

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "month"], name="stats_live_key")
        ]
        indexes = [
            models.Index(fields=["kind", "month"], name="stats_live_month"),
            models.Index(
                fields=["key"], name="stats_live_key_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"live {self.kind}:{self.key}@{self.month}"


class LiveWatermark(models.Model):
    """The moment :class:`LiveRollup` counts are as of (one row, pk 1; missing = never
    advanced: the counts are those of the distant past, i.e. zero)."""

    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"live watermark {self.at}"


class CategoryRollup(models.Model):
    month = models.DateField()
    kind = models.CharField(max_length=6, choices=ScopeKey.choices)
    key = models.CharField(max_length=255, blank=True)
    category_id = models.IntegerField(default=0)  # 0 = not categorised
    locals().update({name: models.IntegerField(default=0) for name in CATEGORY_COLUMN_NAMES})

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "month", "category_id"],
                name="stats_catrollup_key",
            )
        ]
        indexes = [
            models.Index(fields=["kind", "month"], name="stats_catrollup_month"),
            models.Index(
                fields=["key"], name="stats_catrollup_key_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}@{self.month}/{self.category_id}"


class NationalTarget(models.Model):
    year = models.PositiveIntegerField(_("tahun"), unique=True)
    reports_target = models.PositiveIntegerField(_("target laporan diterima"))
    follow_up_target = models.DecimalField(
        _("target porsi tindak lanjut"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Pecahan antara 0 dan 1, misalnya 0,700 untuk 70 %."),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("target nasional")
        verbose_name_plural = _("target nasional")

    def __str__(self) -> str:
        return str(self.year)


class ComplianceSettings(models.Model):
    """Weights of the compliance index and predicate thresholds. The newest row is used."""

    weight_follow_up = models.DecimalField(
        _("bobot tingkat tindak lanjut"), max_digits=4, decimal_places=3, default=0.35
    )
    weight_first_response = models.DecimalField(
        _("bobot tanggapan pertama tepat waktu"), max_digits=4, decimal_places=3, default=0.2
    )
    weight_completion = models.DecimalField(
        _("bobot penyelesaian tepat waktu"), max_digits=4, decimal_places=3, default=0.2
    )
    weight_satisfaction = models.DecimalField(
        _("bobot kepuasan pelapor"), max_digits=4, decimal_places=3, default=0.15
    )
    weight_bounce = models.DecimalField(
        _("bobot ketepatan disposisi (1 − tingkat bukan wewenang)"),
        max_digits=4,
        decimal_places=3,
        default=0.1,
    )
    threshold_good = models.DecimalField(
        _("batas bawah predikat Baik"), max_digits=5, decimal_places=2, default=80
    )
    threshold_fair = models.DecimalField(
        _("batas bawah predikat Sedang"), max_digits=5, decimal_places=2, default=60
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("pengaturan indeks kepatuhan")
        verbose_name_plural = _("pengaturan indeks kepatuhan")

    def __str__(self) -> str:
        return str(_("Pengaturan indeks kepatuhan"))

    def weights(self) -> dict[str, float]:
        raw: dict[str, Any] = {
            "follow_up_rate": self.weight_follow_up,
            "on_time_first_response_rate": self.weight_first_response,
            "on_time_completion_rate": self.weight_completion,
            "satisfaction": self.weight_satisfaction,
            "bounce_rate": self.weight_bounce,
        }
        return {k: float(v) for k, v in raw.items()}


class PendingFact(models.Model):
    """A report whose statistics fact is to be refreshed (``ADUAN_STATS_DEFERRED``): the
    event's transaction only marks it; :func:`aduan.stats.rollups.drain` refreshes the
    marked reports in batches, seconds later, outside the event's transaction."""

    report_id = models.BigIntegerField(primary_key=True)
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fakta statistik tertunda")
        verbose_name_plural = _("fakta statistik tertunda")

    def __str__(self) -> str:
        return str(self.report_id)
