"""Model fields of the project's own."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class AsciiCharField(models.CharField):
    """A code made of ASCII letters and digits (a hash, a tracking ID), compared byte by
    byte: looked up by equality, never sorted for people to read.

    On PostgreSQL its column takes the ``"C"`` collation. A database created with a libc
    locale (``C.UTF-8``, ``id_ID.UTF-8``) otherwise sorts these values through
    ``strcoll()`` when it builds or checks their index, and PostgreSQL turns abbreviated
    keys off for libc locales: the events' hash index took 102 s to build at 10M reports
    instead of 55 s. With bytewise order the plain index also serves ``LIKE 'prefix%'``,
    which makes the second, pattern-matching index Django adds to an indexed ``varchar``
    on PostgreSQL redundant (the tracking ID's is dropped by its migration). SQLite
    compares bytes already (its ``BINARY`` collation) and gets no collation clause.
    """

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql" and not params.get("collation"):
            params["collation"] = "C"
        return params
