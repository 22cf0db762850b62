"""The tamper-evident history: events and audit records are hash-chained, and
``aduan audit verify`` finds edited, deleted, reordered and inserted records."""

# ruff: noqa: S608 - tests tamper with fixed tables / run fixed commands

from __future__ import annotations

import json
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django.utils import timezone

from aduan.audit import chain
from aduan.audit.models import AuditRecord, ChainHead
from aduan.audit.services import audit_record
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import ReportEvent
from tests.factories import submit
from tests.prepared_support import prepared_runs

pytestmark = pytest.mark.django_db

EVENTS = ReportEvent._meta.db_table
AUDIT = AuditRecord._meta.db_table


def sql(statement: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def events(n: int = 5) -> list[ReportEvent]:
    for i in range(n):
        submit(title=f"Lampu jalan padam nomor {i}")
    return list(ReportEvent.objects.order_by("seq"))


def run_verify(*extra: str) -> tuple[int, list[dict[str, Any]]]:
    out = StringIO()
    try:
        call_command("audit", "verify", "--json", *extra, stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return code, json.loads(out.getvalue())


def problem(name: str = "events") -> dict[str, Any]:
    code, results = run_verify()
    assert code == 1
    (result,) = [r for r in results if r["chain"] == name]
    assert result["ok"] is False
    return dict(result["problem"])


def test_every_write_path_chains_and_verifies(world: Any) -> None:
    receipt = submit()
    transition(
        receipt.report,
        "request_info",
        actor=Actor.staff(world.desk),
        change=Change(message="Mohon sebutkan nama jalannya."),
    )
    # A direct create (as older code and tests do) goes through the chain too.
    ReportEvent.objects.create(
        report=receipt.report,
        action="note",
        from_status=receipt.report.status,
        to_status=receipt.report.status,
        actor_kind=ReportEvent.ActorKind.STAFF,
        message="Catatan",
        visibility=ReportEvent.Visibility.STAFF,
        created_at=timezone.now(),
    )
    audit_record(
        actor=world.desk,
        action=AuditRecord.Action.VIEW_IDENTITY,
        report=receipt.report,
        detail={"fields": ["name"], 3: "int key"},
    )
    rows = list(ReportEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == chain.GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert ChainHead.objects.get(name="events").hash == rows[-1].hash
    code, results = run_verify()
    assert code == 0
    assert [(r["chain"], r["ok"], r["records"]) for r in results] == [
        ("events", True, 3),
        ("audit", True, 1),
    ]


def test_rows_stay_append_only() -> None:
    event = events(1)[0]
    event.message = "diubah"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_bulk_create_chains_in_order(world: Any) -> None:
    now = timezone.now()
    made = AuditRecord.objects.bulk_create(
        [
            AuditRecord(actor=world.desk, action="view_identity", created_at=now, ip_address=ip)
            for ip in ("10.0.0.1", "2001:DB8::1", "10.0.0.3")
        ]
    )
    assert [r.seq for r in made] == [1, 2, 3]
    assert run_verify()[0] == 0


def test_edit_by_raw_sql_is_found_with_its_position_and_id() -> None:
    rows = events()
    sql(f"UPDATE {EVENTS} SET message = %s WHERE id = %s", "ditutupi", rows[2].pk)
    found = problem()
    assert found["kind"] == "edited"
    assert (found["position"], found["record_id"]) == (3, rows[2].pk)


def test_changed_timestamp_is_an_edit() -> None:
    rows = events()
    later = rows[1].created_at + timezone.timedelta(seconds=1)
    sql(f"UPDATE {EVENTS} SET created_at = %s WHERE id = %s", later, rows[1].pk)
    assert problem()["kind"] == "edited"


def test_deleted_record_in_the_middle() -> None:
    rows = events()
    sql(f"DELETE FROM {EVENTS} WHERE id = %s", rows[1].pk)
    found = problem()
    assert found["kind"] == "deleted"
    assert (found["position"], found["record_id"]) == (2, rows[2].pk)


def test_deleted_record_renumbered_to_hide_the_gap() -> None:
    rows = events()
    sql(f"DELETE FROM {EVENTS} WHERE id = %s", rows[1].pk)
    for row in rows[2:]:
        sql(f"UPDATE {EVENTS} SET seq = %s WHERE id = %s", row.seq - 1, row.pk)
    found = problem()
    assert found["kind"] in {"deleted", "reordered"}
    assert found["position"] == 2


def test_deleted_last_record_is_found_by_the_chain_head() -> None:
    rows = events()
    sql(f"DELETE FROM {EVENTS} WHERE id = %s", rows[-1].pk)
    found = problem()
    assert found["kind"] == "deleted"
    assert found["position"] == 5


def test_swapped_records_are_reordered() -> None:
    rows = events()
    a, b = rows[1], rows[2]
    sql(f"UPDATE {EVENTS} SET seq = %s WHERE id = %s", -1, a.pk)
    sql(f"UPDATE {EVENTS} SET seq = %s WHERE id = %s", a.seq, b.pk)
    sql(f"UPDATE {EVENTS} SET seq = %s WHERE id = %s", b.seq, a.pk)
    found = problem()
    assert found["kind"] == "reordered"
    assert (found["position"], found["record_id"]) == (2, b.pk)


def test_inserted_forged_record_at_the_end() -> None:
    rows = events(3)
    last = rows[-1]
    sql(
        f"INSERT INTO {EVENTS} (report_id, action, from_status, to_status, actor_kind, "
        "actor_label, reason, message, public_message, visibility, created_at, seq, "
        "prev_hash, hash) VALUES (%s, 'close', 'submitted', 'closed', 'staff', '', '', '', "
        "'', 'public', %s, %s, %s, %s)",
        last.report_id,
        timezone.now(),
        4,
        "f" * 64,
        "e" * 64,
    )
    found = problem()
    assert found["kind"] == "inserted"
    assert found["position"] == 4


def test_well_forged_record_still_disagrees_with_the_head() -> None:
    rows = events(3)
    forged = ReportEvent(
        report_id=rows[0].report_id,
        action="close",
        from_status="submitted",
        to_status="closed",
        actor_kind="staff",
        visibility="public",
        created_at=timezone.now(),
    )
    digest = chain.row_hash(chain.EVENTS, forged, 4, rows[-1].hash)
    sql(
        f"INSERT INTO {EVENTS} (report_id, action, from_status, to_status, actor_kind, "
        "actor_label, reason, message, public_message, visibility, created_at, seq, "
        "prev_hash, hash) VALUES (%s, 'close', 'submitted', 'closed', 'staff', '', '', '', "
        "'', 'public', %s, 4, %s, %s)",
        forged.report_id,
        forged.created_at,
        rows[-1].hash,
        digest,
    )
    found = problem()
    assert found["kind"] == "inserted"


def test_audit_chain_detail_edit(world: Any) -> None:
    for n in range(3):
        audit_record(actor=world.desk, action="view_identity", detail={"n": n})
    second = AuditRecord.objects.get(seq=2)
    sql(f"UPDATE {AUDIT} SET detail = %s WHERE id = %s", json.dumps({"n": 9}), second.pk)
    found = problem("audit")
    assert (found["kind"], found["record_id"], found["position"]) == ("edited", second.pk, 2)
    code, results = run_verify("--chain", "events")
    assert code == 0 and [r["chain"] for r in results] == ["events"]


def test_text_output_names_the_break() -> None:
    rows = events(3)
    sql(f"UPDATE {EVENTS} SET to_status = 'closed' WHERE id = %s", rows[0].pk)
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", stdout=out)
    assert caught.value.returncode == 1
    assert f"events: edited at position 1 (record id {rows[0].pk})" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(world: Any) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(5):
                audit_record(actor=None, action="view_identity", detail={"w": n, "i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = chain.verify(chain.AUDIT)
    assert result.ok and result.count == 20


@pytest.mark.django_db(transaction=True)
def test_data_migration_chains_rows_written_before_the_chain(world: Any) -> None:
    from django.db.migrations.executor import MigrationExecutor

    before = [("reports", "0004_sla_indexes_chat_channel"), ("audit", "0003_integration_actions")]
    submit(title="Laporan lama pertama")
    submit(title="Laporan lama kedua")
    audit_record(actor=world.desk, action="view_identity", detail={"lama": True})
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        # The old schema: the rows lose their chain columns; add one more old-style row.
        old = MigrationExecutor(connection).loader.project_state(before).apps
        event = old.get_model("reports", "ReportEvent")
        first = event.objects.order_by("id").first()
        event.objects.create(
            report_id=first.report_id,
            action="note",
            from_status="submitted",
            to_status="submitted",
            actor_kind="staff",
            message="catatan lama",
            visibility="staff",
            created_at=timezone.now(),
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    results = {r.chain: r for r in chain.verify_all()}
    assert results["events"].ok and results["events"].count == 3
    assert results["audit"].ok and results["audit"].count == 1
    assert [e.message for e in ReportEvent.objects.order_by("seq")][-1] == "catatan lama"


@pytest.mark.parametrize(
    ("model", "name"), [(ReportEvent, "event_hash"), (AuditRecord, "audit_hash")]
)
def test_hash_is_indexed_once_by_its_head(db: Any, model: Any, name: str) -> None:
    """One index for the hash: on its first eight symbols (``chain.hash_index``), not the
    whole 64 (5.4 GB at 60 million events, written on every event), nor Django's
    pattern-matching twin on PostgreSQL."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    assert name in found and found[name]["index"]
    assert not [n for n, c in found.items() if c["index"] and "hash" in (c["columns"] or [])]


def test_postgresql_appends_one_row_in_one_statement(world: Any) -> None:
    """The head is locked, numbered and hashed by the server in the insert's own
    statement; the hash is the one Python computes, whatever the text holds."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite appends by a locking read, Python's hash and the insert")
    from django.test.utils import CaptureQueriesContext

    tricky = 'Kata "seq":-4611686018427387904, \\n baris\nbaru, ünïcödé 🚦 \u2028'
    # The head exists (a flushed test database has none: the first append makes it).
    audit_record(actor=None, action="view_identity", detail={"first": True})
    one_statement = 'WITH "first" AS (UPDATE "audit_chainhead"%'
    runs = prepared_runs(one_statement)
    with CaptureQueriesContext(connection) as queries:
        record = AuditRecord.objects.create(
            action="view_identity", detail={"text": tricky}, created_at=timezone.now()
        )
    # One statement, prepared (Django logs no text for a server-bound statement).
    assert len(queries.captured_queries) == 1
    assert prepared_runs(one_statement) == runs + 1
    head = ChainHead.objects.get(name="audit")
    assert (head.seq, head.hash, head.prev_hash) == (record.seq, record.hash, record.prev_hash)
    stored = AuditRecord.objects.get(pk=record.pk)
    assert stored.hash == chain.row_hash(chain.AUDIT, stored, stored.seq, stored.prev_hash)
    event = submit(title=tricky, body=tricky).report.events.get()
    assert event.hash == chain.row_hash(chain.EVENTS, event, event.seq, event.prev_hash)
    assert all(result.ok for result in chain.verify_all())


def test_an_append_recreates_a_missing_head() -> None:
    # As after a test database's flush: no records, no head.
    assert not AuditRecord.objects.exists()
    ChainHead.objects.filter(name="audit").delete()
    record = audit_record(actor=None, action="view_identity", detail={"after": "flush"})
    head = ChainHead.objects.get(name="audit")
    assert head.seq == record.seq and head.hash == record.hash


def test_canonical_around_seq_is_canonical_without_the_position(world: Any) -> None:
    record = AuditRecord(
        action="view_identity",
        detail={"seq": '"seq":-4611686018427387904'},
        created_at=timezone.now(),
    )
    before, after = chain.canonical_around_seq(chain.AUDIT, record)
    assert before + b"42" + after == chain.canonical(chain.AUDIT, record, 42)
