"""aduan.core.prepared.PreparedInsert: a new row written as save() would write it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import signals
from django.db.models.functions import Now
from django.utils import timezone

from aduan.audit import chain
from aduan.audit.models import AuditRecord
from aduan.core.prepared import PreparedInsert
from aduan.reports.models import Report, ReportEvent
from tests.prepared_support import only_on_postgresql, prepared_runs

NOW = timezone.now()


def _report(tracking_id: str, **extra: Any) -> Report:
    fields: dict[str, Any] = {
        "tracking_id": tracking_id,
        "secret_hash": "a" * 64,
        "title": "Lampu jalan padam",
        "body": "Sejak seminggu, di depan pasar.",
        "public_title": "Lampu jalan padam",
        "public_body": "Sejak seminggu, di depan pasar.",
        "channel": "api",
        "submitted_at": NOW,
        "latitude": "-6.914744",
        "longitude": "107.609810",
        "incident_date": NOW.date(),
        "is_anonymous": True,
    }
    return Report(**{**fields, **extra})


def _stored(model: Any, pk: int) -> dict[str, Any]:
    row = model.objects.values().get(pk=pk)
    row.pop("id")
    return row


def test_the_row_and_the_instance_are_what_save_makes(world: Any) -> None:
    by_orm = _report("ORMREPORT1", region=world.region_bandung, agency=world.bandung)
    by_orm.save(force_insert=True)
    prepared = _report("PREPARED01", region=world.region_bandung, agency=world.bandung)
    PreparedInsert(Report)(prepared, using="default")
    assert isinstance(prepared.pk, int) and prepared.pk != by_orm.pk
    assert not prepared._state.adding and prepared._state.db == "default"
    orm_row, prepared_row = _stored(Report, by_orm.pk), _stored(Report, prepared.pk)
    assert orm_row.pop("tracking_id") == "ORMREPORT1"
    assert prepared_row.pop("tracking_id") == "PREPARED01"
    # auto_now was applied (pre_save), as save() applies it: each at its own moment.
    stamped = prepared_row.pop("updated_at")
    assert stamped >= orm_row.pop("updated_at") and stamped == prepared.updated_at
    assert prepared_row == orm_row  # defaults included
    prepared.title = "Judul diperbaiki"
    prepared.save(update_fields=["title"])  # a normal, saved instance
    assert Report.objects.get(pk=prepared.pk).title == "Judul diperbaiki"


def test_chained_rows_of_both_chains_go_through_it(world: Any) -> None:
    report = _report("CHAINED001")
    report.save(force_insert=True)
    event = ReportEvent.objects.create(
        report=report, action="submit", to_status="submitted", created_at=NOW
    )
    record = AuditRecord.objects.create(
        action="login", detail={"1": ["a", None]}, ip_address="2001:db8::1", created_at=NOW
    )
    for row in (event, record):
        assert row.pk is not None and row.seq > 0
        stored = type(row).objects.get(pk=row.pk)
        assert (
            stored.hash
            == row.hash
            == chain.row_hash(
                chain.SPECS["events" if row is event else "audit"],
                stored,
                stored.seq,
                row.prev_hash,
            )
        )
    assert AuditRecord.objects.get(pk=record.pk).ip_address == "2001:db8::1"
    assert all(result.ok for result in chain.verify_all())


def test_save_signals_are_sent_as_save_sends_them(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    inserter = PreparedInsert(Report)
    seen: list[tuple[str, Any, bool | None, int | None]] = []

    def before(sender: Any, instance: Any, **kwargs: Any) -> None:
        instance.title = "Diubah sebelum disimpan"  # as a pre_save receiver may do
        seen.append(("pre", instance, None, instance.pk))

    def after(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        seen.append(("post", instance, created, instance.pk))

    def no_save_base(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("Django's save path was taken")

    signals.pre_save.connect(before, sender=Report)
    signals.post_save.connect(after, sender=Report)
    try:
        with monkeypatch.context() as patch:
            patch.setattr(Report, "save_base", no_save_base)
            plain = _report("SIGNALLED1")
            inserter(plain, using="default")
        assert seen == [("pre", plain, None, None), ("post", plain, True, plain.pk)]
        assert Report.objects.get(pk=plain.pk).title == "Diubah sebelum disimpan"
        # A value that is an expression goes through Django's insert; still one of each.
        seen.clear()
        expression = _report("EXPRESSED1", submitted_at=Now())
        inserter(expression, using="default")
        assert [(kind, obj) for kind, obj, _c, _pk in seen] == [
            ("pre", expression),
            ("post", expression),
        ]
    finally:
        signals.pre_save.disconnect(before, sender=Report)
        signals.post_save.disconnect(after, sender=Report)
    assert Report.objects.get(pk=expression.pk).submitted_at is not None
    with pytest.raises(ValueError):
        inserter(expression, using="default")  # already saved
    with pytest.raises(TypeError):
        inserter(ReportEvent(), using="default")


def test_a_failed_insert_spoils_the_transaction_as_save_does(world: Any) -> None:
    _report("DUPLICATE1").save(force_insert=True)
    spoilt: list[bool] = []
    with pytest.raises(IntegrityError), transaction.atomic():
        try:
            PreparedInsert(Report)(_report("DUPLICATE1"), using="default")
        finally:
            spoilt.append(connection.needs_rollback)
    assert spoilt == [True]
    assert Report.objects.filter(tracking_id="DUPLICATE1").count() == 1


def test_postgresql_prepares_the_insert_once_per_connection(world: Any) -> None:
    only_on_postgresql()
    inserter = PreparedInsert(Report)

    def runs() -> int:
        return prepared_runs('INSERT INTO "reports_report"%')

    before = runs()
    for i in range(3):
        inserter(_report(f"PREPARE{i:03d}"), using="default")
    assert runs() == before + 3


def test_ignoring_conflicts_as_bulk_create_does(world: Any) -> None:
    from aduan.stats.models import PendingFact

    report = _report("CONFLICT01")
    report.save(force_insert=True)
    mark = PreparedInsert(PendingFact, ignore_conflicts=True)
    first = PendingFact(report_id=report.pk)
    mark(first, using="default")
    marked_at = PendingFact.objects.get(report_id=report.pk).marked_at
    assert marked_at is not None and not first._state.adding
    mark(PendingFact(report_id=report.pk), using="default")  # already marked: nothing
    assert list(PendingFact.objects.values_list("report_id", "marked_at")) == [
        (report.pk, marked_at)
    ]


def test_a_first_statement_needs_columns_taken_from_it(world: Any) -> None:
    """``first`` exists to feed the insert (the chain head's append): alone, with a value
    Django must compile, or on SQLite it is refused before anything is written."""
    inserter = PreparedInsert(Report)
    rename = ('UPDATE "regions_region" SET "name" = %s WHERE "code" = %s RETURNING "name"', [])
    with pytest.raises(ValueError, match="go together"):
        inserter(_report("FIRSTSTMT1"), using="default", first=rename)
    if connection.vendor != "postgresql":
        with pytest.raises(ValueError, match="on PostgreSQL"):
            inserter(_report("FIRSTSTMT2"), using="default", first=rename, from_first=("title",))
    else:
        with pytest.raises(ValueError, match="cannot take values"):
            inserter(
                _report("FIRSTSTMT2", submitted_at=Now()),
                using="default",
                first=rename,
                from_first=("title",),
            )
    assert not Report.objects.filter(tracking_id__startswith="FIRSTSTMT").exists()


def test_one_inserter_per_model_and_kind() -> None:
    from aduan.core.prepared import insert_for

    report = insert_for("reports.Report")
    assert report is insert_for("reports.Report") and report.model is Report
    ignoring = insert_for("reports.Report", ignore_conflicts=True)
    assert ignoring is not report and ignoring.ignore_conflicts


def test_values_taken_from_what_the_first_statement_returns(world: Any) -> None:
    only_on_postgresql()
    from aduan.regions.models import Region

    report = _report("FROMFIRST1")
    # The title and the public title come from the region the first statement renames.
    rename = (
        'UPDATE "regions_region" SET "name" = %s WHERE "code" = %s'
        ' RETURNING "name" AS "title", "name" || %s AS "public_title"'
    )
    inserter = PreparedInsert(Report)
    inserter(
        report,
        using="default",
        first=(rename, ["Bandung Raya", "32.73", " (publik)"]),
        from_first=("title", "public_title"),
    )
    assert (report.title, report.public_title) == ("Bandung Raya", "Bandung Raya (publik)")
    stored = Report.objects.get(pk=report.pk)
    assert (stored.title, stored.public_title, stored.tracking_id) == (
        "Bandung Raya",
        "Bandung Raya (publik)",
        "FROMFIRST1",
    )
    assert Region.objects.get(code="32.73").name == "Bandung Raya"
    # A first statement that returns no row: nothing inserted, the transaction usable.
    from aduan.core.prepared import NothingInserted

    missing = _report("FROMFIRST2")
    with transaction.atomic():
        with pytest.raises(NothingInserted):
            inserter(
                missing,
                using="default",
                first=(rename, ["Tidak ada", "99.99", ""]),
                from_first=("title", "public_title"),
            )
        assert missing.pk is None and missing._state.adding
        assert Report.objects.filter(tracking_id="FROMFIRST2").count() == 0  # still usable
    with pytest.raises(ValueError, match="from_first"):
        inserter(_report("FROMFIRST3"), using="default", from_first=("title",))
    with pytest.raises(ValueError, match="from_first"):
        inserter(
            _report("FROMFIRST3"),
            using="default",
            first=(rename, ["X", "32.73", ""]),
            from_first=("no_such_column",),
        )
