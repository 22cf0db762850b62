"""Triage inside the application: training on dispatch history, suggestions for new
reports, the desk's choice, auto-dispatch, the desk page and safe model loading."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Report, Status
from aduan.triage import classifier, sampledata, store, training
from aduan.triage.models import Suggestion, Target, TrainedModel, TriageSettings
from aduan.triage.routing import agency_key, resolve
from tests.factories import report as make_report

# Which benchmark agency's complaints go to which agency of the test world.
ROUTES = {"DINKES": "bandung_dinkes", "DINAS-PU": "bandung_pupr", "BPJS-KESEHATAN": "kemenkes"}


@pytest.fixture(autouse=True)
def _model_dir(settings: Any, tmp_path: Any) -> None:
    settings.ADUAN_TRIAGE_DIR = str(tmp_path / "triage")
    store._cache.clear()


def _texts(source: str, n: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return [sampledata.make_report(source, rng) for _ in range(n)]


def _dispatch(world: Any, report: Report, agency: Any) -> None:
    transition(report, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=agency))


def _history(world: Any, per_agency: int = 12) -> None:
    for i, (source, attr) in enumerate(ROUTES.items()):
        for text in _texts(source, per_agency, seed=i):
            r = make_report(title=text[:60], body=text, region=world.region_bandung)
            _dispatch(world, r, getattr(world, attr))


def _fake_model(world: Any, curve: list[dict[str, float]]) -> TrainedModel:
    """A small real classifier with a chosen precision curve (the auto-dispatch threshold)."""
    texts: list[str] = []
    labels: list[str] = []
    for i, (source, attr) in enumerate(ROUTES.items()):
        batch = _texts(source, 15, seed=10 + i)
        texts += batch
        labels += [agency_key(getattr(world, attr))] * len(batch)
    model = classifier.train(texts, labels)
    name, digest = store.save(model, Target.AGENCY)
    return TrainedModel.objects.create(
        target=Target.AGENCY,
        created_at=timezone.now(),
        file_name=name,
        sha256=digest,
        samples=len(texts),
        labels=model.classes,
        train_seconds=0.1,
        precision_curve=curve,
    )


HEALTH = "Puskesmas sering tutup dan stok obat di puskesmas kosong, dokter jarang ada"


def test_routing_keys_resolve_in_the_reports_region(world: Any) -> None:
    assert agency_key(world.bandung_pupr) == "unit:local:PUPR"
    assert agency_key(world.bandung) == "gov:local"
    assert agency_key(world.kemenkes) == "agency:KEMENKES"
    assert resolve("unit:local:PUPR", world.region_bandung) == world.bandung_pupr
    assert resolve("gov:local", world.region_surabaya) == world.surabaya
    assert resolve("unit:local:PUPR", world.region_surabaya) is None  # no such unit there
    assert resolve("unit:local:PUPR", None) is None
    assert resolve("agency:KEMENKES", None) == world.kemenkes


def test_train_on_history_suggest_and_record_the_desks_choice(
    world: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _history(world)
    bounced = make_report(
        title="Jalan berlubang", body="Jalan berlubang", region=world.region_bandung
    )
    _dispatch(world, bounced, world.kemenkes)  # wrong routing, returned: not a label
    transition(
        bounced,
        "return_to_desk",
        actor=Actor.staff(staff_of(world.kemenkes)),
        change=Change(message="Bukan wewenang kami", reason="bukan-wewenang"),
    )
    data = training.history()
    assert len(data.texts) == 36 and "agency:KEMENKES" not in [
        k
        for t, k in zip(data.texts, data.agency_keys, strict=True)
        if t.startswith("Jalan berlubang")
    ]
    (agency_model, *_) = training.train_from_history()
    assert agency_model.samples == 36 and set(agency_model.labels) == {
        "unit:local:DINKES",
        "unit:local:PUPR",
        "agency:KEMENKES",
    }
    assert agency_model.cv_accuracy is not None and agency_model.precision_curve

    with django_capture_on_commit_callbacks(execute=True):
        new = make_report(title="Obat kosong", body=HEALTH, region=world.region_bandung)
    suggestion = Suggestion.objects.get(report=new)
    assert suggestion.top_agency == world.bandung_dinkes
    assert len(suggestion.agencies) == 3 and 0 < suggestion.confidence <= 1

    client.force_login(world.desk)
    page = client.get(reverse("backoffice:report", args=[new.tracking_id]))
    assert "Saran instansi" in page.text and "Dinas Kesehatan Kota Bandung" in page.text
    assert "yakin" in page.text
    queue = client.get(reverse("backoffice:desk_queue"))
    assert "Dinas Kesehatan Kota Bandung" in queue.text

    _dispatch(world, new, world.bandung)  # the parent government: it hands it down
    suggestion.refresh_from_db()
    assert suggestion.chosen_agency == world.bandung
    assert suggestion.top1_hit is True and suggestion.top3_hit is True
    overview = client.get(reverse("triage:overview"))
    assert overview.status_code == 200
    assert "Akurasi saran per minggu" in overview.text
    assert "<td>1 (100,0%)</td>" in overview.text.replace(".", ",")


def staff_of(agency: Any) -> Any:
    from aduan.agencies.models import Role
    from tests.factories import staff

    return staff(agency, Role.OFFICER)


@pytest.fixture
def system_may_dispatch(monkeypatch: Any) -> None:
    rule = lifecycle.TRANSITIONS["dispatch"]
    patched = dataclasses.replace(rule, actors=rule.actors | {lifecycle.SYSTEM})
    monkeypatch.setitem(lifecycle.TRANSITIONS, "dispatch", patched)


def _curve(threshold: float) -> list[dict[str, float]]:
    return [
        {"threshold": 0.0, "precision": 0.6, "coverage": 1.0, "n": 500},
        {"threshold": threshold, "precision": 0.99, "coverage": 0.5, "n": 250},
    ]


def test_auto_dispatch_above_the_threshold_only_when_enabled(
    world: Any, system_may_dispatch: None, django_capture_on_commit_callbacks: Any
) -> None:
    _fake_model(world, _curve(0.3))
    with django_capture_on_commit_callbacks(execute=True):  # off by default
        waiting = make_report(title="Obat kosong", body=HEALTH, region=world.region_bandung)
    waiting.refresh_from_db()
    assert waiting.status == Status.SUBMITTED

    TriageSettings.objects.create(pk=1, auto_dispatch=True, target_precision=0.97)
    with django_capture_on_commit_callbacks(execute=True):
        routed = make_report(title="Obat kosong", body=HEALTH, region=world.region_bandung)
    routed.refresh_from_db()
    assert routed.status == Status.DISPATCHED and routed.agency == world.bandung_dinkes
    event = routed.events.get(action="dispatch")
    assert event.actor_kind == "system" and event.reason.startswith("triase otomatis")
    suggestion = Suggestion.objects.get(report=routed)
    assert suggestion.auto_dispatched and suggestion.chosen_agency == world.bandung_dinkes

    transition(
        routed,
        "return_to_desk",
        actor=Actor.staff(world.dinkes_officer),
        change=Change(message="Bukan wewenang kami", reason="bukan-wewenang"),
    )
    suggestion.refresh_from_db()
    assert suggestion.returned

    # A target the model cannot reach: nothing is dispatched automatically.
    TriageSettings.objects.filter(pk=1).update(target_precision=0.999)
    with django_capture_on_commit_callbacks(execute=True):
        kept = make_report(title="Obat kosong", body=HEALTH, region=world.region_bandung)
    kept.refresh_from_db()
    assert kept.status == Status.SUBMITTED


def test_a_broken_model_never_blocks_intake(
    world: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    row = _fake_model(world, _curve(0.3))
    TrainedModel.objects.filter(pk=row.pk).update(sha256="0" * 64)  # file swapped
    with django_capture_on_commit_callbacks(execute=True):
        r = make_report(title="Obat kosong", body=HEALTH, region=world.region_bandung)
    assert Report.objects.filter(pk=r.pk, status=Status.SUBMITTED).exists()
    assert not Suggestion.objects.filter(report=r).exists()
    assert "does not match its recorded hash" in caplog.text


def test_every_process_picks_up_a_retrained_model(world: Any) -> None:
    first = _fake_model(world, _curve(0.3))
    assert store.current(Target.AGENCY)[0] == first  # type: ignore[index]
    second = _fake_model(world, _curve(0.5))
    assert store.current(Target.AGENCY)[0] == second  # type: ignore[index]


def test_a_model_file_from_an_older_version_gets_the_fast_path_on_load(world: Any) -> None:
    row = _fake_model(world, _curve(0.3))
    model = store.load(row)
    old = dataclasses.replace(model, compiled=[("coef", "intercept")])  # the former format
    name, digest = store.save(old, Target.AGENCY)
    row.file_name, row.sha256 = name, digest
    loaded = store.load(row)
    assert isinstance(loaded.compiled, classifier.FastScorer)
    texts = [HEALTH, "jalan berlubang"]
    assert loaded.top(texts) == model.top(texts)


def test_desk_page_is_desk_only_and_saves_settings(world: Any, client: Any) -> None:
    url = reverse("triage:overview")
    client.force_login(world.bandung_admin)
    assert client.get(url).status_code == 403
    assert client.post(url, {"auto_dispatch": "on", "target_precision": "0,9"}).status_code == 403
    assert not TriageSettings.objects.exists()
    client.logout()
    assert client.get(url).status_code == 302  # to the login page

    client.force_login(world.desk)
    page = client.get(url)
    assert page.status_code == 200 and "Model belum dilatih" in page.text
    bad = client.post(url, {"auto_dispatch": "on", "target_precision": "0,5"})
    assert bad.status_code == 400 and "antara 0,80 dan 0,999" in bad.text
    good = client.post(url, {"auto_dispatch": "on", "target_precision": "0,95"})
    assert good.status_code == 302
    saved = TriageSettings.current()
    assert saved.auto_dispatch and saved.target_precision == 0.95
    assert saved.updated_by == world.desk


def test_queue_suggestions_cost_a_bounded_number_of_queries(
    world: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    _fake_model(world, _curve(0.3))
    from aduan.triage.services import suggest

    for i in range(6):
        suggest(make_report(title=f"Obat kosong {i}", body=HEALTH, region=world.region_bandung))
    client.force_login(world.desk)
    url = reverse("backoffice:desk_queue")
    client.get(url)
    with django_assert_max_num_queries(30):
        response = client.get(url)
    assert response.text.count("Dinas Kesehatan Kota Bandung") >= 6
