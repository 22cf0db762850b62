"""Loaders behind ``aduan loadrefdata``: each fills one reference table idempotently.

Every loader builds the rows it wants in memory, compares them with what the table
holds, and writes only the difference with bulk operations, so a second run issues a
handful of SELECTs and writes nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db.models import Model

import aduan.regions

DATA_DIR = Path(aduan.regions.__file__).resolve().parent / "data"
BATCH_SIZE = 500

M = TypeVar("M", bound=Model)


@dataclass
class Counts:
    """What one loader did to its table."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def read_csv(name: str) -> list[dict[str, str]]:
    path = DATA_DIR / name
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def upsert(
    model: type[M],
    desired: Iterable[M],
    *,
    key: str,
    fields: Sequence[str],
    existing: dict[Any, M] | None = None,
) -> Counts:
    """Create the rows of ``desired`` that are missing, update those whose ``fields``
    differ, leave the rest alone. ``fields`` are attribute names (``parent_id`` for a
    foreign key) so comparing never triggers a query.
    """
    if existing is None:
        existing = {getattr(row, key): row for row in model._default_manager.all()}
    to_create: list[M] = []
    to_update: list[M] = []
    counts = Counts()
    for row in desired:
        current = existing.get(getattr(row, key))
        if current is None:
            to_create.append(row)
            continue
        changed = [f for f in fields if getattr(current, f) != getattr(row, f)]
        if not changed:
            counts.unchanged += 1
            continue
        for name in fields:
            setattr(current, name, getattr(row, name))
        to_update.append(current)
    if to_create:
        model._default_manager.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        # get_field() resolves attnames too, so "parent_id" names the foreign key.
        model._default_manager.bulk_update(to_update, list(fields), batch_size=BATCH_SIZE)
    counts.created = len(to_create)
    counts.updated = len(to_update)
    return counts
