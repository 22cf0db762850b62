"""Action forms of the verification desk: dispatch, request info, reject, archive."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency
from aduan.backoffice import selectors
from aduan.backoffice.forms.base import (
    MESSAGE_MAX,
    REASON_ARCHIVED,
    REASON_DUPLICATE,
    ActionForm,
    Choices,
    agency_label,
    message_field,
)
from aduan.core.widgets import FastSelect
from aduan.reports import tracking
from aduan.reports.lifecycle import Change, RejectionReason
from aduan.reports.models import Report, ReportType, Status


class DispatchForm(ActionForm):
    action = "dispatch"
    heading = _("Verifikasi dan disposisi")
    submit_label = _("Verifikasi dan disposisikan")
    intro = _(
        "Periksa judul dan ringkasan publik serta tanda anonim/rahasia sebelum mengirim: "
        "yang tertulis di sini tampil untuk publik jika laporan tidak dirahasiakan."
    )

    agency = forms.ModelChoiceField(
        widget=FastSelect,
        label=_("Instansi tujuan"),
        queryset=Agency.objects.none(),
        to_field_name="code",
        empty_label=_("Pilih instansi"),
        help_text=_(
            "Instansi pilihan pelapor dan instansi di wilayah laporan ditampilkan paling atas. "
            "Unit kerja lain dapat dicari dengan kolom pencarian instansi di atas formulir."
        ),
        error_messages={
            "required": _("Pilih instansi tujuan."),
            "invalid_choice": _("Pilih instansi dari daftar."),
        },
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=selectors.active_categories(),
        to_field_name="code",
        required=False,
        empty_label=_("Tetap seperti sekarang"),
    )
    type = forms.ChoiceField(label=_("Jenis laporan"), choices=ReportType.choices)
    needs_inspection = forms.BooleanField(
        label=_("Berkadar pengawasan"),
        required=False,
        help_text=_(
            "Pengaduan yang memerlukan pemeriksaan lapangan: batas penyelesaian 60 hari kerja."
        ),
    )
    public_title = forms.CharField(
        label=_("Judul publik"),
        max_length=200,
        help_text=_("Nomor NIK/KK, telepon, dan surel disamarkan otomatis."),
        error_messages={"required": _("Judul publik tidak boleh kosong.")},
    )
    public_body = forms.CharField(
        label=_("Ringkasan publik"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonim"),
        required=False,
        help_text=_(
            "Identitas pelapor disembunyikan dari publik dan dari instansi; hanya admin "
            "nasional yang dapat melihatnya."
        ),
    )
    is_confidential = forms.BooleanField(
        label=_("Rahasia"),
        required=False,
        help_text=_(
            "Laporan tidak pernah tampil untuk publik. Periksa selalu: tanda rahasia yang "
            "terlupa dapat membahayakan pelapor."
        ),
    )

    def __init__(self, *args: Any, agency_search: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        report = self.report
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.dispatch_targets()  # validation: any active agency
        # Display: a short, relevant list; the full catalogue has thousands of units.
        field.widget.choices = self._grouped_choices(agency_search)
        if agency_search and not self.is_bound:
            # A search for an exact code (the triage suggestion's one-click link) selects it.
            exact = [a for a in self._searched if a.code.lower() == agency_search.lower()]
            if exact:
                self.initial["agency"] = exact[0].code
        self.initial.setdefault(
            "agency", report.requested_agency.code if report.requested_agency else ""
        )
        self.initial.setdefault("category", report.category.code if report.category else "")
        self.initial.setdefault("type", report.type)
        self.initial.setdefault("needs_inspection", report.needs_inspection)
        self.initial.setdefault("public_title", report.public_title or report.title)
        self.initial.setdefault("public_body", report.public_body)
        self.initial.setdefault("is_anonymous", report.is_anonymous)
        self.initial.setdefault("is_confidential", report.is_confidential)

    def _grouped_choices(self, agency_search: str) -> Choices:
        groups: Choices = [("", str(_("Pilih instansi")))]
        seen: set[str] = set()

        def group(label: Any, agencies: list[Agency]) -> None:
            fresh = [a for a in agencies if a.code not in seen]
            seen.update(a.code for a in fresh)
            if fresh:
                groups.append((str(label), [(a.code, agency_label(a)) for a in fresh]))

        self._searched = selectors.agency_search(agency_search)
        group(_("Hasil pencarian"), self._searched)
        group(_("Dipilih pelapor"), selectors.requested_subtree(self.report))
        group(_("Di wilayah laporan"), selectors.regional_agencies(self.report))
        chosen = self.data.get(self.add_prefix("agency")) if self.is_bound else None
        if isinstance(chosen, str) and chosen and chosen not in seen:
            group(_("Pilihan Anda"), list(selectors.dispatch_targets().filter(code=chosen)))
        group(_("Semua instansi (tingkat atas)"), list(selectors.top_level_agencies()))
        return groups

    def to_change(self) -> Change:
        d = self.cleaned_data
        return Change(
            agency=d["agency"],
            category=d.get("category"),
            report_type=d["type"],
            needs_inspection=d.get("needs_inspection", False),
            public_title=d["public_title"],
            public_body=d.get("public_body", ""),
            is_anonymous=d.get("is_anonymous", False),
            is_confidential=d.get("is_confidential", False),
        )


class RequestInfoForm(ActionForm):
    action = "request_info"
    heading = _("Minta kelengkapan kepada pelapor")
    submit_label = _("Kirim permintaan")
    intro = _("Laporan ditunda sampai pelapor melengkapinya (paling lama 10 hari kerja).")

    message = message_field(_("Pesan untuk pelapor"))

    def to_change(self) -> Change:
        return Change(message=self.cleaned_data["message"])


class RejectForm(ActionForm):
    action = "reject"
    heading = _("Tolak laporan")
    submit_label = _("Tolak laporan")

    reason = forms.ChoiceField(
        label=_("Alasan penolakan"),
        choices=[("", _("Pilih alasan")), *RejectionReason.CHOICES],
        error_messages={"required": _("Pilih alasan penolakan.")},
    )
    message = message_field(
        _("Catatan untuk pelapor"),
        required=False,
        help_text=_("Pelapor dapat membaca catatan ini melalui tautan pribadinya."),
    )

    def to_change(self) -> Change:
        d = self.cleaned_data
        return Change(reason=d["reason"], message=d.get("message", ""))


class ArchiveForm(ActionForm):
    action = "archive"
    heading = _("Arsipkan atau gabungkan sebagai duplikat")
    submit_label = _("Arsipkan")
    field_aliases = {"reason": "message"}

    merged_into = forms.CharField(
        label=_("Nomor pelacakan laporan utama"),
        required=False,
        max_length=40,
        help_text=_(
            "Isi jika laporan ini duplikat: laporan ini diarsipkan dan digabungkan ke laporan "
            "utama. Kosongkan untuk mengarsipkan saja (catatan wajib diisi)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    message = message_field(_("Catatan"), required=False)

    def clean_merged_into(self) -> Report | None:
        raw = (self.cleaned_data.get("merged_into") or "").strip()
        if not raw:
            return None
        if tracking.normalize(raw) is None:
            raise forms.ValidationError(_("Nomor pelacakan tidak valid."))
        target = selectors.merge_target(raw)
        if target is None:
            raise forms.ValidationError(_("Tidak ada laporan dengan nomor pelacakan itu."))
        if target.pk == self.report.pk:
            raise forms.ValidationError(_("Laporan tidak dapat digabungkan ke dirinya sendiri."))
        if target.merged_into_id is not None or target.status in (
            Status.ARCHIVED,
            Status.REJECTED,
        ):
            raise forms.ValidationError(
                _("Laporan utama sudah diarsipkan atau ditolak; pilih laporan yang masih aktif.")
            )
        return target

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        no_target = not data.get("merged_into") and "merged_into" not in self.errors
        if no_target and not (data.get("message") or "").strip():
            self.add_error(
                "message",
                _("Tulis alasan pengarsipan, atau isi nomor laporan utama jika duplikat."),
            )
        return data

    def to_change(self) -> Change:
        d = self.cleaned_data
        target = d.get("merged_into")
        return Change(
            merged_into=target,
            reason=REASON_DUPLICATE if target is not None else REASON_ARCHIVED,
            message=d.get("message", ""),
        )
