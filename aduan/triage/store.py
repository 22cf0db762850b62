"""Model files: written atomically, loaded only when their hash matches the database.

Pickled scikit-learn objects execute code when loaded, so a file is only unpickled if
its SHA-256 equals the one recorded when *this* deployment trained it: a file swapped in
the directory is refused, not run. Every web and worker process keeps the model it
loaded and compares its id with the newest row on use (one indexed query), so a model
retrained by the worker is picked up by all processes without a restart.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from aduan.triage.classifier import FastScorer, TextClassifier, compile_fast_path
from aduan.triage.models import TrainedModel

logger = logging.getLogger(__name__)
_cache: dict[str, tuple[int, TextClassifier]] = {}
_lock = threading.Lock()


class ModelFileError(RuntimeError):
    """The model file is missing or does not match its recorded hash."""


def model_dir() -> Path:
    configured = getattr(settings, "ADUAN_TRIAGE_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "triage"


def save(classifier: TextClassifier, target: str) -> tuple[str, str]:
    """Write the classifier to a new file; returns (file name, sha256)."""
    directory = model_dir()
    directory.mkdir(parents=True, exist_ok=True)
    payload = pickle.dumps(classifier, protocol=pickle.HIGHEST_PROTOCOL)
    digest = hashlib.sha256(payload).hexdigest()
    name = f"{target}-{timezone.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}.pkl"
    temporary = directory / f".{name}.tmp"
    temporary.write_bytes(payload)
    os.replace(temporary, directory / name)  # readers never see a half-written file
    return name, digest


def load(row: TrainedModel) -> TextClassifier:
    path = model_dir() / Path(row.file_name).name  # a name, never a path from the DB
    try:
        payload = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"model file {path} cannot be read: {exc}") from exc
    if hashlib.sha256(payload).hexdigest() != row.sha256:
        raise ModelFileError(f"model file {path} does not match its recorded hash; refused")
    classifier = pickle.load(io.BytesIO(payload))  # noqa: S301 - hash verified above
    if not isinstance(classifier, TextClassifier):
        raise ModelFileError(f"model file {path} holds {type(classifier).__name__}")
    if not isinstance(classifier.compiled, FastScorer):  # a file from an older version
        compile_fast_path(classifier)
    return classifier


def latest_row(target: str) -> TrainedModel | None:
    return TrainedModel.objects.filter(target=target).order_by("-created_at", "-id").first()


def current(target: str) -> tuple[TrainedModel, TextClassifier] | None:
    """The newest trained model for ``target`` (loaded once per process and version)."""
    row = latest_row(target)
    if row is None:
        return None
    cached = _cache.get(target)
    if cached is not None and cached[0] == row.pk:
        return row, cached[1]
    with _lock:
        classifier = load(row)
        _cache[target] = (row.pk, classifier)
    return row, classifier


def prune(keep: int = 3) -> int:
    """Delete model files (and rows) older than the newest ``keep`` per target."""
    removed = 0
    for target in TrainedModel.objects.values_list("target", flat=True).distinct():
        old = TrainedModel.objects.filter(target=target).order_by("-created_at", "-id")[keep:]
        for row in list(old):
            (model_dir() / Path(row.file_name).name).unlink(missing_ok=True)
            row.delete()
            removed += 1
    return removed
