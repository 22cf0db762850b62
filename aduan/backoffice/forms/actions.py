"""The report page's action forms, by lifecycle action name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aduan.backoffice.forms.agency_actions import (
    AcceptForm,
    ForwardForm,
    RespondForm,
    ReturnToDeskForm,
    UpdateForm,
)
from aduan.backoffice.forms.base import ActionForm, message_field
from aduan.backoffice.forms.desk_actions import (
    ArchiveForm,
    DispatchForm,
    RejectForm,
    RequestInfoForm,
)
from aduan.reports.lifecycle import Change


class NoteForm(ActionForm):
    action = "note"
    heading = _("Catatan internal")
    submit_label = _("Simpan catatan")
    intro = _("Hanya terlihat oleh petugas; tidak pernah tampil untuk pelapor atau publik.")

    message = message_field(_("Catatan"))

    def to_change(self) -> Change:
        return Change(message=self.cleaned_data["message"])


# Page order: the desk's decisions, then the agency's, then the internal note.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        DispatchForm,
        RequestInfoForm,
        RejectForm,
        ArchiveForm,
        AcceptForm,
        UpdateForm,
        RespondForm,
        ForwardForm,
        ReturnToDeskForm,
        NoteForm,
    )
}


__all__ = ["ACTION_FORMS", "ActionForm", "DispatchForm", "NoteForm"]
