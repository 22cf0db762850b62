"""Tamper-evident history: report events and audit records are hash-chained.

Every row of a chained table carries ``seq`` (1, 2, 3 ... with no gaps), ``prev_hash``
(the previous row's ``hash``; 64 zeros for the first) and ``hash`` = SHA-256 over
``prev_hash`` and a canonical JSON serialisation of ``seq`` and the row's immutable
fields. A :class:`ChainHead` row per chain holds the last ``seq`` and ``hash``, so deleting
rows at the end is detected too.

All rows are written through :func:`append` (``ChainedModel.save()`` calls it, so
``objects.create()`` and ``instance.save()`` chain) or :func:`append_many` (the bulk path,
in order). Appending locks the chain head (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
writers are already serialised by ``BEGIN IMMEDIATE``) inside the caller's transaction, so
concurrent writers queue and the chain never forks. :func:`verify` walks a chain and
reports the first broken position.

The serialisation below is a stored format: changing it breaks every existing chain.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from django.db import connections, migrations, models, router, transaction

from aduan.core.fields import AsciiCharField
from aduan.core.models import AppendOnlyModel
from aduan.core.prepared import NothingInserted, insert_for

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainSpec:
    name: str
    model_label: str
    # (attribute name, kind): kind is "str", "int" (ids, nullable), "datetime", "json", "ip"
    fields: tuple[tuple[str, str], ...]


EVENTS = ChainSpec(
    name="events",
    model_label="reports.ReportEvent",
    fields=(
        ("report_id", "int"),
        ("action", "str"),
        ("from_status", "str"),
        ("to_status", "str"),
        ("actor_id", "int"),
        ("actor_kind", "str"),
        ("actor_label", "str"),
        ("actor_agency_id", "int"),
        ("agency_id", "int"),
        ("reason", "str"),
        ("message", "str"),
        ("public_message", "str"),
        ("visibility", "str"),
        ("created_at", "datetime"),
    ),
)
AUDIT = ChainSpec(
    name="audit",
    model_label="audit.AuditRecord",
    fields=(
        ("actor_id", "int"),
        ("action", "str"),
        ("report_id", "int"),
        ("agency_id", "int"),
        ("target_user_id", "int"),
        ("detail", "json"),
        ("ip_address", "ip"),
        ("created_at", "datetime"),
    ),
)
SPECS: dict[str, ChainSpec] = {EVENTS.name: EVENTS, AUDIT.name: AUDIT}


def _canonical_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "str":
        return str(value)
    if kind == "int":
        return int(value)
    if kind == "datetime":
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {value!r}")
        if value.tzinfo is None:
            raise ValueError("chained rows need timezone-aware datetimes")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if kind == "json":
        # Through JSON and back, as the database will store it (int keys become strings).
        return json.loads(json.dumps(value))
    if kind == "ip":
        return ipaddress.ip_address(str(value)).exploded
    raise ValueError(f"unknown field kind {kind!r}")


def canonical(spec: ChainSpec, row: Any, seq: int) -> bytes:
    """The bytes hashed for one row: ``seq`` and the immutable fields, as sorted JSON."""
    data: dict[str, Any] = {"chain": spec.name, "seq": seq}
    for name, kind in spec.fields:
        data[name] = _canonical_value(kind, getattr(row, name))
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


_SEQ_MARK = -(2**62)


def canonical_around_seq(spec: ChainSpec, row: Any) -> tuple[bytes, bytes]:
    """:func:`canonical` without its position: the bytes before and after ``seq``'s
    digits, for a database that numbers and hashes the row itself."""
    whole = canonical(spec, row, _SEQ_MARK)
    # The one unescaped "seq" key: a string value holding these bytes would be escaped.
    before, found, after = whole.partition(b'"seq":%d' % _SEQ_MARK)
    if not found:  # pragma: no cover - the serialisation above always writes the key
        raise AssertionError("no seq in the canonical form")
    return before + b'"seq":', after


def row_hash(spec: ChainSpec, row: Any, seq: int, prev_hash: str) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(spec, row, seq))
    return digest.hexdigest()


# ---- writing -------------------------------------------------------------------------------


def _head_model() -> type[models.Model]:
    from aduan.audit.models import ChainHead

    return ChainHead


def _head_sql(using: str) -> tuple[str, str, str]:
    """The head's locking read, its update and (PostgreSQL) its one-statement advance,
    written once per database: every event and audit record runs them, and compiling
    them through the ORM cost more than the database's work."""
    sql = _HEAD_SQL.get(using)
    if sql is None:
        connection = connections[using]
        meta = _head_model()._meta
        quote = connection.ops.quote_name
        # Quoted names from the model, never input: the values are parameters.
        table = quote(meta.db_table)
        columns = {f.name: quote(f.column) for f in meta.concrete_fields}
        name, seq, hash_, prev = (columns[c] for c in ("name", "seq", "hash", "prev_hash"))
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # The row hash of :func:`row_hash`, computed by the server from the head it has
        # just locked: SHA-256 of the previous hash, a newline and the canonical bytes
        # with the new position's digits between the two parameters. SET reads the old
        # row, so prev_hash gets the old hash and seq + 1 is the new position.
        digest = (
            f"encode(sha256(convert_to({hash_} || E'\\n', 'UTF8') || %s::bytea"
            f" || convert_to(({seq} + 1)::text, 'UTF8') || %s::bytea), 'hex')"
        )
        sql = _HEAD_SQL[using] = (
            f"SELECT {seq}, {hash_} FROM {table} WHERE {name} = %s{lock}",  # noqa: S608
            f"UPDATE {table} SET {seq} = %s, {hash_} = %s, {prev} = %s WHERE {name} = %s",  # noqa: S608
            f"UPDATE {table} SET {prev} = {hash_}, {seq} = {seq} + 1, {hash_} = {digest}"  # noqa: S608
            f" WHERE {name} = %s RETURNING {seq}, {prev}, {hash_}",
        )
    return sql


_HEAD_SQL: dict[str, tuple[str, str, str]] = {}


def _ensure_head(spec: ChainSpec, using: str) -> None:
    """The head row exists from the migration; after a test flush it is recreated
    (racing creators are harmless: the conflict is ignored and both then lock it)."""
    head_model: Any = _head_model()
    head_model._default_manager.db_manager(using).bulk_create(
        [head_model(name=spec.name, seq=0, hash=GENESIS)], ignore_conflicts=True
    )


def _lock_head(spec: ChainSpec, using: str) -> tuple[int, str]:
    """The chain head's position and hash, locked until the surrounding transaction
    ends (SQLite has one writer at a time anyway)."""
    select = _head_sql(using)[0]
    with connections[using].cursor() as cursor:
        cursor.execute(select, [spec.name])
        row = cursor.fetchone()
        if row is None:
            _ensure_head(spec, using)
            cursor.execute(select, [spec.name])
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


def _spec_for(model: type[models.Model]) -> ChainSpec:
    label = model._meta.label
    for spec in SPECS.values():
        if spec.model_label == label:
            return spec
    raise LookupError(f"{label} is not a chained model")


def append_many(rows: list[Any], *, using: str | None = None) -> list[Any]:
    """Insert rows of one chained model at the end of its chain, in the given order."""
    if not rows:
        return rows
    model = type(rows[0])
    spec = _spec_for(model)
    db = using or router.db_for_write(model)
    for row in rows:
        if type(row) is not model:
            raise TypeError("append_many takes rows of one model")
        if row.pk is not None:
            raise ValueError(f"{model.__name__} rows are append-only.")
    # No savepoint inside a caller's transaction (two round trips per append): a failed
    # append spoils that transaction, which its caller must then roll back anyway.
    with transaction.atomic(using=db, savepoint=False):
        if len(rows) == 1 and connections[db].vendor == "postgresql":
            _append_one_statement(spec, rows[0], db)
            return rows
        seq, prev = _lock_head(spec, db)
        last_prev = prev
        for row in rows:
            seq += 1
            row.seq, row.prev_hash = seq, prev
            last_prev, prev = prev, row_hash(spec, row, seq, prev)
            row.hash = prev
        if len(rows) == 1:
            insert_for(spec.model_label)(rows[0], using=db)
        else:  # one INSERT (the rows get their ids back), not the chained manager's
            models.QuerySet(model=model, using=db).bulk_create(rows)
        with connections[db].cursor() as cursor:
            cursor.execute(_head_sql(db)[1], [seq, prev, last_prev, spec.name])
    return rows


_CHAIN_COLUMNS = ("seq", "prev_hash", "hash")


def _append_one_statement(spec: ChainSpec, row: Any, using: str) -> None:
    """One row appended by one statement (PostgreSQL): the head is locked, numbered and
    hashed by its own UPDATE, and the row is inserted from what that returns, so the
    head stays locked only from this statement to the transaction's end."""
    before, after = canonical_around_seq(spec, row)
    advance = (_head_sql(using)[2], [before, after, spec.name])
    insert = insert_for(spec.model_label)
    try:
        insert(row, using=using, first=advance, from_first=_CHAIN_COLUMNS)
    except NothingInserted:  # no head (a flushed test database): made, then again
        _ensure_head(spec, using)
        insert(row, using=using, first=advance, from_first=_CHAIN_COLUMNS)


def append(row: Any, *, using: str | None = None) -> Any:
    """Insert one row at the end of its chain (inside the caller's transaction, if any)."""
    return append_many([row], using=using)[0]


class ChainedManager(models.Manager):
    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        if args or kwargs:
            raise TypeError("chained rows are bulk-inserted in order, without options")
        return append_many(list(objs), using=self.db)


HASH_HEAD = 8


class HashHead(models.Func):
    """The first :data:`HASH_HEAD` symbols of a hash, the numbers written into the SQL:
    a database matches an expression index by its text, and SQLite does not see through
    parameters."""

    function = "SUBSTR"
    template = f"%(function)s(%(expressions)s, 1, {HASH_HEAD})"
    output_field = models.CharField()


def hash_index(name: str) -> models.Index:
    """The index a break's diagnosis finds a hash by (:func:`linked_to`): its first
    eight symbols, 32 bits, which leave one record in a hundred sharing them with another
    at 60 million. A third of the full hash's size (1.8 GB instead of 5.4 at 60 million
    events), so it builds faster, and every append writes to a smaller, random-keyed
    tree."""
    return models.Index(HashHead("hash"), name=name)


def linked_to(manager: Any, digest: str) -> list[Any]:
    """The rows whose hash is ``digest``, found through :func:`hash_index`. The full hash
    is compared here, not in the query: given ``hash = …`` too, SQLite folds the constant
    into the indexed expression and no longer sees the index."""
    found = manager.annotate(hash_head=HashHead("hash")).filter(hash_head=digest[:HASH_HEAD])
    return [row for row in found.order_by() if row.hash == digest]


class ChainedModel(AppendOnlyModel):
    """Append-only rows that are hash-chained on insert (see the module docstring)."""

    seq = models.BigIntegerField(unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    # Indexed by each concrete model's Meta, by its head (:func:`hash_index`): only a
    # break's diagnosis looks a hash up.
    hash = AsciiCharField(max_length=64, editable=False)

    objects: ClassVar[ChainedManager] = ChainedManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        append(self, using=kwargs.get("using"))

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{type(self).__name__} rows are append-only.")


# ---- verifying ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    chain: str
    position: int  # the seq where the chain first breaks
    record_id: int | None  # the database id of the row found there (None: none left)
    kind: str  # "edited", "deleted", "reordered", "inserted"
    detail: str

    def __str__(self) -> str:
        where = f"record id {self.record_id}" if self.record_id is not None else "end of chain"
        return f"{self.chain}: {self.kind} at position {self.position} ({where}): {self.detail}"


@dataclass(frozen=True)
class Result:
    chain: str
    count: int
    head_hash: str
    problem: Break | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _rows(model: Any, using: str) -> Iterator[Any]:
    return model._default_manager.db_manager(using).order_by("seq").iterator(chunk_size=2000)


def _diagnose(
    spec: ChainSpec, manager: Any, row: Any, expected: int, prev: str, last: Any
) -> Break:
    """Name what happened at the first row that does not fit at position ``expected``."""

    def brk(kind: str, detail: str, position: int = expected, record: Any = row) -> Break:
        return Break(spec.name, position, record.pk, kind, detail)

    def inserted_before() -> Break | None:
        # The row accepted just before claims the same predecessor: it was slipped in.
        if last is not None and last.prev_hash == row.prev_hash:
            return brk(
                "inserted",
                f"it was put in before record id {row.pk}, which links to the same predecessor",
                position=expected - 1,
                record=last,
            )
        return None

    if row_hash(spec, row, row.seq, row.prev_hash) == row.hash:
        # Intact content: the chain around it changed.
        if row.seq > expected:
            return brk("deleted", f"records at positions {expected}..{row.seq - 1} are missing")
        found = inserted_before()
        if found is not None:
            return found
        if not linked_to(manager, row.prev_hash):
            return brk("deleted", "the record it links to no longer exists")
        return brk("reordered", "the record it links to is stored at another position")
    predecessor = next((r for r in linked_to(manager, row.prev_hash) if r.pk != row.pk), None)
    candidates = [expected - 1, expected + 1]
    if predecessor is not None:
        candidates.insert(0, int(predecessor.seq) + 1)
    for position in candidates:
        if (
            position not in (0, row.seq)
            and row_hash(spec, row, position, row.prev_hash) == row.hash
        ):
            found = inserted_before()
            if found is not None:
                return found
            return brk("reordered", f"it was written at position {position}, not {row.seq}")
    if row.prev_hash != prev and predecessor is None and row.prev_hash != GENESIS:
        return brk("inserted", "it links to no record of the chain")
    return brk("edited", "its content does not match its hash")


def verify(spec: ChainSpec, *, using: str = "default") -> Result:
    from django.apps import apps

    model: Any = apps.get_model(spec.model_label)
    head_model: Any = _head_model()
    head = head_model._default_manager.db_manager(using).filter(name=spec.name).first()
    manager = model._default_manager.db_manager(using)
    expected, prev, count, last = 1, GENESIS, 0, None
    for row in _rows(model, using):
        if (
            row.seq != expected
            or row.prev_hash != prev
            or row_hash(spec, row, row.seq, prev) != row.hash
        ):
            problem = _diagnose(spec, manager, row, expected, prev, last)
            return Result(spec.name, count, prev, problem)
        expected, prev, count, last = expected + 1, row.hash, count + 1, row
    head_seq = int(head.seq) if head is not None else 0
    head_hash = str(head.hash) if head is not None else GENESIS
    if head_seq > count:
        problem = Break(
            spec.name,
            count + 1,
            None,
            "deleted",
            f"the chain head records {head_seq} records; records {count + 1}..{head_seq} "
            "are missing",
        )
        return Result(spec.name, count, prev, problem)
    if head_seq < count or head_hash != prev:
        problem = Break(
            spec.name,
            head_seq + 1,
            None,
            "inserted",
            f"the chain head records {head_seq} records ending in {head_hash[:12]}; "
            f"the table has {count} ending in {prev[:12]}",
        )
        return Result(spec.name, count, prev, problem)
    return Result(spec.name, count, prev, None)


def verify_all(*, using: str = "default") -> list[Result]:
    return [verify(spec, using=using) for spec in SPECS.values()]


def backfill(
    spec: ChainSpec, model: Any, head_model: Any, using: str, *, order: Callable[[Any], Any]
) -> None:
    """Chain rows that predate the chain (used by the data migrations)."""
    rows = sorted(model._default_manager.db_manager(using).all(), key=order)
    prev = GENESIS
    for seq, row in enumerate(rows, start=1):
        row.seq, row.prev_hash = seq, prev
        row.hash = prev = row_hash(spec, row, seq, prev)
    model._default_manager.db_manager(using).bulk_update(
        rows, ["seq", "prev_hash", "hash"], batch_size=500
    )
    head_model._default_manager.db_manager(using).update_or_create(
        name=spec.name, defaults={"seq": len(rows), "hash": prev}
    )


def plain_hash_index(app_label: str, model_name: str, index_name: str) -> Any:
    """Migration operation: the ``hash`` column's index as a plain B-tree named
    ``index_name`` (it was Django's ``db_index``, which on PostgreSQL also built a
    pattern-matching copy that nothing uses; 5.4 GB at 60 million events). The existing
    index is renamed, not rebuilt."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        table = apps.get_model(app_label, model_name)._meta.db_table
        old = schema_editor._create_index_name(table, ["hash"])
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{old}_like"')
            schema_editor.execute(f'ALTER INDEX IF EXISTS "{old}" RENAME TO "{index_name}"')
        else:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{old}"')
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{index_name}" ON "{table}" ("hash")')

    def backwards(apps: Any, schema_editor: Any) -> None:
        table = apps.get_model(app_label, model_name)._meta.db_table
        old = schema_editor._create_index_name(table, ["hash"])
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name}"')
        schema_editor.execute(f'CREATE INDEX "{old}" ON "{table}" ("hash")')
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX "{old}_like" ON "{table}" ("hash" varchar_pattern_ops)'
            )

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(
                model_name=model_name.lower(),
                name="hash",
                field=models.CharField(editable=False, max_length=64),
            ),
            migrations.AddIndex(
                model_name=model_name.lower(),
                index=models.Index(fields=["hash"], name=index_name),
            ),
        ],
        database_operations=[migrations.RunPython(forwards, backwards)],
    )
