"""The routing classifier without Django: preprocessing, training, calibration."""

from __future__ import annotations

import itertools
import pickle
import random

import numpy as np
import pytest

from aduan.triage import sampledata
from aduan.triage.classifier import (
    SINGLE_TEXT_BATCH,
    FastScorer,
    TrainingError,
    compile_fast_path,
    precision_curve,
    reliability,
    threshold_for,
    train,
)
from aduan.triage.evaluation import DataError, single_report_latency
from aduan.triage.preprocess import normalise


def test_normalise_maps_chat_spellings_numbers_and_links() -> None:
    text = "Tlg pak, JLN dgn lubang yg bsr gk diperbaiki2 sdh 3 bln!! https://bit.ly/x 081234567890"
    assert normalise(text) == (
        "tolong pak jalan dengan lubang yang bsr tidak diperbaiki diperbaiki sudah <angka> "
        "bln <url> <telepon>"
    )
    assert normalise("Rp 150.000 rusakkkk") == "<uang> rusakk"
    assert normalise("") == ""


def _data(size: int, seed: int = 3) -> tuple[list[str], list[str]]:
    rows = list(sampledata.rows(size, seed=seed))
    return [r["text"] for r in rows], [r["agency"] for r in rows]


@pytest.fixture(scope="module")
def trained() -> tuple[object, list[str], list[str]]:
    texts, labels = _data(720)
    model = train(texts[:600], labels[:600])
    return model, texts[600:], labels[600:]


def test_round_trip_learns_routing_and_survives_pickling(trained: tuple) -> None:
    model, texts, labels = trained
    restored = pickle.loads(pickle.dumps(model))  # noqa: S301 - our own bytes
    top = restored.top(texts, k=3)
    assert [len(t) for t in top] == [3] * len(texts)
    accuracy = np.mean([t[0][0] == y for t, y in zip(top, labels, strict=True)])
    top3 = np.mean([y in [lab for lab, _ in t] for t, y in zip(top, labels, strict=True)])
    assert accuracy > 0.85
    assert top3 > 0.95
    for ranked in top:  # best first, probabilities
        confidences = [c for _, c in ranked]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0.0 <= c <= 1.0 for c in confidences)
    assert (
        restored.top(["listrik padam sejak kemarin, token pln tidak bisa masuk"])[0][0][0] == "PLN"
    )


def test_fast_path_equals_the_pipeline(trained: tuple) -> None:
    model, texts, _labels = trained
    assert isinstance(model.compiled, FastScorer)
    # Texts no vocabulary entry matches (empty, unknown words) score the intercepts alone.
    texts = [*texts, "", "zzqx wwvb", "JALAN"]
    expected = np.asarray(model.pipeline.predict_proba(texts))
    assert np.allclose(model.probabilities(texts), expected, atol=1e-9)  # batch path
    one_by_one = np.vstack([model.probabilities([t]) for t in texts])  # single-text path
    assert np.allclose(one_by_one, expected, atol=1e-9)
    few = texts[:SINGLE_TEXT_BATCH]
    assert np.allclose(model.probabilities(few), expected[: len(few)], atol=1e-9)
    restored = pickle.loads(pickle.dumps(model))  # noqa: S301 - our own bytes
    assert restored.compiled.analyzers == []  # rebuilt on first use, never pickled
    assert np.allclose(restored.probabilities(texts[:2]), expected[:2], atol=1e-9)


def test_single_report_latency_is_measured(trained: tuple) -> None:
    model, texts, _labels = trained
    figures = single_report_latency(model, texts, runs=50, warmup=5)
    assert figures["runs"] == 50
    assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert figures["cpu_ms"] > 0
    with pytest.raises(DataError):
        single_report_latency(model, [], runs=1)


def test_a_model_without_the_fast_path_still_predicts(trained: tuple) -> None:
    model, texts, _labels = trained
    plain = pickle.loads(pickle.dumps(model))  # noqa: S301 - our own bytes
    plain.compiled = None  # e.g. a file saved by an older version
    expected = np.asarray(model.pipeline.predict_proba(texts[:3]))
    assert np.allclose(plain.probabilities(texts[:3]), expected, atol=1e-12)
    compile_fast_path(plain)
    assert isinstance(plain.compiled, FastScorer)


def test_confidence_is_calibrated_monotonically(trained: tuple) -> None:
    model, texts, labels = trained
    top = model.top(texts, k=1)
    conf = np.array([t[0][1] for t in top])
    correct = np.array([t[0][0] == y for t, y in zip(top, labels, strict=True)])
    high, low = conf >= np.median(conf), conf < np.median(conf)
    assert correct[high].mean() >= correct[low].mean()
    bins = [b for b in reliability(conf.tolist(), correct.tolist(), bins=5) if b["n"] >= 10]
    accuracies = [b["accuracy"] for b in bins]
    # Non-decreasing up to sampling noise.
    assert all(later >= earlier - 0.1 for earlier, later in itertools.pairwise(accuracies))
    # Where auto-dispatch would act, never overconfident (on little data the Platt
    # calibration errs the other way: it understates confidence).
    confident = conf >= 0.8
    assert confident.sum() >= 20
    assert correct[confident].mean() >= conf[confident].mean() - 0.05


def test_precision_curve_and_threshold() -> None:
    rng = random.Random(1)
    conf = [rng.random() for _ in range(1000)]
    correct = [rng.random() < c for c in conf]  # perfectly calibrated by construction
    curve = precision_curve(conf, correct)
    assert curve[0]["threshold"] == 0.0 and curve[0]["coverage"] == 1.0
    assert [p["coverage"] for p in curve] == sorted((p["coverage"] for p in curve), reverse=True)
    threshold = threshold_for(curve, 0.9)
    assert threshold is not None and 0.7 < threshold < 0.9
    point = next(p for p in curve if p["threshold"] == threshold)
    assert point["precision"] >= 0.9
    # Precise only on a few predictions: not enough support for a threshold.
    assert threshold_for(curve, 0.999, min_support=200) is None


def test_training_refuses_a_single_label_and_drops_singletons() -> None:
    with pytest.raises(TrainingError):
        train(["a b c", "d e f", "g h i"], ["X", "X", "X"])
    texts, labels = _data(120)
    model = train([*texts, "sekali saja"], [*labels, "LONE"])
    assert model.dropped == {"LONE": 1}
    assert "LONE" not in model.classes
