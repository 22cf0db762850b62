"""The hot tables carry the indexes their queries use and no copies: every index is
written by each intake and rebuilt by each bulk load."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from aduan.core.fields import AsciiCharField
from aduan.reports.models import Report, ReportEvent
from tests.factories import submit

pytestmark = pytest.mark.django_db


def _indexed_columns(table: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]


def test_no_index_is_a_prefix_copy_of_another() -> None:
    for model, column, covering in (
        (ReportEvent, "report_id", ["report_id", "created_at"]),
        (Report, "agency_id", ["agency_id", "status"]),
    ):
        indexed = _indexed_columns(model._meta.db_table)
        assert covering in indexed
        assert [column] not in indexed


def test_codes_are_compared_byte_by_byte() -> None:
    fields = [Report._meta.get_field("tracking_id"), ReportEvent._meta.get_field("hash")]
    assert all(isinstance(f, AsciiCharField) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # SQLite's BINARY collation is bytewise; no clause is written.
            assert all(f.db_parameters(connection)["collation"] is None for f in fields)
            return
        cursor.execute(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND column_name IN ('tracking_id', 'hash')"
            " AND table_name IN ('reports_report', 'reports_reportevent', 'audit_auditrecord')"
        )
        assert {(t, c): n for t, c, n in cursor.fetchall()} == {
            ("reports_report", "tracking_id"): "C",
            ("reports_reportevent", "hash"): "C",
            ("audit_auditrecord", "hash"): "C",
        }
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'reports_report'"
            " AND indexdef LIKE '%%tracking_id varchar_pattern_ops%%'"
        )
        assert cursor.fetchall() == []  # the tracking ID's pattern copy is gone


def test_lookups_by_code_and_report_still_find_their_rows() -> None:
    report = submit().report
    assert Report.objects.get(tracking_id=report.tracking_id) == report
    assert Report.objects.filter(tracking_id__startswith=report.tracking_id[:5]).exists()
    event = ReportEvent.objects.get(report=report)
    assert ReportEvent.objects.get(hash=event.hash) == event


def test_the_public_statuses_are_written_into_the_sql() -> None:
    from aduan.reports import access

    sql, params = access.public_reports().query.get_compiler("default").as_sql()
    assert "IN ('dispatched', 'in_progress', 'responded', 'closed', 'escalated')" in sql
    assert not any(isinstance(p, str) for p in params)
    for bad in (["closed'; DROP TABLE x; --"], ["a b"], []):
        with pytest.raises(ValueError):
            str(Report.objects.filter(status__in_literals=bad).query)


def test_sqlite_reads_the_public_list_through_its_partial_index(world: Any) -> None:
    from aduan.core import dbstats
    from aduan.reports import selectors
    from aduan.reports.models import Status

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL sees the values in its custom plans either way")
    for i in range(40):  # the newest mostly waiting for the desk, as on a live system
        report = submit(title=f"Jalan rusak {i}").report
        if i < 10:
            Report.objects.filter(pk=report.pk).update(status=Status.DISPATCHED)
    dbstats.refresh()  # as seeding and the worker leave it
    rows = selectors.public_list_page_rows(filters=selectors.PublicListFilter())[:20]
    count = selectors.public_list_matching(filters=selectors.PublicListFilter()).values("pk")
    for query in (rows.query, count[:10001].query):
        sql, params = query.get_compiler("default").as_sql()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        # With the statuses as parameters SQLite walked the submitted_at index instead.
        assert "USING INDEX report_public_list" in plan, plan


def _plan(queryset: Any) -> str:
    """The plan of ``queryset`` as the database would run it with the index available
    (PostgreSQL's planner scans a test's tiny tables sequentially whatever it has)."""
    sql, params = queryset.query.get_compiler("default").as_sql()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


def test_sparse_references_are_indexed_where_set_and_their_lookups_use_it(world: Any) -> None:
    report = submit().report
    person, agency = world.bandung_officer, world.bandung
    Report.objects.filter(pk=report.pk).update(reporter=person)
    for model, column, name, value in (
        (ReportEvent, "actor", "event_actor", person.pk),
        (ReportEvent, "actor_agency", "event_actor_agency", agency.pk),
        (ReportEvent, "agency", "event_agency", agency.pk),
        (Report, "reporter", "report_reporter", person.pk),
        (Report, "requested_agency", "report_requested_agency", agency.pk),
        (Report, "source_agency", "report_source_agency", agency.pk),
        (Report, "merged_into", "report_merged_into", report.pk),
    ):
        field = model._meta.get_field(column)
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
        assert found[name]["columns"] == [field.column], name
        # No full index of the column beside the partial one.
        assert [c["columns"] for c in found.values() if c["index"]].count([field.column]) == 1
        # (Unordered: the models' default order could be read off another index.)
        plan = _plan(model.objects.filter(**{column: value}).order_by())
        assert name in plan, (name, plan)
    # The reporter's own list finds their report through it.
    assert list(Report.objects.filter(reporter=person)) == [report]


def test_a_hash_is_found_through_the_index_of_its_head() -> None:
    from aduan.audit import chain
    from aduan.audit.models import AuditRecord

    event = ReportEvent.objects.get(report=submit().report)
    assert chain.linked_to(ReportEvent.objects, event.hash) == [event]
    assert chain.linked_to(ReportEvent.objects, event.hash[:8] + "0" * 56) == []
    for model, name in ((ReportEvent, "event_hash"), (AuditRecord, "audit_hash")):
        head = model.objects.annotate(hash_head=chain.HashHead("hash"))
        assert name in _plan(head.filter(hash_head=event.hash[:8]).order_by())
