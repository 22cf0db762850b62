"""Trained routing models, the suggestions they made and what the desk chose.

The model itself is a file (see :mod:`aduan.triage.store`); its row holds the hash that
must match before the file is loaded, and what training measured on held-out folds (the
precision curve from which the auto-dispatch threshold is read).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.TextChoices):
    AGENCY = "agency", _("Instansi")
    CATEGORY = "category", _("Kategori")


class TrainedModel(models.Model):
    target = models.CharField(max_length=10, choices=Target.choices)
    created_at = models.DateTimeField(db_index=True)
    file_name = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    samples = models.PositiveIntegerField()
    labels = models.JSONField(default=list)  # the labels the model can suggest
    dropped_labels = models.JSONField(default=dict)  # label -> examples (too few)
    train_seconds = models.FloatField()
    # Out-of-fold figures on the training history (None when it was too small to split).
    cv_accuracy = models.FloatField(null=True, blank=True)
    cv_top3_accuracy = models.FloatField(null=True, blank=True)
    precision_curve = models.JSONField(default=list)
    reliability = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target", "-created_at"], name="triage_model_latest")]

    def __str__(self) -> str:
        return f"{self.target} {self.created_at:%Y-%m-%d %H:%M}"


class TriageSettings(models.Model):
    """One row (pk=1): the desk's auto-dispatch switch. Off by default."""

    auto_dispatch = models.BooleanField(_("disposisi otomatis"), default=False)
    target_precision = models.FloatField(
        _("presisi sasaran"),
        default=0.97,
        validators=[MinValueValidator(0.8), MaxValueValidator(0.999)],
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return f"auto_dispatch={self.auto_dispatch} target={self.target_precision}"

    @classmethod
    def current(cls) -> TriageSettings:
        found = cls.objects.filter(pk=1).first()
        return found if found is not None else cls(pk=1)


class Suggestion(models.Model):
    """The suggestion shown for a report, and (once dispatched) what the desk chose."""

    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, related_name="triage_suggestion"
    )
    model = models.ForeignKey(TrainedModel, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField()
    # [{"agency": id, "confidence": 0.93}, ...] best first (top 3).
    agencies = models.JSONField(default=list)
    # [{"category": id, "confidence": 0.81}, ...]
    categories = models.JSONField(default=list)
    top_agency = models.ForeignKey(
        "agencies.Agency", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confidence = models.FloatField(default=0.0)
    chosen_agency = models.ForeignKey(
        "agencies.Agency", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(null=True, blank=True, db_index=True)
    top1_hit = models.BooleanField(null=True)
    top3_hit = models.BooleanField(null=True)
    auto_dispatched = models.BooleanField(default=False)
    returned = models.BooleanField(default=False)  # "bukan wewenang" after dispatch

    class Meta:
        indexes = [
            models.Index(
                fields=["auto_dispatched"],
                condition=models.Q(auto_dispatched=True),
                name="triage_sugg_auto",
            )
        ]

    def __str__(self) -> str:
        return f"suggestion for report {self.report_id}"
