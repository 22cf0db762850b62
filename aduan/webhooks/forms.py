"""Forms of the webhook pages: input parsing only; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.core.widgets import FastSelect
from aduan.webhooks import destinations
from aduan.webhooks.models import EventType, WebhookDelivery


class EndpointForm(forms.Form):
    agency = forms.ModelChoiceField(
        widget=FastSelect,
        label=_("Instansi"),
        queryset=Agency.objects.none(),
        help_text=_("Endpoint menerima peristiwa laporan instansi ini dan unit kerja di bawahnya."),
    )
    url = forms.CharField(
        label=_("Alamat URL penerima"),
        max_length=destinations.MAX_URL_LENGTH,
        help_text=_(
            "Alamat HTTPS di sistem instansi Anda, misalnya https://aduan.kota.go.id/webhook."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )
    description = forms.CharField(
        label=_("Keterangan"),
        max_length=200,
        required=False,
        help_text=_("Untuk membedakan endpoint, misalnya nama aplikasinya."),
    )
    events = forms.MultipleChoiceField(
        label=_("Peristiwa yang dikirim"),
        # The technical name is shown too: it is what the receiving system switches on.
        choices=[
            (value, format_lazy("{} ({})", label, value)) for value, label in EventType.choices
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pilih paling sedikit satu jenis peristiwa.")},
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        field.empty_label = None

    def clean_url(self) -> str:
        return destinations.clean_url(self.cleaned_data["url"])


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua")), *WebhookDelivery.Status.choices],
    )
