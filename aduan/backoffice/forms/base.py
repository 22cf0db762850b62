"""The base of the report page's action forms.

Each form parses its fields into a :class:`~aduan.reports.lifecycle.Change`; the view
hands that to :func:`~aduan.reports.lifecycle.transition`, which decides. Forms carry the
action name as prefix, so several forms on one page never share an element id.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.reports.access import StaffScope
from aduan.reports.lifecycle import Change
from aduan.reports.models import Report

Choices = list[tuple[Any, Any]]
MESSAGE_MAX = 10_000
# Stored in ReportEvent.reason (a code, not prose; the prose goes in the message).
REASON_DUPLICATE = "duplicate"
REASON_ARCHIVED = "archived"
REASON_NOT_AUTHORITY = "not_authority"


def message_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MESSAGE_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Isian ini wajib diisi.")},
    )


def agency_label(agency: Agency, depth0: int = 2) -> str:
    """Units are indented under their parent: "— Dinas Kesehatan Kota Bandung"."""
    return "— " * max(agency.path.count("/") - depth0, 0) + agency.name


class ActionForm(forms.Form):
    action: ClassVar[str]
    heading: ClassVar[Any]
    submit_label: ClassVar[Any]
    intro: ClassVar[Any] = ""
    multipart: ClassVar[bool] = False
    # Where a lifecycle error about ``field`` shows on this form.
    field_aliases: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, report: Report, scope: StaffScope, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.report = report
        self.scope = scope

    def to_change(self) -> Change:
        return Change()

    def error_field(self, name: str | None) -> str | None:
        name = self.field_aliases.get(name or "", name)
        return name if name in self.fields else None
