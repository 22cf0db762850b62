from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aduan.stats.models import ComplianceSettings, NationalTarget


@admin.register(NationalTarget)
class NationalTargetAdmin(admin.ModelAdmin[NationalTarget]):
    list_display = ["year", "reports_target", "follow_up_target"]
    list_editable = ["reports_target", "follow_up_target"]


class ComplianceSettingsForm(forms.ModelForm[ComplianceSettings]):
    class Meta:
        model = ComplianceSettings
        fields = [
            "weight_follow_up",
            "weight_first_response",
            "weight_completion",
            "weight_satisfaction",
            "weight_bounce",
            "threshold_good",
            "threshold_fair",
        ]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        weights = [
            data.get(name) or 0
            for name in (
                "weight_follow_up",
                "weight_first_response",
                "weight_completion",
                "weight_satisfaction",
                "weight_bounce",
            )
        ]
        if any(w < 0 for w in weights) or not sum(weights):
            raise forms.ValidationError(_("Bobot tidak boleh negatif dan jumlahnya harus > 0."))
        good, fair = data.get("threshold_good"), data.get("threshold_fair")
        if good is not None and fair is not None and not 0 <= fair < good <= 100:
            raise forms.ValidationError(_("Batas predikat harus memenuhi 0 ≤ Sedang < Baik ≤ 100."))
        return data


@admin.register(ComplianceSettings)
class ComplianceSettingsAdmin(admin.ModelAdmin[ComplianceSettings]):
    form = ComplianceSettingsForm
    list_display = [
        "updated_at",
        "weight_follow_up",
        "weight_first_response",
        "weight_completion",
        "weight_satisfaction",
        "weight_bounce",
        "threshold_good",
        "threshold_fair",
    ]
