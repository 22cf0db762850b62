"""The form that creates an API key on the staff page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.core.widgets import FastSelect
from aduan.integrations.models import Scope

# Above this many agencies a drop-down is unusable: the desk types the agency code.
SELECT_LIMIT = 300


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.code})"


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Nama kunci"),
        max_length=100,
        help_text=_("Untuk mengenali kunci nanti, misalnya “SIPP Dinkes — server produksi”."),
    )
    agency = AgencyChoiceField(
        widget=FastSelect,
        label=_("Instansi"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        help_text=_("Kunci hanya menjangkau laporan instansi ini dan unit kerja di bawahnya."),
        error_messages={"invalid_choice": _("Instansi ini tidak dapat Anda pilih.")},
    )
    scopes = forms.MultipleChoiceField(
        label=_("Cakupan"),
        choices=[(value, f"{label} ({value})") for value, label in Scope.choices],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Berikan cakupan sesedikit mungkin yang dibutuhkan sistem Anda."),
        error_messages={"required": _("Pilih setidaknya satu cakupan.")},
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        active = agencies.filter(is_active=True).order_by("path")
        field.queryset = active
        if active.count() > SELECT_LIMIT:
            field.widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
            field.label = _("Kode instansi")
            field.help_text = _(
                "Kode instansi, misalnya 32.73 atau KEMENKES. Kunci hanya menjangkau laporan "
                "instansi ini dan unit kerja di bawahnya."
            )
        elif active.count() == 1:
            field.initial = active.first()
