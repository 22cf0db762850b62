"""``aduan createstaff --agency CODE --role ROLE EMAIL [--name NAME] [--password-stdin]``."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from aduan.accounts import services
from aduan.accounts.services import AccountError
from aduan.agencies.models import Agency, Role


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = _(
        "Membuat atau memperbarui akun petugas (surel sebagai nama pengguna) dan memberinya "
        "peran di satu instansi. Aman dijalankan berulang kali. Tanpa --password-stdin, "
        "perintah ini mencetak tautan sekali pakai untuk mengatur kata sandi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help=_("Alamat surel petugas (juga nama pengguna)."))
        parser.add_argument("--agency", required=True, help=_("Kode instansi, misalnya 32.73."))
        parser.add_argument(
            "--role",
            required=True,
            help=_("Peran: %(roles)s.") % {"roles": ", ".join(r.upper() for r in Role.values)},
        )
        parser.add_argument("--name", default="", help=_("Nama lengkap petugas."))
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help=_("Baca kata sandi dari masukan standar (baris pertama)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"].strip()).first()
        if agency is None:
            raise CommandError(
                _("Instansi dengan kode “%(code)s” tidak ada.") % {"code": options["agency"]}
            )
        role = options["role"].strip().lower()
        if role not in Role.values:
            raise CommandError(
                _("Peran “%(role)s” tidak dikenal. Pilih salah satu: %(roles)s.")
                % {"role": options["role"], "roles": ", ".join(r.upper() for r in Role.values)}
            )
        stdin = options.get("stdin") or sys.stdin
        password = self._read_password(stdin) if options["password_stdin"] else None
        try:
            result = services.staff_ensure(
                email=options["email"],
                agency=agency,
                role=role,
                name=options["name"],
                password=password,
            )
        except AccountError as error:
            raise CommandError(error.message) from error
        self._report(result, agency, role, password_given=password is not None)

    def _read_password(self, stdin: TextIO) -> str:
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError(_("Tidak ada kata sandi pada masukan standar."))
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return password

    def _report(
        self, result: services.CliResult, agency: Agency, role: str, *, password_given: bool
    ) -> None:
        user = result.user
        subject = {"email": user.email, "role": Role(role).label, "agency": agency.code}
        if result.user_created:
            self.stdout.write(_("Akun %(email)s dibuat.") % subject)
        else:
            self.stdout.write(_("Akun %(email)s sudah ada; diperbarui.") % subject)
        if result.membership_created:
            self.stdout.write(_("Peran %(role)s di %(agency)s ditambahkan.") % subject)
        else:
            self.stdout.write(_("Peran %(role)s di %(agency)s sudah ada.") % subject)
        if not user.is_active:
            self.stderr.write(_("Perhatian: akun ini nonaktif dan tidak dapat masuk."))
        if not password_given:
            self.stdout.write(_("Tautan untuk mengatur kata sandi (sekali pakai):"))
            self.stdout.write(services.setup_link(user))
