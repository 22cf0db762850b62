"""Forms of the account pages. They parse and validate input; writes are services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Role

# Above this many agencies a <select> is unusable; the desk types an agency code instead.
SELECT_LIMIT = 300


class LoginForm(AuthenticationForm):
    """Sign in with e-mail address and password (the e-mail is the username)."""

    error_messages = {
        "invalid_login": _(
            "Surel atau kata sandi salah. Periksa keduanya lalu coba lagi. Setelah beberapa "
            "kali gagal, masuk dikunci sementara."
        ),
        "inactive": _("Akun ini nonaktif. Hubungi admin instansi Anda."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Alamat surel")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "username", "autofocus": True, "maxlength": 150}
        )
        self.fields["password"].label = _("Kata sandi")

    def clean_username(self) -> str:
        # Usernames are stored in lower case; the lockout counts the same spelling too.
        return str(self.cleaned_data.get("username") or "").strip().lower()


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode enam angka dari aplikasi autentikator"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())
        if len(code) != 6:
            raise forms.ValidationError(_("Masukkan enam angka."))
        return code


class AgencyChoiceField(forms.ModelChoiceField[Agency]):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.code} — {obj.name}"


def _agency_field(agencies: QuerySet[Agency], label: Any) -> AgencyChoiceField:
    """Agencies by code: a list to choose from when short, a code to type when long."""
    field = AgencyChoiceField(
        queryset=agencies.order_by("path"),
        to_field_name="code",
        label=label,
        empty_label=_("— pilih —"),
        error_messages={
            "invalid_choice": _("Instansi tidak ditemukan atau di luar kewenangan Anda.")
        },
    )
    if agencies.count() > SELECT_LIMIT:
        field.widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        field.help_text = _("Kode instansi atau unit, misalnya 32.73 atau 32.73.DINKES.")
    return field


def _role_field(roles: list[str]) -> forms.ChoiceField:
    labels = dict(Role.choices)
    return forms.ChoiceField(
        label=_("Peran"),
        choices=[("", _("— pilih —")), *[(r, labels[r]) for r in roles]],
        error_messages={"invalid_choice": _("Anda tidak berwenang memberikan peran ini.")},
    )


class RoleForm(forms.Form):
    """Give an existing person a role in one agency."""

    def __init__(
        self, *args: Any, agencies: QuerySet[Agency], roles: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"] = _agency_field(agencies, _("Instansi atau unit"))
        self.fields["role"] = _role_field(roles)


class StaffCreateForm(RoleForm):
    email = forms.EmailField(
        label=_("Alamat surel"),
        max_length=150,
        help_text=_("Dipakai untuk masuk. Tautan untuk memilih kata sandi dikirim ke alamat ini."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Nama lengkap"), max_length=150)

    field_order = ["email", "name", "agency", "role"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


class UnitCreateForm(forms.Form):
    abbreviation = forms.CharField(
        label=_("Singkatan"),
        max_length=20,
        help_text=_(
            "Huruf A–Z, angka, dan tanda hubung; menjadi bagian kode unit, misalnya DISHUB "
            "untuk kode 32.73.DISHUB."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Nama unit"), max_length=200)

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _agency_field(agencies, _("Di bawah instansi atau unit"))
        self.order_fields(["parent", "abbreviation", "name"])


class PolicyForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label=_(
            "Wajibkan verifikasi dua langkah untuk semua petugas di instansi ini dan di unit "
            "kerja di bawahnya"
        ),
        required=False,
    )


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("Cari nama atau surel"), max_length=100, required=False)
    instansi = forms.CharField(label=_("Kode instansi"), max_length=60, required=False)


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Cari kode atau nama"), max_length=100, required=False)
