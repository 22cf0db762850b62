"""Demo accounts: staff of every role with one known password, and a demo citizen.

Accounts are created when missing and never modified afterwards, so a second seed run
leaves a password someone changed during a demo alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from aduan.agencies.models import Agency, Membership, Role

PASSWORD = "aduan-demo-2026"  # noqa: S105 - published on purpose: these are demo accounts
DOMAIN = "demo.aduan.id"
REPORTER_EMAIL = f"warga@{DOMAIN}"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    memberships: tuple[tuple[str, str], ...]  # (agency code, role)


STAFF_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(f"desk@{DOMAIN}", "Rina", "Kartikasari", (("LAPOR", Role.DESK),)),
    DemoAccount(f"admin.bandung@{DOMAIN}", "Asep", "Sunandar", (("32.73", Role.AGENCY_ADMIN),)),
    DemoAccount(f"petugas.bandung@{DOMAIN}", "Dewi", "Lestari", (("32.73", Role.OFFICER),)),
    DemoAccount(
        f"petugas.dinkes.bandung@{DOMAIN}",
        "Yusuf",
        "Hidayat",
        (("32.73.DINKES", Role.OFFICER),),
    ),
    DemoAccount(
        f"petugas.kemenkes@{DOMAIN}", "Maria", "Simanjuntak", (("KEMENKES", Role.OFFICER),)
    ),
    DemoAccount(
        f"koordinator.jabar@{DOMAIN}",
        "Budi",
        "Santoso",
        (("32", Role.COORDINATOR), ("32.73", Role.COORDINATOR)),
    ),
    DemoAccount(f"ombudsman@{DOMAIN}", "Made", "Wirawan", (("ORI", Role.OMBUDSMAN),)),
)
REPORTER_ACCOUNT = DemoAccount(REPORTER_EMAIL, "Siti", "Rahmawati", ())
ACCOUNTS = (*STAFF_ACCOUNTS, REPORTER_ACCOUNT)

# Agencies the fixed accounts work in: loadrefdata must have created them.
REQUIRED_AGENCIES = frozenset(code for a in STAFF_ACCOUNTS for code, _role in a.memberships)

# Short e-mail names of the officers created on demand for other agencies.
OFFICER_SLUGS = {
    "31": "dki",
    "32": "jabar",
    "32.04": "kab.bandung",
    "32.77": "cimahi",
    "35.78": "surabaya",
    "33.74": "semarang",
    "34.71": "yogyakarta",
    "12.71": "medan",
    "16.71": "palembang",
    "51.71": "denpasar",
    "73.71": "makassar",
    "61.71": "pontianak",
    "64.72": "samarinda",
    "53.71": "kupang",
    "81.71": "ambon",
    "91.71": "jayapura",
    "11.71": "bandaaceh",
}
OFFICER_NAMES = (
    ("Agus", "Pratama"),
    ("Ni Luh", "Sari"),
    ("Rudi", "Hartono"),
    ("Fitri", "Handayani"),
    ("Andi", "Saputra"),
    ("Yohana", "Rumbiak"),
    ("Hendra", "Gunawan"),
    ("Wulan", "Anggraini"),
    ("Teuku", "Iskandar"),
    ("Ratna", "Sitompul"),
    ("Imam", "Syafii"),
    ("Lina", "Marlina"),
)


def _user_model() -> Any:
    return get_user_model()


class Accounts:
    """Looks up (and creates when missing) demo users; one password hash for all,
    because hashing with Argon2 dozens of times would dominate the seeding time."""

    def __init__(self) -> None:
        self._hash = make_password(PASSWORD)
        self._users: dict[str, Any] = {}

    def ensure(self, account: DemoAccount) -> tuple[Any, bool]:
        user_model = _user_model()
        user, created = user_model.objects.get_or_create(
            username=account.email,
            defaults={
                "email": account.email,
                "first_name": account.first_name,
                "last_name": account.last_name,
                "password": self._hash,
            },
        )
        for code, role in account.memberships:
            agency = Agency.objects.get(code=code)
            Membership.objects.get_or_create(user=user, agency=agency, role=role)
        self._users[account.email] = user
        return user, created

    def ensure_fixed(self) -> int:
        """The accounts listed in the README; returns how many were created."""
        return sum(self.ensure(account)[1] for account in ACCOUNTS)

    def user(self, email: str) -> Any:
        if email not in self._users:
            self._users[email] = _user_model().objects.get(username=email)
        return self._users[email]

    def officer_for_root(self, root: Agency) -> Any:
        """An officer of a top-level agency, created on first use."""
        slug = OFFICER_SLUGS.get(root.code, root.code.lower().replace(".", "-"))
        email = f"petugas.{slug}@{DOMAIN}"
        if email in self._users:
            return self._users[email]
        first, last = OFFICER_NAMES[sum(map(ord, root.code)) % len(OFFICER_NAMES)]
        user, _created = self.ensure(DemoAccount(email, first, last, ((root.code, Role.OFFICER),)))
        return user


def fixed_accounts_exist() -> bool:
    emails = [a.email for a in ACCOUNTS]
    return _user_model().objects.filter(username__in=emails).count() == len(emails)
