"""The SLA sweep on an already filled database: idle, and with N due automatic transitions.

    DATABASE_URL=postgres://... .venv/bin/python bench/sweep_bench.py [--due 10000]
        [--idle-runs 3] [--profile] [--full-verify] [--skip-due]

Runs :func:`aduan.sla.sweep.sweep` — the function ``aduan worker`` calls every minute, in
the same way (no surrounding transaction: each chunk of transitions commits on its own) — on
whatever database ``DATABASE_URL`` names. It never creates reports; fill the database
first (``aduan seed --demo --reports N [--bulk]``).

1. catch-up: one sweep, whatever is due on this database (reminders, escalations ...);
   its figures are printed but it is not the idle measurement (``--no-catch-up`` skips
   it: a freshly seeded database may owe many thousands of acts, 27 ms each on the
   200k development database);
2. idle: ``--idle-runs`` sweeps right after, when nothing is due (goal < 2 s at 10M
   reports / 1M open); any act they still do is printed;
3. due (unless ``--skip-due``): ``--due`` open reports in ``responded`` / ``needs_info``
   get an ``auto_at`` in the past (the originals are saved to a JSON file first), one
   sweep runs (goal < 30 s for 10,000), and the script checks that exactly ``--due``
   transition events were written for those reports, each report once, the reports
   left the due set, the new segment of the event hash chain links and hashes correctly
   from the previous chain head to the current one (``--full-verify`` walks the whole
   chain too), and a second sweep acts on none of them.

The due phase WRITES: those reports are closed / rejected by the sweep, with their events
(history is append-only and hash-chained, so it is not undone). Use a scratch copy. The
originals file restores ``auto_at`` of any report the sweep did not act upon.

Time is split into the transitions themselves, the event appends (``append_many``) and,
inside those, waiting for and holding the chain-head row lock (``_lock_head``, or for a
single row on PostgreSQL ``_append_one_statement``): every event write in the system
serialises on that row.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IDLE_GOAL_S = 2.0
DUE_GOAL_S = 30.0


# ---- pure helpers (tested in tests/test_bench_sweepmem.py) ------------------------------


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def verdict(seconds: float, goal: float) -> str:
    return f"{'OK' if seconds < goal else 'MISSED'} (goal < {goal:g} s)"


def verify_segment(
    rows: list[Any], *, start_seq: int, start_hash: str, end_seq: int, end_hash: str, spec: Any
) -> str | None:
    """Check the chain rows appended after (start_seq, start_hash) up to the head
    (end_seq, end_hash): consecutive seq, each linked to the previous hash, each hash
    recomputed from its content. Returns None when intact, else what is wrong."""
    from aduan.audit.chain import row_hash

    seq, prev = start_seq, start_hash
    for row in rows:
        seq += 1
        if row.seq != seq:
            return f"expected seq {seq}, found {row.seq}"
        if row.prev_hash != prev:
            return f"seq {seq} links to {row.prev_hash[:12]}, expected {prev[:12]}"
        if row_hash(spec, row, seq, prev) != row.hash:
            return f"seq {seq}: content does not match its hash"
        prev = row.hash
    if seq != end_seq or prev != end_hash:
        return f"chain head is at seq {end_seq} ({end_hash[:12]}), segment ends at {seq}"
    return None


class Timers:
    """Wall time and calls spent inside chosen functions (wrapped for one phase)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._depth: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth[name]:  # re-entered: the outer call counts
                return func(*args, **kwargs)
            self._depth[name] += 1
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1
                self._depth[name] -= 1

        return timed


@contextmanager
def patched(targets: list[tuple[Any, str]], timers: Timers) -> Iterator[None]:
    """Wrap ``module.attr`` for each target with ``timers`` until the block ends."""
    saved = [(mod, attr, getattr(mod, attr)) for mod, attr in targets]
    try:
        for mod, attr, func in saved:
            setattr(mod, attr, timers.wrap(f"{mod.__name__}.{attr}", func))
        yield
    finally:
        for mod, attr, func in saved:
            setattr(mod, attr, func)


@contextmanager
def timed_subscribers(timers: Timers) -> Iterator[None]:
    """Time each report-event hook subscriber (stats rollups, webhooks, dedup ...)."""
    from aduan.reports import hooks

    saved = list(hooks._subscribers)
    hooks._subscribers[:] = [
        timers.wrap(f"hook {getattr(f, '__module__', '?')}.{getattr(f, '__name__', f)}", f)
        for f in saved
    ]
    try:
        yield
    finally:
        hooks._subscribers[:] = saved


HOLD = "chain head held (lock to commit)"


@contextmanager
def chain_hold(timers: Timers) -> Iterator[None]:
    """Time from taking the chain-head lock to the commit that releases it: while a
    transaction holds it, every other event writer (intake, staff, other sweeps) waits."""
    from django.db import connection, transaction

    from aduan.audit import chain

    # The head is taken by the locking read, or (one row on PostgreSQL) by the
    # one-statement append.
    names = ("_lock_head", "_append_one_statement")
    originals = {name: getattr(chain, name) for name in names}
    since: list[float] = []

    def released() -> None:
        if since:
            timers.seconds[HOLD] += time.perf_counter() - since.pop()
            timers.calls[HOLD] += 1

    def taking(locking: Any) -> Any:
        def lock(*args: Any, **kwargs: Any) -> Any:
            head = locking(*args, **kwargs)
            if since and not connection.run_on_commit:
                since.clear()  # the earlier holder rolled back: its callback is gone
            if not since:
                since.append(time.perf_counter())
                transaction.on_commit(released)
            return head

        return lock

    for name in names:
        setattr(chain, name, taking(originals[name]))
    try:
        yield
    finally:
        for name in names:
            setattr(chain, name, originals[name])


# ---- the benchmark ------------------------------------------------------------------------


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()


def database_facts() -> dict[str, Any]:
    from django.db import connection

    from aduan.reports.models import Report, Status

    facts: dict[str, Any] = {"vendor": connection.vendor}
    open_statuses = [s for s in Status.values if s not in ("closed", "rejected", "archived")]
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            facts["size"] = cur.fetchone()[0]
            cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'reports_report'")
            facts["reports"] = f"~{cur.fetchone()[0]:,} (planner estimate)"
            cur.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE relname = 'reports_reportevent'"
            )
            facts["events"] = f"~{cur.fetchone()[0]:,} (planner estimate)"
    else:
        facts["size"] = f"{Path(connection.settings_dict['NAME']).stat().st_size / 2**20:.0f} MB"
        facts["reports"] = f"{Report.objects.count():,}"
    facts["open"] = f"{Report.objects.filter(status__in=open_statuses).count():,}"
    return facts


def run_sweep(
    profile: bool = False, one_transaction: bool = False
) -> tuple[float, Any, Timers, str]:
    """One sweep as the worker runs it, timed; with the chain/transition split.
    ``one_transaction``: an experiment, NOT how the worker runs: the whole sweep in one
    transaction (one commit, the chain head locked once), to price the per-transition
    commits (chunks of ``aduan.sla.sweep.CHUNK``)."""
    from django.db import transaction

    from aduan.audit import chain
    from aduan.reports import lifecycle
    from aduan.sla import escalation, reminders
    from aduan.sla import sweep as sweep_module

    timers = Timers()
    targets = [
        (sweep_module, "transition_many"),
        (chain, "append_many"),
        (chain, "_lock_head"),
        (sweep_module, "_sla_acts"),
        (sweep_module, "_housekeeping"),
        (reminders, "remind_due_soon"),
        (reminders, "remind_overdue"),
        (escalation, "escalate_first_responses"),
        (escalation, "offer_ombudsman"),
    ]
    assert lifecycle.transition_many is sweep_module.transition_many
    prof = cProfile.Profile() if profile else None
    with patched(targets, timers), timed_subscribers(timers), chain_hold(timers):
        started = time.perf_counter()
        if prof is not None:
            prof.enable()
        if one_transaction:
            with transaction.atomic():
                result = sweep_module.sweep()
        else:
            result = sweep_module.sweep()
        if prof is not None:
            prof.disable()
        elapsed = time.perf_counter() - started
    text = ""
    if prof is not None:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(30)
        text = out.getvalue()
    return elapsed, result, timers, text


def describe(result: Any) -> str:
    return (
        f"transitions {dict(result.acted) or 0}, SLA acts {dict(result.sla) or 0}, "
        f"skipped {result.skipped}, requeued {result.requeued}, purged {result.purged}"
    )


def print_split(elapsed: float, timers: Timers) -> None:
    for name in sorted(timers.seconds):
        secs, calls = timers.seconds[name], timers.calls[name]
        print(
            f"    {name:<50} {secs:8.2f} s  {100 * secs / max(elapsed, 1e-9):5.1f}%  "
            f"{calls:>7} calls  {1000 * secs / max(calls, 1):7.2f} ms/call"
        )


def make_due(n: int, now: datetime, originals_path: Path) -> list[int]:
    """Give ``n`` open reports that the sweep would act on an ``auto_at`` in the past."""
    from django.db import transaction
    from django.db.models import Q

    from aduan.reports.models import Report
    from aduan.sla.sweep import AUTO_ACTIONS

    candidates = list(
        Report.objects.filter(status__in=list(AUTO_ACTIONS))
        .filter(Q(auto_at__isnull=True) | Q(auto_at__gt=now + timedelta(hours=1)))
        .order_by("-pk")
        .values_list("pk", "auto_at")[:n]
    )
    if len(candidates) < n:
        raise SystemExit(
            f"only {len(candidates)} reports in {sorted(AUTO_ACTIONS)} could be made due; "
            f"asked for {n} (seed more, or lower --due)"
        )
    originals_path.write_text(
        json.dumps([[pk, at.isoformat() if at else None] for pk, at in candidates])
    )
    ids = [pk for pk, _at in candidates]
    past = now - timedelta(minutes=1)
    with transaction.atomic():
        for i in range(0, len(ids), 5000):
            Report.objects.filter(pk__in=ids[i : i + 5000]).update(auto_at=past)
    return ids


def restore_untouched(originals_path: Path) -> int:
    """Put back ``auto_at`` on reports the sweep did not act upon (status unchanged)."""
    from django.utils.dateparse import parse_datetime

    from aduan.reports.models import Report
    from aduan.sla.sweep import AUTO_ACTIONS

    restored = 0
    for pk, at in json.loads(originals_path.read_text()):
        restored += Report.objects.filter(pk=pk, status__in=list(AUTO_ACTIONS)).update(
            auto_at=parse_datetime(at) if at else None
        )
    return restored


def check_due(ids: list[int], head_before: tuple[int, str], full: bool) -> list[str]:
    from aduan.audit import chain
    from aduan.audit.models import ChainHead
    from aduan.reports.models import Report, ReportEvent
    from aduan.sla.sweep import AUTO_ACTIONS

    problems = []
    actions = list(AUTO_ACTIONS.values())
    n = len(ids)
    written: dict[int, int] = defaultdict(int)
    for i in range(0, n, 5000):
        for rid in ReportEvent.objects.filter(
            report_id__in=ids[i : i + 5000], action__in=actions, seq__gt=head_before[0]
        ).values_list("report_id", flat=True):
            written[rid] += 1
    events = sum(written.values())
    if events != n or len(written) != n:
        problems.append(f"{events} transition events on {len(written)} reports, expected {n}")
    twice = [rid for rid, c in written.items() if c > 1]
    if twice:
        problems.append(f"{len(twice)} reports got more than one transition event")
    still = sum(
        Report.objects.filter(pk__in=ids[i : i + 5000], status__in=list(AUTO_ACTIONS)).count()
        for i in range(0, n, 5000)
    )
    if still:
        problems.append(f"{still} reports are still in a due status")
    head = ChainHead.objects.get(name=chain.EVENTS.name)
    rows = list(ReportEvent.objects.filter(seq__gt=head_before[0]).order_by("seq"))
    broken = verify_segment(
        rows,
        start_seq=head_before[0],
        start_hash=head_before[1],
        end_seq=int(head.seq),
        end_hash=str(head.hash),
        spec=chain.EVENTS,
    )
    if broken:
        problems.append(f"event chain segment: {broken}")
    print(
        f"  chain segment: {len(rows):,} new events, seq {head_before[0] + 1}..{head.seq}: "
        f"{'intact' if broken is None else 'BROKEN'}"
    )
    if full:
        started = time.perf_counter()
        res = chain.verify(chain.EVENTS)
        took = time.perf_counter() - started
        print(f"  full chain verify: {res.count:,} events in {took:.1f} s: {res.problem or 'ok'}")
        if res.problem:
            problems.append(f"full verify: {res.problem}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--idle-runs", type=int, default=3)
    parser.add_argument("--skip-due", action="store_true", help="only catch-up and idle")
    parser.add_argument(
        "--no-catch-up",
        action="store_true",
        help="skip the first sweep (a freshly seeded database may owe hours of reminders "
        "and offers; those then run in the first 'idle' sweep)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the due sweep")
    parser.add_argument("--full-verify", action="store_true")
    parser.add_argument(
        "--one-transaction",
        action="store_true",
        help="experiment: run the due sweep in ONE transaction (not how the worker runs)",
    )
    parser.add_argument("--originals", type=Path, default=None)
    args = parser.parse_args()
    setup_django()
    from django.utils import timezone

    from aduan.audit import chain
    from aduan.audit.models import ChainHead

    facts = database_facts()
    print(
        f"database: {facts['vendor']}, size {facts['size']}, reports {facts['reports']}, "
        f"open {facts['open']}; load average {loadavg()}"
    )
    if args.no_catch_up:
        print("catch-up sweep skipped: an idle figure below that acted on anything is not idle")
    else:
        elapsed, result, timers, _ = run_sweep()
        print(f"catch-up sweep: {elapsed:.2f} s: {describe(result)}")
        print_split(elapsed, timers)

    idle = []
    for i in range(max(args.idle_runs, 1)):
        elapsed, result, timers, _ = run_sweep()
        idle.append(elapsed)
        print(f"idle sweep {i + 1}: {elapsed:.3f} s: {describe(result)}")
        print_split(elapsed, timers)
    print(
        f"IDLE: median {statistics.median(idle):.3f} s, max {max(idle):.3f} s: "
        f"{verdict(max(idle), IDLE_GOAL_S)}; load average {loadavg()}"
    )
    if args.skip_due:
        return 0

    originals = args.originals or Path(
        tempfile.mkstemp(prefix="aduan-sweep-originals-", suffix=".json")[1]
    )
    now = timezone.now()
    ids = make_due(args.due, now, originals)
    print(f"made {len(ids):,} reports due (originals in {originals})")
    head = ChainHead.objects.get(name=chain.EVENTS.name)
    head_before = (int(head.seq), str(head.hash))
    try:
        elapsed, result, timers, profile_text = run_sweep(
            profile=args.profile, one_transaction=args.one_transaction
        )
    except BaseException:
        print(f"sweep failed; restored auto_at of {restore_untouched(originals)} reports")
        raise
    how = " (EXPERIMENT: one transaction, not the worker's way)" if args.one_transaction else ""
    print(f"DUE sweep{how}: {elapsed:.2f} s: {describe(result)}")
    projected = elapsed * 10_000 / len(ids)
    print(
        f"  {len(ids) / elapsed:,.0f} transitions/s; "
        + (
            verdict(elapsed, DUE_GOAL_S)
            if len(ids) == 10_000
            else f"projected to 10,000: {projected:.0f} s, {verdict(projected, DUE_GOAL_S)}"
        )
        + f"; load average {loadavg()}"
    )
    print_split(elapsed, timers)
    lock = timers.seconds.get("aduan.audit.chain._lock_head", 0.0)
    held, holds = timers.seconds.get(HOLD, 0.0), timers.calls.get(HOLD, 0)
    print(
        f"  chain head: {lock:.2f} s taking the head-row lock over "
        f"{timers.calls.get('aduan.audit.chain._lock_head', 0)} appends "
        f"({100 * lock / max(elapsed, 1e-9):.1f}% of the sweep, waits for other writers "
        f"included); held "
        f"{held:.2f} s in {holds} transactions ({1000 * held / max(holds, 1):.1f} ms each, "
        f"{100 * held / max(elapsed, 1e-9):.0f}% of the sweep): event writers elsewhere wait "
        "that long"
    )
    problems = check_due(ids, head_before, args.full_verify)
    again, result2, _t, _ = run_sweep()
    acted_again = sum(result2.acted.values())
    print(f"second sweep: {again:.2f} s: {describe(result2)}")
    if acted_again:
        from aduan.reports.models import ReportEvent

        repeat = ReportEvent.objects.filter(
            report_id__in=ids, seq__gt=head_before[0], action__in=["auto_close", "expire"]
        ).count()
        if repeat != len(ids):
            problems.append(f"second sweep acted again on our reports ({repeat} events)")
    restored = restore_untouched(originals)
    if restored:
        print(f"restored auto_at of {restored} reports the sweep did not act upon")
    if profile_text:
        print(profile_text)
    if problems:
        for p in problems:
            print(f"PROBLEM: {p}")
        return 1
    print(f"verified: exactly {len(ids):,} transitions applied once, event chain intact")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
