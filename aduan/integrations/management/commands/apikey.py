"""``aduan apikey create|revoke|list``: API keys from the command line.

    aduan apikey create --agency 32.73 --scopes read,write,webhooks [--name NAME]
    aduan apikey revoke PREFIX
    aduan apikey list [--agency CODE] [--all]

The raw key is printed once, on its own line on stdout (easy to capture in a script);
everything else goes to stderr. Each create and revoke is written to the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.agencies.models import Agency
from aduan.integrations import services
from aduan.integrations.models import ApiKey, Scope


class Command(BaseCommand):
    help = "Create, revoke or list agency API keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a key and print it once.")
        create.add_argument("--agency", required=True, help="Agency code, e.g. 32.73.")
        create.add_argument(
            "--scopes",
            required=True,
            help=f"Comma-separated scopes: {', '.join(Scope.values)}.",
        )
        create.add_argument("--name", default="", help="A name to recognise the key by.")
        revoke = sub.add_parser("revoke", help="Revoke a key by its prefix.")
        revoke.add_argument("prefix", help="The key's prefix (the part after adn_).")
        listing = sub.add_parser("list", help="List keys.")
        listing.add_argument("--agency", default="", help="Only this agency and its units.")
        listing.add_argument("--all", action="store_true", help="Include revoked keys.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["agency"], options["scopes"], options["name"])
        elif action == "revoke":
            self._revoke(options["prefix"])
        else:
            self._list(options["agency"], options["all"])

    def _create(self, code: str, raw_scopes: str, name: str) -> None:
        agency = _agency(code)
        if not agency.is_active:
            raise CommandError(f"Agency {code} is inactive.")
        scopes = [s.strip() for s in raw_scopes.split(",") if s.strip()]
        unknown = sorted(set(scopes) - set(Scope.values))
        if unknown or not scopes:
            raise CommandError(
                f"Unknown or empty scopes: {', '.join(unknown) or '(none)'}; "
                f"choose from {', '.join(Scope.values)}."
            )
        if agency.kind == Agency.Kind.DESK and set(scopes) != {Scope.READ}:
            # The desk handles no reports through the agency API; its key only reads the
            # triage suggestions (GET /api/v1/agency/reports/{id}/triage).
            raise CommandError("The national desk's keys are read-only: use --scopes read.")
        key, raw = services.api_key_issue(
            agency=agency, name=name or f"{agency.code} (CLI)", scopes=scopes, via="cli"
        )
        self.stderr.write(
            f"Created key {key.prefix} for {agency.code} ({agency.name}), scopes "
            f"{','.join(key.scopes)}. It is shown only now; store it safely:"
        )
        self.stdout.write(raw)

    def _revoke(self, prefix: str) -> None:
        cleaned = prefix.strip().removeprefix("adn_").split("_", 1)[0]
        key = ApiKey.objects.select_related("agency").filter(prefix=cleaned).first()
        if key is None:
            raise CommandError(f"No API key with prefix {cleaned!r}.")
        if not services.api_key_withdraw(key=key, via="cli"):
            raise CommandError(f"Key {key.prefix} was already revoked at {key.revoked_at}.")
        self.stdout.write(f"Revoked key {key.prefix} ({key.name}) of {key.agency.code}.")

    def _list(self, code: str, include_revoked: bool) -> None:
        keys = ApiKey.objects.select_related("agency").order_by("agency__code", "-created_at")
        if code:
            keys = keys.filter(agency__path__startswith=_agency(code).path)
        if not include_revoked:
            keys = keys.filter(revoked_at__isnull=True)
        rows = [("PREFIX", "AGENCY", "SCOPES", "CREATED", "LAST USED", "STATUS", "NAME")]
        for k in keys:
            rows.append(
                (
                    k.prefix,
                    k.agency.code,
                    ",".join(k.scopes),
                    f"{k.created_at:%Y-%m-%d %H:%M}",
                    f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never",
                    "revoked" if k.revoked_at else "active",
                    k.name,
                )
            )
        if len(rows) == 1:
            self.stderr.write("No API keys.")
            return
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)]
            self.stdout.write("  ".join([*cells, row[-1]]))


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code.strip()).first()
    if agency is None:
        raise CommandError(f"No agency with code {code!r}.")
    return agency
