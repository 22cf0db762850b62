"""Creating and editing an agency's response templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.backoffice import selectors
from aduan.backoffice.forms.base import MESSAGE_MAX, agency_label
from aduan.core.widgets import FastSelect


class ResponseTemplateForm(forms.Form):
    agency = forms.ModelChoiceField(
        widget=FastSelect,
        label=_("Instansi"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        help_text=_("Petugas instansi ini dan unit-unit di bawahnya dapat memakai templat."),
        error_messages={
            "required": _("Pilih instansi."),
            "invalid_choice": _("Pilih instansi dari daftar."),
        },
    )
    title = forms.CharField(
        label=_("Judul templat"),
        max_length=120,
        error_messages={"required": _("Tulis judul templat.")},
    )
    body = forms.CharField(
        label=_("Isi templat"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Tulis isi templat.")},
    )
    is_active = forms.BooleanField(
        label=_("Aktif"),
        required=False,
        initial=True,
        help_text=_("Templat nonaktif tidak ditawarkan kepada petugas."),
    )

    def __init__(self, *args: Any, admin_agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        agencies = list(selectors.template_agencies(admin_agencies))
        field.queryset = selectors.template_agencies(admin_agencies)
        field.widget.choices = [(a.code, agency_label(a)) for a in agencies]
        if len(agencies) == 1:
            self.initial.setdefault("agency", agencies[0].code)
