"""``aduan audit verify``: walk the hash chains of report events and audit records.

Exit status 0 when every chain is intact; 1 when one is broken, naming the first broken
position, the record id found there and what happened (edited, deleted, reordered,
inserted). The head hashes printed on success can be written down elsewhere (a ticket, a
signed mail) to anchor the chain outside the database.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aduan.audit import chain


class Command(BaseCommand):
    help = "Tamper-evident history: `audit verify` checks the hash chains."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser(
            "verify",
            help="Verify the event and audit chains; non-zero exit status on any break.",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        verify.add_argument(
            "--chain", choices=sorted(chain.SPECS), help="Only this chain (default: all)."
        )
        verify.add_argument("--json", action="store_true", help="Machine-readable output.")
        verify.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] != "verify":  # pragma: no cover - argparse guards this
            raise CommandError("unknown subcommand")
        names = [options["chain"]] if options.get("chain") else list(chain.SPECS)
        results = [chain.verify(chain.SPECS[n], using=options["database"]) for n in names]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "chain": r.chain,
                            "ok": r.ok,
                            "records": r.count,
                            "head": r.head_hash,
                            "problem": None
                            if r.problem is None
                            else {
                                "position": r.problem.position,
                                "record_id": r.problem.record_id,
                                "kind": r.problem.kind,
                                "detail": r.problem.detail,
                            },
                        }
                        for r in results
                    ]
                )
            )
        else:
            for r in results:
                if r.ok:
                    self.stdout.write(f"{r.chain}: OK, {r.count} records, head {r.head_hash}")
                else:
                    self.stdout.write(f"{r.problem} (first {r.count} records intact)")
        broken = [r.chain for r in results if not r.ok]
        if broken:
            raise CommandError(f"chain broken: {', '.join(broken)}", returncode=1)
