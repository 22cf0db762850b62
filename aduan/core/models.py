"""Cross-cutting records: idempotency of POST requests."""

from __future__ import annotations

from django.db import models


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
