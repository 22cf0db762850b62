"""The desk queue's bulk actions: one decision applied to the checked reports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.backoffice import selectors
from aduan.backoffice.forms.base import MESSAGE_MAX
from aduan.core.widgets import FastSelect
from aduan.reports.lifecycle import Change, RejectionReason
from aduan.reports.models import Category, Report

MAX_SELECTED = 100
DISPATCH, REJECT, REQUEST_INFO = "dispatch", "reject", "request_info"


class TrackingIdsField(forms.Field):
    """The checked rows: ``name="laporan"`` checkboxes rendered by the queue table."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v)[:40] for v in values if v]


class BulkForm(forms.Form):
    laporan = TrackingIdsField(
        label=_("Laporan terpilih"),
        error_messages={"required": _("Centang paling sedikit satu laporan.")},
    )
    action = forms.ChoiceField(
        label=_("Tindakan untuk laporan terpilih"),
        choices=[
            (DISPATCH, _("Disposisikan ke satu instansi")),
            (REJECT, _("Tolak dengan satu alasan")),
            (REQUEST_INFO, _("Minta kelengkapan dengan satu pesan")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih tindakan.")},
    )
    agency = forms.ModelChoiceField(
        widget=FastSelect,
        label=_("Instansi tujuan (untuk disposisi)"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Pilih instansi"),
        error_messages={"invalid_choice": _("Pilih instansi dari daftar.")},
    )
    category = forms.ModelChoiceField(
        label=_("Kategori (untuk disposisi)"),
        queryset=Category.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Tetap seperti sekarang"),
        error_messages={"invalid_choice": _("Pilih kategori dari daftar.")},
    )
    reason = forms.ChoiceField(
        label=_("Alasan penolakan (untuk penolakan)"),
        required=False,
        choices=[("", _("Pilih alasan")), *RejectionReason.CHOICES],
    )
    message = forms.CharField(
        label=_("Pesan untuk pelapor"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib untuk permintaan kelengkapan; opsional untuk penolakan."),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The queue's filter form has fields of the same names: keep element ids apart.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        # Bulk dispatch goes to top-level agencies; a unit is chosen on the report page.
        agency.queryset = selectors.top_level_agencies()
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = selectors.active_categories()

    def clean_laporan(self) -> list[str]:
        ids: list[str] = self.cleaned_data.get("laporan") or []
        if len(ids) > MAX_SELECTED:
            raise forms.ValidationError(
                _("Paling banyak %(n)d laporan sekaligus.") % {"n": MAX_SELECTED}
            )
        return ids

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        action = data.get("action")
        if action == DISPATCH and not data.get("agency") and "agency" not in self.errors:
            self.add_error("agency", _("Pilih instansi tujuan."))
        if action == REJECT and not data.get("reason"):
            self.add_error("reason", _("Pilih alasan penolakan."))
        if action == REQUEST_INFO and not (data.get("message") or "").strip():
            self.add_error("message", _("Tulis pesan untuk pelapor."))
        return data

    def change_for(self, report: Report) -> Change:
        """The change for one report (dispatch keeps each report's own public text and
        privacy flags: a bulk action never publishes anything the desk has not seen)."""
        d = self.cleaned_data
        if d["action"] == DISPATCH:
            return Change(agency=d["agency"], category=d.get("category"))
        if d["action"] == REJECT:
            return Change(reason=d["reason"], message=d.get("message", ""))
        return Change(message=d.get("message", ""))
