from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.triage.models import TriageSettings

MIN_PRECISION = 0.8
MAX_PRECISION = 0.999


class AutoDispatchForm(forms.ModelForm[TriageSettings]):
    # Text, so that both "0,97" (Indonesian) and "0.97" are understood.
    target_precision = forms.CharField(
        label=_("Presisi sasaran (0,80–0,999)"),
        max_length=8,
        help_text=_(
            "Misalnya 0,97: dari 100 laporan yang didisposisikan otomatis, sekitar 97 sampai "
            "ke instansi yang benar. Ambang keyakinan dihitung dari uji silang model terakhir."
        ),
        error_messages={"required": _("Masukkan presisi sasaran.")},
    )

    class Meta:
        model = TriageSettings
        fields = ["auto_dispatch", "target_precision"]
        labels = {
            "auto_dispatch": _("Disposisikan otomatis laporan dengan saran yang sangat yakin"),
        }
        help_texts = {
            "auto_dispatch": _(
                "Mati secara bawaan. Laporan lain tetap menunggu di antrean meja verifikasi."
            ),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            value = self.instance.target_precision
            self.initial["target_precision"] = f"{value:g}".replace(".", ",")

    def clean_target_precision(self) -> float:
        raw = str(self.cleaned_data["target_precision"]).strip().replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            raise forms.ValidationError(_("Masukkan angka, misalnya 0,97.")) from None
        if not MIN_PRECISION <= value <= MAX_PRECISION:
            raise forms.ValidationError(_("Presisi sasaran harus antara 0,80 dan 0,999."))
        return value
