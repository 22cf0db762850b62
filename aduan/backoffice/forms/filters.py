"""Filters of the desk queue and the agency inbox. Invalid values are ignored and
explained, never an error page (a stale bookmark must still open the list)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.backoffice import selectors
from aduan.core.widgets import set_choices
from aduan.reports.models import Channel, Status

QUERY_MAX = 200
Choices = list[tuple[Any, Any]]


class _FilterForm(forms.Form):
    q = forms.CharField(
        label=_("Cari"),
        max_length=QUERY_MAX,
        required=False,
        help_text=_("Nomor pelacakan, atau kata dalam judul atau isi laporan."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    overdue = forms.BooleanField(label=_("Hanya yang terlambat"), required=False)
    category = forms.ChoiceField(label=_("Kategori"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = str(_("Semua"))
        self._categories = {c.code: c for c in selectors.active_categories()}
        categories = [(code, c.name) for code, c in self._categories.items()]
        set_choices(self, "category", [("", everything), *categories])
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _(
                "Nilai “%(value)s” tidak dikenal; saringan ini diabaikan."
            )

    def valid_data(self) -> dict[str, Any]:
        """The fields that validated; call after ``is_valid()``."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    def ignored_messages(self) -> list[str]:
        return [str(e) for errors in self.errors.values() for e in errors]


class QueueFilterForm(_FilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        initial=Status.SUBMITTED,
        choices=[
            (Status.SUBMITTED, Status.SUBMITTED.label),
            (Status.NEEDS_INFO, Status.NEEDS_INFO.label),
        ],
        widget=forms.HiddenInput,
    )
    channel = forms.ChoiceField(label=_("Kanal"), required=False)
    province = forms.ChoiceField(label=_("Provinsi"), required=False)

    field_order = ["q", "channel", "province", "category", "overdue", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = str(_("Semua"))
        set_choices(self, "channel", [("", everything), *Channel.choices])
        self._provinces = {r.code: r for r in selectors.provinces()}
        provinces = [(code, r.name) for code, r in self._provinces.items()]
        set_choices(self, "province", [("", everything), *provinces])

    def filters(self) -> selectors.QueueFilter:
        d = self.valid_data()
        return selectors.QueueFilter(
            status=d.get("status") or Status.SUBMITTED,
            channel=d.get("channel") or "",
            province=self._provinces.get(d.get("province") or ""),
            category=self._categories.get(d.get("category") or ""),
            overdue=bool(d.get("overdue")),
            q=(d.get("q") or "").strip(),
        )


INBOX_STATUS_CHOICES: Choices = [
    (selectors.OPEN, _("Semua yang masih berjalan")),
    (Status.DISPATCHED, Status.DISPATCHED.label),
    (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
    (Status.RESPONDED, Status.RESPONDED.label),
    (Status.ESCALATED, Status.ESCALATED.label),
    (Status.CLOSED, Status.CLOSED.label),
    (Status.ARCHIVED, Status.ARCHIVED.label),
    (selectors.ALL, _("Semua status")),
]


class InboxFilterForm(_FilterForm):
    instansi = forms.CharField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=INBOX_STATUS_CHOICES)
    unit = forms.ChoiceField(label=_("Unit kerja"), required=False)

    field_order = ["q", "status", "unit", "category", "overdue", "instansi"]

    def __init__(self, *args: Any, units: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._units = {u.code: u for u in units}
        depth0 = min((u.path.count("/") for u in units), default=0)
        choices = [(u.code, "— " * (u.path.count("/") - depth0) + u.name) for u in units]
        set_choices(self, "unit", [("", str(_("Semua unit"))), *choices])

    def filters(self) -> selectors.InboxFilter:
        d = self.valid_data()
        return selectors.InboxFilter(
            status=d.get("status") or selectors.OPEN,
            unit=self._units.get(d.get("unit") or ""),
            overdue=bool(d.get("overdue")),
            category=self._categories.get(d.get("category") or ""),
            q=(d.get("q") or "").strip(),
        )
