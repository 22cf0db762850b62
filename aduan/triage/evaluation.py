"""Cross-validating the routing classifier on a labelled CSV (``aduan triage evaluate``).

Reading is strict and says exactly what is wrong with a file (missing columns and the
ones that exist, empty texts and their rows, a single class, an encoding that is not
UTF-8), because the figures are meant to be reproduced by others on their own data.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from aduan.triage.classifier import TextClassifier, reliability, train


class DataError(ValueError):
    """The evaluation data cannot be used; the message says why and where."""


@dataclass
class Dataset:
    texts: list[str]
    labels: list[str]
    folds: list[str] | None
    encoding: str


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{path}: not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}, "
            f"line {line}). Save the file as UTF-8 (e.g. `iconv -f cp1252 -t utf-8 "
            f"{path.name} > fixed.csv`) and try again."
        ) from exc


def read_csv(
    path: Path, *, text_column: str, label_column: str, fold_column: str | None = None
) -> Dataset:
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: is a directory, expected a CSV file")
    content, encoding = _decode(path.read_bytes(), path)
    if not content.strip():
        raise DataError(f"{path}: the file is empty")
    try:
        dialect: Any = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(content, newline=""), dialect=dialect)
    header = [h for h in (reader.fieldnames or [])]
    wanted = [c for c in (text_column, label_column, fold_column) if c]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise DataError(
            f"{path}: missing column(s) {', '.join(missing)}; the file has: "
            f"{', '.join(header) or '(no header)'}"
        )
    texts: list[str] = []
    labels: list[str] = []
    folds: list[str] = []
    empty_text: list[int] = []
    empty_label: list[int] = []
    for line, row in enumerate(reader, start=2):  # line 1 is the header
        text = (row.get(text_column) or "").strip()
        label = (row.get(label_column) or "").strip()
        if not text:
            empty_text.append(line)
        if not label:
            empty_label.append(line)
        texts.append(text)
        labels.append(label)
        if fold_column:
            folds.append((row.get(fold_column) or "").strip())
    for rows_, what in ((empty_text, text_column), (empty_label, label_column)):
        if rows_:
            shown = ", ".join(map(str, rows_[:20])) + (" ..." if len(rows_) > 20 else "")
            raise DataError(f"{path}: empty {what!r} on {len(rows_)} line(s): {shown}")
    if not texts:
        raise DataError(f"{path}: no data rows")
    if len(set(labels)) < 2:
        raise DataError(
            f"{path}: column {label_column!r} has only one class ({labels[0]!r}); "
            "classification needs at least two"
        )
    if fold_column:
        blank = [i + 2 for i, f in enumerate(folds) if not f]
        if blank:
            raise DataError(f"{path}: empty {fold_column!r} on lines {blank[:20]}")
        if len(set(folds)) < 2:
            raise DataError(f"{path}: column {fold_column!r} has only one fold")
    return Dataset(texts, labels, folds if fold_column else None, encoding)


def split(data: Dataset, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Index pairs (train, test): the file's own folds, or stratified k-fold."""
    if data.folds is not None:
        values = np.asarray(data.folds)
        return [
            (np.flatnonzero(values != f), np.flatnonzero(values == f))
            for f in sorted(set(data.folds), key=lambda v: (len(v), v))
        ]
    if folds < 2:
        raise DataError("--folds must be at least 2")
    if folds > len(data.texts):
        raise DataError(f"--folds {folds} is more than the {len(data.texts)} rows")
    smallest = min(Counter(data.labels).values())
    if folds > smallest:
        rare = sorted(label for label, n in Counter(data.labels).items() if n < folds)
        raise DataError(
            f"--folds {folds} is more than the smallest class has examples ({smallest}); "
            f"classes with fewer than {folds}: {', '.join(rare[:10])}"
            f"{' ...' if len(rare) > 10 else ''}. Use --folds {max(2, smallest)} or fewer, "
            "or add examples"
        )
    kfold = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    return list(kfold.split(np.zeros(len(data.labels)), data.labels))


def evaluate(data: Dataset, folds: int = 10) -> dict[str, Any]:
    """Out-of-fold predictions for every row; metrics over all of them."""
    labels = np.asarray(data.labels, dtype=object)
    texts = data.texts
    predicted = np.empty(len(labels), dtype=object)
    top3_hit = np.zeros(len(labels), dtype=bool)
    confidence = np.zeros(len(labels))
    train_seconds: list[float] = []
    predict_ms: list[float] = []
    # CPU time as well as wall time: on a shared machine the wall clock measures the load.
    train_cpu: list[float] = []
    predict_cpu_ms: list[float] = []
    for train_idx, test_idx in split(data, folds):
        start, cpu = time.perf_counter(), time.process_time()
        model = train([texts[i] for i in train_idx], [str(labels[i]) for i in train_idx])
        train_seconds.append(time.perf_counter() - start)
        train_cpu.append(time.process_time() - cpu)
        start, cpu = time.perf_counter(), time.process_time()
        ranked = model.top([texts[i] for i in test_idx], k=3)
        per_report = 1000 / max(1, len(test_idx))
        predict_ms.append((time.perf_counter() - start) * per_report)
        predict_cpu_ms.append((time.process_time() - cpu) * per_report)
        for i, top in zip(test_idx, ranked, strict=True):
            predicted[i] = top[0][0]
            confidence[i] = top[0][1]
            top3_hit[i] = any(label == labels[i] for label, _ in top)
    classes = sorted(set(data.labels))
    precision, recall, f1, support = precision_recall_fscore_support(
        labels, predicted, labels=classes, zero_division=0
    )
    correct = predicted == labels
    return {
        "rows": len(labels),
        "classes": len(classes),
        "folds": len(train_seconds),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "macro_f1": round(float(f1_score(labels, predicted, average="macro", zero_division=0)), 4),
        "top3_accuracy": round(float(top3_hit.mean()), 4),
        "train_seconds": round(float(np.mean(train_seconds)), 3),
        "predict_ms": round(float(np.mean(predict_ms)), 4),
        "train_cpu_seconds": round(float(np.mean(train_cpu)), 3),
        "predict_cpu_ms": round(float(np.mean(predict_cpu_ms)), 4),
        "per_class": {
            c: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
        },
        "calibration": reliability(confidence.tolist(), correct.tolist()),
    }


def single_report_latency(
    model: TextClassifier, texts: list[str], *, runs: int = 1000, warmup: int = 100
) -> dict[str, Any]:
    """Time ``runs`` one-report predictions (top 3, as a new report gets) after
    ``warmup`` untimed ones: wall-clock percentiles per call and the process's CPU time
    per call. On a shared, loaded machine the wall clock includes waiting for a core;
    the CPU time is what the prediction itself costs."""
    if not texts:
        raise DataError("no texts to time predictions on")
    for i in range(warmup):
        model.top([texts[i % len(texts)]])
    wall = np.empty(runs)
    cpu_start = time.process_time()
    for i in range(runs):
        text = texts[i % len(texts)]
        start = time.perf_counter()
        model.top([text])
        wall[i] = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return {
        "runs": runs,
        "p50_ms": round(float(np.percentile(wall, 50)) * 1000, 4),
        "p99_ms": round(float(np.percentile(wall, 99)) * 1000, 4),
        "mean_ms": round(float(wall.mean()) * 1000, 4),
        "cpu_ms": round(cpu / runs * 1000, 4),
    }
