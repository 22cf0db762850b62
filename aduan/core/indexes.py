"""Index shapes the models share."""

from __future__ import annotations

from django.db import models


def when_set(field: str, name: str) -> models.Index:
    """An index of a reference most rows leave empty (who acted, on whose behalf, which
    report a duplicate was merged into): only the rows that have one. ``field = value``
    (a lookup, a join, a foreign key's check when the referenced row is deleted) implies
    ``field IS NOT NULL``, so PostgreSQL and SQLite use it for every query the full index
    served; it is a fraction of the size, and a row without the reference writes nothing
    to it. Declare the field with ``db_index=False``."""
    return models.Index(
        fields=[field], name=name, condition=models.Q(**{f"{field}__isnull": False})
    )
