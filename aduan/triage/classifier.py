"""The routing classifier: TF-IDF word and character n-grams, a linear SVM, calibrated.

Pure scikit-learn, no Django: the evaluation command runs it on anyone's CSV and the
app trains it on the deployment's own dispatch history.

* Features: word 1–2-grams of the normalised text (see :mod:`aduan.triage.preprocess`)
  plus character 3–5-grams within word boundaries, which absorb typos and affixes
  ("jalannya", "dijalan", "jalan"). Sublinear tf; rare n-grams dropped.
* Model: LinearSVC, one-vs-rest, about a second per fit on 10,000 reports.
* Confidence: Platt (sigmoid) calibration on two internal folds (CalibratedClassifierCV), so
  "0.9" means right about nine times in ten; :func:`reliability` checks it per bin.
* Prediction: a new report is scored alone through :class:`FastScorer` (the same
  probabilities as the pipeline, without scikit-learn's per-call validation): about
  0.65 ms CPU instead of 7.5 ms on the 10k benchmark (``bench/triage_bench.py``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse
from scipy.special import expit

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

from aduan.triage.preprocess import normalise

# Classes with fewer examples cannot be calibrated (nor learned): left out of training.
MIN_EXAMPLES = 2
CALIBRATION_FOLDS = 2
TOP_K = 3
# A threshold for auto-dispatch must rest on at least this many out-of-fold predictions.
MIN_SUPPORT = 50


class TrainingError(ValueError):
    """The data cannot train a classifier (too few examples or classes)."""


def normalise_all(texts: Sequence[str]) -> list[str]:
    return [normalise(t) for t in texts]


def build_pipeline(
    *, calibration_folds: int = CALIBRATION_FOLDS, n_jobs: int | None = None
) -> Pipeline:
    # scikit-learn is imported here, not at the top: a web process that never trains or
    # loads a model (public pages) saves its ~60 MB.
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer
    from sklearn.svm import LinearSVC

    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 2),
                    token_pattern=r"[^ ]+",  # noqa: S106 - a regex, not a secret
                    lowercase=False,
                    min_df=2,
                    max_df=0.9,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    # 3-5: as accurate as 2-5 on the benchmark, a third faster to train.
                    ngram_range=(3, 5),
                    lowercase=False,
                    min_df=2,
                    max_df=0.9,
                    sublinear_tf=True,
                    dtype=np.float32,
                ),
            ),
        ],
        n_jobs=n_jobs,
    )
    # ensemble=True: one SVM per calibration fold (each fitted on one half, calibrated on
    # the other), averaged; no extra fit on all the data, so training costs about one fit.
    svm = LinearSVC(C=0.5)
    model = CalibratedClassifierCV(
        svm, method="sigmoid", cv=calibration_folds, ensemble=True, n_jobs=n_jobs
    )
    return Pipeline(
        [
            ("normalise", FunctionTransformer(normalise_all)),
            ("features", features),
            ("model", model),
        ]
    )


@dataclass
class TextClassifier:
    """A trained pipeline and the labels it knows."""

    pipeline: Pipeline
    classes: list[str]
    dropped: dict[str, int] = field(default_factory=dict)  # label -> examples, too few

    compiled: FastScorer | None = None  # see compile_fast_path

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(self.compiled, FastScorer):
            return self.compiled.probabilities(texts)
        return np.asarray(self.pipeline.predict_proba(list(texts)))

    def top(self, texts: Sequence[str], k: int = TOP_K) -> list[list[tuple[str, float]]]:
        """The k likeliest labels per text with their calibrated probabilities."""
        proba = self.probabilities(texts)
        order = np.argsort(-proba, axis=1)[:, :k]
        return [
            [(self.classes[j], float(row[j])) for j in idx]
            for row, idx in zip(proba, order, strict=True)
        ]


# Up to this many texts are scored one by one in plain Python/numpy; larger batches go
# through scikit-learn's vectorised transform (whose fixed cost is then shared).
SINGLE_TEXT_BATCH = 8


@dataclass
class _Block:
    """One TF-IDF vectorizer of the feature union, reduced to what scoring one text needs."""

    vectorizer: Any  # the fitted TfidfVectorizer (its analyzer and, for batches, transform)
    vocabulary: dict[str, int]
    idf: np.ndarray
    offset: int  # first column of this block in the stacked feature matrix


@dataclass
class FastScorer:
    """The fitted weights as plain arrays, so that one report is scored without
    scikit-learn's per-call input validation (which costs several times the arithmetic).

    Computes exactly what ``pipeline.predict_proba`` computes for a union of sublinear,
    L2-normalised TF-IDF vectorizers followed by CalibratedClassifierCV(LinearSVC,
    sigmoid, ensemble) with three or more classes: the same float32 TF-IDF values, the
    decision function of every ensemble member in one product with their stacked
    ``coef_`` columns, Platt's sigmoid per class, normalised and averaged.
    """

    blocks: list[_Block]
    coef: np.ndarray  # (n_features, members * n_classes), float64
    intercept: np.ndarray  # (members * n_classes,)
    slope: np.ndarray  # (members, n_classes)
    offset: np.ndarray  # (members, n_classes)
    analyzers: list[Any] = field(default_factory=list, repr=False)

    @property
    def members(self) -> int:
        return int(self.slope.shape[0])

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        normalised = normalise_all(texts)
        if len(normalised) <= SINGLE_TEXT_BATCH:
            decision = np.vstack([self._decision_one(text) for text in normalised])
        else:
            matrix = sparse.hstack(
                [b.vectorizer.transform(normalised) for b in self.blocks]
            ).tocsr()
            decision = np.asarray(matrix @ self.coef) + self.intercept
        return self._calibrate(decision)

    def _decision_one(self, text: str) -> np.ndarray:
        if not self.analyzers:  # built on first use (not pickled: plain closures)
            self.analyzers = [b.vectorizer.build_analyzer() for b in self.blocks]
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for block, analyze in zip(self.blocks, self.analyzers, strict=True):
            vocabulary = block.vocabulary
            counts: dict[int, int] = {}
            for term in analyze(text):
                index = vocabulary.get(term)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            if not counts:
                continue
            indices = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
            data = np.fromiter((counts[i] for i in indices), dtype=np.float32, count=len(counts))
            # TfidfTransformer.transform, step by step on float32 like scikit-learn:
            np.log(data, data)
            data += 1.0
            data *= block.idf[indices]
            # normalize(norm="l2"): a double sum of float32 squares, in column order.
            norm = 0.0
            for square in (data * data).tolist():
                norm += square
            if norm != 0.0:
                data = (data.astype(np.float64) / math.sqrt(norm)).astype(np.float32)
            columns.append(indices + block.offset)
            values.append(data)
        if not columns:
            return self.intercept.copy()
        features = np.concatenate(columns)
        weights = np.concatenate(values).astype(np.float64)
        return np.asarray(weights @ self.coef[features] + self.intercept)

    def _calibrate(self, decision: np.ndarray) -> np.ndarray:
        classes = self.slope.shape[1]
        total = np.zeros((decision.shape[0], classes))
        for m in range(self.members):
            part = decision[:, m * classes : (m + 1) * classes]
            proba = expit(-(self.slope[m] * part + self.offset[m]))
            sums = proba.sum(axis=1, keepdims=True)
            proba = np.where(sums == 0, 1.0 / classes, proba / np.where(sums == 0, 1, sums))
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            total += proba
        return total / self.members

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["analyzers"] = []
        return state


def compile_fast_path(classifier: TextClassifier) -> None:
    """Attach a :class:`FastScorer` when the pipeline has the shape it reproduces
    (sigmoid calibration, three or more classes, TF-IDF blocks with sublinear tf and L2
    norm); anything else keeps scikit-learn's own predict_proba."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # loaded with the model

    classifier.compiled = None
    model = classifier.pipeline.named_steps["model"]
    features = classifier.pipeline.named_steps["features"]
    steps = classifier.pipeline.named_steps
    if len(classifier.classes) < 3 or model.method != "sigmoid":
        return
    if getattr(steps.get("normalise"), "func", None) is not normalise_all:
        return
    blocks: list[_Block] = []
    width = 0
    for _name, vectorizer in features.transformer_list:
        if not (
            isinstance(vectorizer, TfidfVectorizer)
            and vectorizer.sublinear_tf
            and vectorizer.norm == "l2"
            and vectorizer.use_idf
            and vectorizer.dtype == np.float32
            and not vectorizer.binary
        ):
            return
        blocks.append(
            _Block(vectorizer, vectorizer.vocabulary_, vectorizer.idf_, offset=width)  # shared
        )
        width += len(vectorizer.vocabulary_)
    coefs, intercepts, slopes, offsets = [], [], [], []
    for member in model.calibrated_classifiers_:
        estimator = member.estimator
        if [str(c) for c in estimator.classes_] != classifier.classes:
            return
        if estimator.coef_.shape != (len(classifier.classes), width):
            return
        coefs.append(np.asarray(estimator.coef_, dtype=np.float64).T)
        intercepts.append(np.asarray(estimator.intercept_, dtype=np.float64))
        slopes.append([c.a_ for c in member.calibrators])
        offsets.append([c.b_ for c in member.calibrators])
    classifier.compiled = FastScorer(
        blocks=blocks,
        coef=np.ascontiguousarray(np.hstack(coefs)),
        intercept=np.concatenate(intercepts),
        slope=np.asarray(slopes, dtype=np.float64),
        offset=np.asarray(offsets, dtype=np.float64),
    )


def train(texts: Sequence[str], labels: Sequence[str]) -> TextClassifier:
    """Fit on (text, label) pairs; labels with fewer than MIN_EXAMPLES are left out."""
    if len(texts) != len(labels):
        raise TrainingError("texts and labels differ in length")
    counts = Counter(labels)
    dropped = {label: n for label, n in counts.items() if n < MIN_EXAMPLES}
    keep = [i for i, label in enumerate(labels) if label not in dropped]
    kept_counts = Counter(labels[i] for i in keep)
    if len(kept_counts) < 2:
        raise TrainingError(
            f"need at least 2 labels with {MIN_EXAMPLES}+ examples each; have {dict(counts)}"
        )
    folds = max(2, min(CALIBRATION_FOLDS, min(kept_counts.values())))
    pipeline = build_pipeline(calibration_folds=folds)
    pipeline.fit([texts[i] for i in keep], [labels[i] for i in keep])
    classes = [str(c) for c in pipeline.classes_]
    classifier = TextClassifier(pipeline=pipeline, classes=classes, dropped=dropped)
    compile_fast_path(classifier)
    return classifier


# --- calibration and thresholds -------------------------------------------------------


def reliability(
    confidence: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> list[dict[str, Any]]:
    """Per confidence bin: how many predictions, mean confidence, observed accuracy."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    for i in range(bins):
        low, high = edges[i], edges[i + 1]
        mask = (conf >= low) & ((conf < high) if i < bins - 1 else (conf <= high))
        n = int(mask.sum())
        rows.append(
            {
                "low": round(float(low), 2),
                "high": round(float(high), 2),
                "n": n,
                "confidence": round(float(conf[mask].mean()), 4) if n else None,
                "accuracy": round(float(ok[mask].mean()), 4) if n else None,
            }
        )
    return rows


def precision_curve(
    confidence: Sequence[float], correct: Sequence[bool], steps: int = 100
) -> list[dict[str, float]]:
    """For thresholds 0.00..1.00: precision and coverage of predictions at or above it."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    total = max(1, len(conf))
    curve = []
    for i in range(steps + 1):
        threshold = i / steps
        mask = conf >= threshold
        n = int(mask.sum())
        if n == 0:
            break
        curve.append(
            {
                "threshold": round(threshold, 4),
                "precision": round(float(ok[mask].mean()), 4),
                "coverage": round(n / total, 4),
                "n": n,
            }
        )
    return curve


def threshold_for(
    curve: Sequence[dict[str, float]], target_precision: float, *, min_support: int = MIN_SUPPORT
) -> float | None:
    """The smallest threshold whose out-of-fold precision reaches the target; None if none
    does with enough support (then nothing may be dispatched automatically)."""
    for point in curve:
        if point["n"] >= min_support and point["precision"] >= target_precision:
            return float(point["threshold"])
    return None
