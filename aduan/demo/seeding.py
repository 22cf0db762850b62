"""``aduan seed --demo``: demo accounts and a year of realistic reports.

Idempotent by construction: accounts are created only when missing, and every demo
report is marked with its sequence number (:class:`aduan.demo.models.DemoReport`), so a
second run finds the sequence complete and does nothing, and a run with a larger
``--reports`` only adds the missing numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.demo import accounts
from aduan.demo.models import DemoReport
from aduan.demo.plans import POOL, Catalogue, make_plan
from aduan.demo.story import Cast, Story
from aduan.demo.topics import TOPICS
from aduan.regions.models import Region
from aduan.reports import hooks
from aduan.reports.models import Category

PROGRESS_EVERY = 1000


@dataclass
class SeedResult:
    users_created: int
    reports_created: int
    reports_total: int


def required_agency_codes() -> set[str]:
    codes = set(accounts.REQUIRED_AGENCIES) | {code for code, *_rest in POOL}
    for topic in TOPICS:
        codes.update(topic.misroute)
        codes.update(topic.units)
        if not topic.is_regional:
            codes.add(topic.national_code)
    return codes


def check_reference_data() -> None:
    """Fail with a message a person can act on when loadrefdata has not run."""
    hint = _("Jalankan `aduan loadrefdata` terlebih dahulu.")
    if not Region.objects.exists() or not Category.objects.exists():
        raise CommandError(_("Data referensi (wilayah, kategori) belum dimuat.") + " " + hint)
    wanted = required_agency_codes()
    found = set(Agency.objects.filter(code__in=wanted).values_list("code", flat=True))
    missing = sorted(wanted - found)
    if missing:
        raise CommandError(
            _("Instansi berikut belum ada: %(codes)s.") % {"codes": ", ".join(missing)} + " " + hint
        )


def _missing_seqs(target: int) -> list[int]:
    done = set(DemoReport.objects.values_list("seq", flat=True))
    needed = target - len(done)
    if needed <= 0:
        return []
    return [seq for seq in range(target + len(done)) if seq not in done][:needed]


def _quiet(_message: str) -> None:
    return None


def seed_demo(
    *, reports: int, now: datetime | None = None, log: Callable[[str], None] = _quiet
) -> SeedResult:
    """Create the demo accounts and top the demo reports up to ``reports``.

    ``now`` is the present of the story (reports spread over the year before it).
    Run it in autocommit mode (as the command does): each report commits on its own, so
    after-commit task enqueues happen while the quiet task backend is in force.
    """
    if reports < 0:
        raise CommandError(_("Jumlah laporan tidak boleh negatif."))
    check_reference_data()
    if accounts.fixed_accounts_exist() and not _missing_seqs(reports):
        total = DemoReport.objects.count()
        log(
            _("Data demo sudah ada (%(total)d laporan); tidak ada yang ditambahkan.")
            % {"total": total}
        )
        return SeedResult(0, 0, total)
    horizon = now or timezone.now()
    # Events that "happened" months ago must not notify anyone, and a worker started
    # later must not find thousands of stale notices or webhooks queued.
    with hooks.suppressed():
        book = accounts.Accounts()
        with transaction.atomic():
            users_created = book.ensure_fixed()
        seqs = _missing_seqs(reports)
        if seqs:
            _seed_reports(seqs, book=book, horizon=horizon, log=log)
    total = DemoReport.objects.count()
    log(
        _("Data demo: %(users)d akun baru, %(created)d laporan baru, %(total)d laporan demo.")
        % {"users": users_created, "created": len(seqs), "total": total}
    )
    return SeedResult(users_created, len(seqs), total)


def _seed_reports(
    seqs: list[int], *, book: accounts.Accounts, horizon: datetime, log: Callable[[str], None]
) -> None:
    catalogue = Catalogue()
    cast = Cast(book)
    citizen = book.user(accounts.REPORTER_EMAIL)
    for done, seq in enumerate(seqs, start=1):
        plan = make_plan(seq, book=catalogue, now=horizon, citizen=citizen)
        # One transaction per report: an interrupted run leaves whole reports only,
        # and the next run tops up from there.
        with transaction.atomic():
            report = Story(plan, cast, horizon=horizon).play()
            DemoReport.objects.create(seq=seq, report=report)
        if done % PROGRESS_EVERY == 0:
            log(_("… %(done)d/%(total)d laporan") % {"done": done, "total": len(seqs)})
