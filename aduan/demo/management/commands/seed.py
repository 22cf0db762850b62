"""``aduan seed --demo [--reports N]``: demo accounts and reports (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from aduan.core import dbstats
from aduan.demo.accounts import ACCOUNTS, PASSWORD
from aduan.demo.seeding import seed_demo

DEFAULT_REPORTS = 400


class Command(BaseCommand):
    help = _(
        "Mengisi data demo: akun petugas dan pelapor dengan kata sandi yang diketahui, "
        "serta laporan realistis selama setahun terakhir. Aman dijalankan berulang kali."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help=_("Wajib: menegaskan bahwa data demo memang ingin dibuat."),
        )
        parser.add_argument(
            "--reports",
            type=int,
            default=DEFAULT_REPORTS,
            help=_("Jumlah laporan demo (bawaan: %(default)s)."),
        )
        parser.add_argument(
            "--bulk",
            action="store_true",
            help=_(
                "Isi massal untuk uji skala (jutaan laporan, COPY di PostgreSQL) ke basis "
                "data yang belum berisi laporan."
            ),
        )

        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=_(
                "Dengan --bulk di PostgreSQL: jumlah proses pembuat baris (bawaan: satu per "
                "inti prosesor)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["demo"]:
            # Seeding invents people and complaints: never by accident on a real site.
            raise CommandError(_("Tambahkan --demo untuk membuat data demo."))
        if options["reports"] < 0:
            raise CommandError(_("--reports tidak boleh negatif."))
        if options["bulk"]:
            from aduan.demo.bulk import bulk_seed

            if options["workers"] is not None and options["workers"] < 1:
                raise CommandError(_("--workers paling sedikit 1."))
            bulk = bulk_seed(
                reports=options["reports"], log=self.stdout.write, workers=options["workers"]
            )
            self.stdout.write(
                _(
                    "Isi massal selesai: %(reports)d laporan (%(open)d masih terbuka), "
                    "%(events)d peristiwa, dalam %(seconds).0f detik."
                )
                % {
                    "reports": bulk.reports,
                    "open": bulk.open_reports,
                    "events": bulk.events,
                    "seconds": bulk.seconds,
                }
            )
            return
        result = seed_demo(reports=options["reports"], log=self.stdout.write)
        if result.reports_created:
            # Seeding replays history with hooks off: index the reports for duplicates.
            call_command("dedup", "reindex", stdout=self.stdout)
            # ... and count them in the performance statistics (aduan.stats rollups).
            from aduan.stats.rollups import refresh_missing

            refresh_missing()
            # Fresh planner statistics (SQLite has none until asked).
            dbstats.refresh()
        self.stdout.write(
            _("Akun demo (kata sandi %(password)s): %(emails)s")
            % {"password": PASSWORD, "emails": ", ".join(a.email for a in ACCOUNTS)}
        )
