"""Action forms of the handling agency: accept, forward, update, respond, return."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.backoffice import selectors
from aduan.backoffice.forms.base import (
    REASON_NOT_AUTHORITY,
    ActionForm,
    agency_label,
    message_field,
)
from aduan.core.widgets import FastSelect
from aduan.reports.forms import MultipleFileField
from aduan.reports.lifecycle import Change
from aduan.reports.uploads import CleanFile, UploadError, clean_uploads


class AcceptForm(ActionForm):
    action = "accept"
    heading = _("Terima laporan")
    submit_label = _("Terima dan proses")
    intro = _("Menandai bahwa instansi Anda menangani laporan ini.")


class ForwardForm(ActionForm):
    action = "forward"
    heading = _("Teruskan ke unit kerja")
    submit_label = _("Teruskan")
    intro = _(
        "Hanya ke unit di bawah instansi Anda. Jika laporan bukan wewenang instansi Anda, "
        "kembalikan ke admin nasional."
    )

    agency = forms.ModelChoiceField(
        widget=FastSelect,
        label=_("Unit kerja tujuan"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        empty_label=_("Pilih unit kerja"),
        error_messages={
            "required": _("Pilih unit kerja tujuan."),
            "invalid_choice": _("Pilih unit kerja dari daftar."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        home = self.scope.working_agency_for(self.report)
        if home is None:
            return
        targets = list(selectors.forward_targets(home, self.report.agency))
        field.queryset = selectors.forward_targets(home, self.report.agency)
        depth0 = home.path.count("/")
        field.widget.choices = [
            ("", str(_("Pilih unit kerja"))),
            *((a.code, agency_label(a, depth0)) for a in targets),
        ]

    def to_change(self) -> Change:
        return Change(agency=self.cleaned_data["agency"])


class UpdateForm(ActionForm):
    action = "update"
    heading = _("Kabar perkembangan")
    submit_label = _("Kirim kabar perkembangan")
    intro = _("Pelapor dan publik dapat membacanya (data pribadi disamarkan untuk publik).")

    message = message_field(_("Perkembangan penanganan"))

    def to_change(self) -> Change:
        return Change(message=self.cleaned_data["message"])


class RespondForm(ActionForm):
    action = "respond"
    heading = _("Tindak lanjut")
    submit_label = _("Kirim tindak lanjut")
    intro = _(
        "Jawaban instansi atas laporan. Pelapor dapat menanggapinya; tanpa tanggapan dalam "
        "10 hari kerja laporan selesai otomatis."
    )
    multipart = True

    message = message_field(_("Isi tindak lanjut"))
    attachments = MultipleFileField(label=_("Lampiran"), required=False)
    attachments_public = forms.BooleanField(
        label=_("Lampiran boleh dilihat publik"),
        required=False,
        help_text=_("Biarkan kosong jika lampiran memuat data pribadi."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].widget.attrs["accept"] = (
            ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"
        )
        self.fields["attachments"].help_text = _("Berkas JPG, PNG, atau PDF.")

    def clean_attachments(self) -> list[CleanFile]:
        try:
            return clean_uploads(self.cleaned_data.get("attachments") or [])
        except UploadError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def to_change(self) -> Change:
        d = self.cleaned_data
        return Change(
            message=d["message"],
            attachments=d.get("attachments") or [],
            attachments_public=d.get("attachments_public", False),
        )


class ReturnToDeskForm(ActionForm):
    action = "return_to_desk"
    heading = _("Kembalikan ke admin nasional (bukan wewenang)")
    submit_label = _("Kembalikan ke admin nasional")
    field_aliases = {"reason": "message"}

    message = message_field(
        _("Alasan"),
        help_text=_("Wajib: jelaskan mengapa bukan wewenang dan, jika tahu, instansi yang tepat."),
    )

    def to_change(self) -> Change:
        return Change(reason=REASON_NOT_AUTHORITY, message=self.cleaned_data["message"])
