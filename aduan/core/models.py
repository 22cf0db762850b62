"""Cross-cutting records: idempotency of POST requests, and the append-only base."""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyModel(models.Model):
    """History rows (report events, audit records) are written once and never changed.

    This guards the ORM's instance paths; bulk ``update()``/``delete()`` are not used on
    these tables anywhere, and the tamper-evident chain is verified separately."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{type(self).__name__} rows are append-only.")


class IdempotencyRecord(models.Model):
    """The stored outcome of a POST sent with an ``Idempotency-Key``.

    Written in the same transaction as the object it created, so a retry either finds
    the committed outcome or (if the first attempt rolled back) creates it afresh.
    """

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
