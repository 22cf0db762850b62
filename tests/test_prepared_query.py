"""aduan.core.prepared: queries compiled once return exactly what the ORM would."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.db.models import F
from django.forms.models import model_to_dict

from aduan.core import dbrouting
from aduan.core.prepared import PreparedQuery
from aduan.reports import access, selectors
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Report, ReportEvent
from tests.factories import submit
from tests.prepared_support import only_on_postgresql, prepared_runs


def _dispatched(world: Any) -> Report:
    report = submit(region=world.region_bandung, district=world.district_bandung).report
    transition(
        report,
        "dispatch",
        actor=Actor.staff(world.desk),
        change=Change(agency=world.bandung, category=world.category_roads),
    )
    transition(
        report,
        "respond",
        actor=Actor.staff(world.bandung_officer),
        change=Change(message="Sudah kami tambal."),
    )
    return report


def _values(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_tracking_lookup_equals_the_orm_with_its_related_rows(
    world: Any, django_assert_num_queries: Any
) -> None:
    report = _dispatched(world)
    expected = Report.objects.select_related("agency", "category", "region", "district").get(
        pk=report.pk
    )
    with django_assert_num_queries(1):
        found = access.report_by_tracking_id(report.tracking_id.lower())
        assert found is not None
        # Every related row came with it: reading them costs no query.
        assert found.agency == world.bandung and found.agency.name == world.bandung.name
        assert found.category == world.category_roads
        assert found.region == world.region_bandung
        assert found.district == world.district_bandung
    assert _values(found) == _values(expected)
    for name in ("agency", "category", "region", "district"):
        assert _values(getattr(found, name)) == _values(getattr(expected, name))
    # Datetimes come back as the ORM gives them (aware), on SQLite and PostgreSQL.
    assert found.submitted_at == expected.submitted_at and found.submitted_at.tzinfo
    assert found._state.db == "default" and not found._state.adding
    found.title = "Judul diperbaiki"
    found.save(update_fields=["title"])  # a normal, saveable instance
    assert Report.objects.get(pk=report.pk).title == "Judul diperbaiki"


def test_unknown_and_unrelated_reports(world: Any) -> None:
    assert access.report_by_tracking_id("ABCDEFGHJK") is None
    bare = submit().report  # no agency, category, region or district yet
    found = access.report_by_tracking_id(bare.tracking_id)
    assert found is not None and found.pk == bare.pk
    assert found.agency is None and found.category is None and found.district is None


def test_the_timeline_equals_the_orm_for_each_viewer(world: Any) -> None:
    report = _dispatched(world)
    transition(
        report,
        "note",
        actor=Actor.staff(world.bandung_officer),
        change=Change(message="Catatan internal petugas."),
    )
    for parties, visible in ((False, ["public"]), (True, ["public", "parties"])):
        expected = list(
            report.events.filter(visibility__in=visible)
            .select_related("agency")
            .order_by("created_at", "id")
        )
        got = selectors.timeline_events(report, include_parties=parties)
        assert [e.pk for e in got] == [e.pk for e in expected]
        assert [_values(e) for e in got] == [_values(e) for e in expected]
        assert all(e.report is report for e in got)
    staff_only = ReportEvent.objects.filter(report=report, visibility=ReportEvent.Visibility.STAFF)
    assert staff_only.exists()
    shown = selectors.timeline_events(report, include_parties=True)
    assert not {e.pk for e in shown} & set(staff_only.values_list("pk", flat=True))


def test_every_thread_compiles_its_own_copy(world: Any) -> None:
    report = _dispatched(world)
    query = access._REPORT_BY_TRACKING_ID
    assert access.report_by_tracking_id(report.tracking_id) is not None
    results: list[Any] = []

    def other() -> None:
        try:
            # Nothing compiled in this thread yet: the main thread's copy is not shared.
            results.append(hasattr(query._local, "by_alias"))
            found = access.report_by_tracking_id(report.tracking_id)
            results.append(found.pk if found else None)
        finally:
            connection.close()

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("an in-memory SQLite database is not shared between threads")
    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    # The test's transaction is not visible to the other thread's connection: its query
    # ran there, on its own compiled copy, and found nothing.
    assert results == [False, None]
    assert "default" in query._local.by_alias


def test_reads_follow_the_router(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = dbrouting.ReplicaRouter.db_for_read

    def spy(self: Any, model: Any, **hints: Any) -> str:
        alias = real(self, model, **hints)
        seen.append(alias)
        return alias

    monkeypatch.setattr(dbrouting.ReplicaRouter, "db_for_read", spy)
    report = _dispatched(world)
    access.report_by_tracking_id(report.tracking_id)
    assert seen and seen[-1] == "default"


def test_it_refuses_what_it_cannot_replay(world: Any) -> None:
    shapes = [
        lambda t: Report.objects.filter(tracking_id=t).annotate(a=F("agency__name")),
        lambda t: Report.objects.filter(tracking_id=t).only("title"),
        lambda t: Report.objects.filter(tracking_id=t).values("title"),
        lambda t: Report.objects.filter(tracking_id=t).prefetch_related("events"),
        lambda t: Report.objects.filter(title=t, body=t),  # one value, two places
        lambda t: Report.objects.all(),  # the value never reaches the SQL
    ]
    for shape in shapes:
        with pytest.raises(TypeError):
            PreparedQuery(Report, shape, (str,))("X")
    query = PreparedQuery(Report, lambda t: Report.objects.filter(tracking_id=t), (str,))
    with pytest.raises(TypeError):
        query(1)
    with pytest.raises(TypeError):
        query("a", "b")
    assert query("NOSUCHID00") == []
    report = submit().report
    assert [r.pk for r in query(report.tracking_id)] == [report.pk]
    by_id = PreparedQuery(Report, lambda pk: Report.objects.filter(pk=pk), (int,))
    assert model_to_dict(by_id(report.pk)[0]) == model_to_dict(report)


def test_postgresql_plans_the_lookup_once_per_connection(world: Any) -> None:
    only_on_postgresql()
    report = _dispatched(world)

    def plans() -> int:
        return prepared_runs('%FROM "reports_report" LEFT OUTER JOIN%')

    before = plans()
    for _ in range(3):
        found = access.report_by_tracking_id(report.tracking_id)
        assert found is not None and found.agency == world.bandung
    # The server ran the prepared statement three more times: no re-parsing on the way.
    assert plans() == before + 3
    # Django's own cursors are untouched: they still bind on the client and never prepare.
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, psycopg.ClientCursor)


def test_the_submission_reference_fields_are_prepared_lookups(
    world: Any, django_assert_num_queries: Any
) -> None:
    from aduan.reports.models import Category
    from aduan.reports.serializers import ReportCreateSerializer

    names = ("region", "district", "agency", "category")
    first, second = ReportCreateSerializer(), ReportCreateSerializer()
    for name in names:
        # Every request's copy of a field shares its one compiled lookup.
        assert first.fields[name].prepared is not None
        assert first.fields[name].prepared is second.fields[name].prepared
    data = {
        "title": "Jalan berlubang",
        "body": "Lubang besar di depan sekolah.",
        "region": " 32.73 ",
        "district": "32.73.01",
        "agency": world.bandung.code,
        "category": world.category_roads.code,
    }
    serializer = ReportCreateSerializer(data=data)
    with django_assert_num_queries(4):  # one per code; the district's regency joined
        assert serializer.is_valid(), serializer.errors
        district = serializer.validated_data["district"]
        assert district.regency == world.region_bandung
    assert serializer.validated_data["region"] == world.region_bandung
    assert serializer.validated_data["agency"] == world.bandung
    assert serializer.validated_data["category"] == world.category_roads
    # The queryset still decides: an inactive category is unknown, as before.
    Category.objects.filter(pk=world.category_roads.pk).update(is_active=False)
    bad = ReportCreateSerializer(data={**data, "region": "99.99", "district": "zz"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"region", "district", "category"}
    assert "99.99" in str(bad.errors["region"][0])


def test_regions_and_districts_are_kept_for_minutes(
    world: Any, django_assert_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aduan.core import api
    from aduan.regions.models import Region
    from aduan.reports.serializers import REFERENCE_KEEP_SECONDS, ReportCreateSerializer

    data = {"title": "Jalan berlubang", "body": "Di depan sekolah.", "region": "32.73"}

    def validated(**extra: str) -> dict[str, Any]:
        serializer = ReportCreateSerializer(data={**data, **extra})
        assert serializer.is_valid(), serializer.errors
        return dict(serializer.validated_data)

    with django_assert_num_queries(2):  # looked up once each, then kept
        first = validated(district="32.73.01")
    with django_assert_num_queries(0):
        again = validated(district="32.73.01")
    # Each caller gets its own copy of the kept row.
    assert again["region"] == first["region"] and again["region"] is not first["region"]
    assert again["district"].regency == world.region_bandung
    # A change saved here is seen at once.
    Region.objects.filter(code="32.73").update(name="Kota Bandung (baru)")
    world.region_bandung.refresh_from_db()
    world.region_bandung.save()
    with django_assert_num_queries(1):
        assert validated()["region"].name == "Kota Bandung (baru)"
    # Other processes' changes are seen once the kept row is older than REFERENCE_KEEP_SECONDS.
    Region.objects.filter(code="32.73").update(name="Kota Bandung")  # no signal
    with django_assert_num_queries(0):
        assert validated()["region"].name == "Kota Bandung (baru)"
    later = api.time.monotonic() + REFERENCE_KEEP_SECONDS + 1
    monkeypatch.setattr(api.time, "monotonic", lambda: later)
    with django_assert_num_queries(1):
        assert validated()["region"].name == "Kota Bandung"
    # An unknown code is never kept: once the region exists (here without a signal), it is.
    assert not ReportCreateSerializer(data={**data, "region": "32.99"}).is_valid()
    Region.objects.bulk_create(
        [Region(code="32.99", parent_id="32", level="regency", name="Kota Baru")]
    )
    assert validated(region="32.99")["region"].name == "Kota Baru"


# ---- PreparedRows: values_list querysets compiled once per key -----------------------


def _merged_rows() -> Any:
    """The public list's row shape (a joined name, an annotation), over every report."""
    return selectors.public_list_shown(Report.objects.order_by("-submitted_at", "-id"))


def test_prepared_rows_equal_the_orm_and_compile_once(
    world: Any, django_assert_num_queries: Any
) -> None:
    from aduan.core.prepared import PreparedRows

    _dispatched(world)
    submit()  # no agency yet: its joined name is None, as the ORM gives it
    built: list[int] = []

    def build() -> Any:
        built.append(1)
        return _merged_rows()[:5]

    rows = PreparedRows(Report)
    expected = list(_merged_rows()[:5])
    assert len(expected) == 2 and any(r[4] is None for r in expected)  # agency name
    with django_assert_num_queries(1):
        assert rows("k", build) == expected
    # Converted as the ORM converts them (SQLite stores datetimes as text).
    assert all(r[3].tzinfo is not None for r in expected)  # submitted_at
    newer = submit().report
    with django_assert_num_queries(1):
        again = rows("k", build)
    # Compiled once, but read anew: the new report is there.
    assert built == [1]
    assert again == list(_merged_rows()[:5]) and again[0][0] == newer.tracking_id


def test_prepared_rows_keep_the_most_recently_used_keys(world: Any) -> None:
    from aduan.core.prepared import PreparedRows

    rows = PreparedRows(Report, size=2)
    built: list[str] = []

    def build(key: str) -> Any:
        return lambda: built.append(key) or Report.objects.values_list("tracking_id")

    for key in ("a", "b", "a", "c", "a", "b"):
        rows(key, build(key))
    # "b" was the least recently used when "c" came, and had to be compiled again.
    assert built == ["a", "b", "c", "b"]


def test_prepared_rows_refuse_what_they_cannot_replay(world: Any) -> None:
    from aduan.agencies.models import Agency
    from aduan.core.prepared import PreparedRows

    rows = PreparedRows(Report)
    shapes = [
        lambda: Report.objects.all(),  # instances, not tuples
        lambda: Report.objects.values("tracking_id"),
        lambda: Report.objects.values_list("tracking_id", flat=True),
        lambda: Report.objects.values_list("tracking_id", named=True),
        lambda: Report.objects.values_list("tracking_id").prefetch_related("events"),
        lambda: Agency.objects.values_list("code"),  # another model: routed as reports
    ]
    for i, shape in enumerate(shapes):
        with pytest.raises(TypeError):
            rows(i, shape)
    report = _dispatched(world)
    # An annotation before a field comes back where it was asked for, as from the ORM.
    swapped = lambda: Report.objects.annotate(a=F("agency__name")).values_list("a", "tracking_id")  # noqa: E731
    assert rows("swapped", swapped) == list(swapped()) == [(world.bandung.name, report.tracking_id)]


def test_postgresql_prepares_the_rows_once_per_connection(world: Any) -> None:
    from aduan.core.prepared import PreparedRows

    only_on_postgresql()
    _dispatched(world)
    rows = PreparedRows(Report)

    def runs() -> int:
        return prepared_runs("%COALESCE((SELECT COUNT(%")

    before = runs()
    for _ in range(3):
        assert len(rows("k", lambda: _merged_rows()[:5])) == 1
    assert runs() == before + 3
