"""Hot read queries compiled to SQL once, then run with fresh parameters.

Django compiles a queryset to SQL every time it runs. For the tracking lookup (one
report with its agency, category, region and district, then its timeline) compiling
cost more CPU than the database's own work. :class:`PreparedQuery` compiles a queryset
*shape* once (with a sentinel in place of each parameter), keeps the compiler's column
layout, and then runs the same SQL with the caller's values. It builds the model
instances the way Django's own ``ModelIterable`` does, ``select_related`` included, and
through the same converters: the same rows and instances, without the compile.

Only plain model querysets qualify: no annotations, ``values()``, ``only()``/``defer()``,
``prefetch_related`` or extra select columns. This is checked when the shape is first
compiled. Reads go to the database the router picks for the model at each call, so
replica routing still applies. Compiled shapes are kept per thread and database alias,
because a compiler holds its thread's connection.

On PostgreSQL the statement is also *prepared* on the server, once per connection
(psycopg's ``prepare=True`` on a server-binding cursor). Django binds parameters on the
client, so PostgreSQL otherwise plans every lookup afresh: for the tracking lookup's
five-table join that planning (~1.1 ms) cost ten times its execution. Connections are
persistent (``CONN_MAX_AGE``), so each web thread plans each shape once. A connection
pooler in transaction mode must support prepared statements (PgBouncer 1.21 and later
with ``max_prepared_statements``). SQLite's driver already keeps compiled statements.

:class:`PreparedRows` does the same for ``values_list()`` querysets whose parameters
never change, such as the public list's first page for each filter: the caller names the
query by a key, and its SQL is compiled on the first call with that key only.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

import psycopg
from django.db import connections, models, router, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import signals
from django.db.models.constants import OnConflict
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

M = TypeVar("M", bound=models.Model)

# Placeholders by parameter type: values no real query parameter is expected to hold.
# Each is looked up by type and equality in the compiled parameters, and must occur once.
_SENTINELS: dict[type, Callable[[int], Any]] = {
    str: lambda i: f"\x00aduan-prepared-{i}\x00",
    int: lambda i: -(2**62) - i,
}


class _Compiled:
    def __init__(self, queryset: models.QuerySet[Any], alias: str, sentinels: list[Any]) -> None:
        query = queryset.query
        if (
            query.annotations
            or query.values_select
            or query.deferred_loading != (frozenset(), True)
            or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            or queryset._iterable_class is not ModelIterable
        ):
            raise TypeError("PreparedQuery takes plain model querysets only")
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if compiler.has_extra_select:
            raise TypeError("PreparedQuery cannot drop extra select columns")
        self.slots = []
        for sentinel in sentinels:
            found = [i for i, p in enumerate(params) if type(p) is type(sentinel) and p == sentinel]
            if len(found) != 1:
                raise TypeError("each parameter must reach the SQL exactly once, unchanged")
            self.slots.append(found[0])
        self.sql = sql
        self.params = list(params)
        self.compiler = compiler
        fields = compiler.klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in compiler.select[self.start : self.end]]
        self.model = compiler.klass_info["model"]
        self.populators = get_related_populators(compiler.klass_info, compiler.select, alias)
        self.converters = compiler.get_converters([s[0] for s in compiler.select])


class PreparedQuery(Generic[M]):
    """``PreparedQuery(Model, lambda a, b: Model.objects.filter(x=a, y=b), (str, int))``;
    ``query("x", 1)`` then returns the list of instances that queryset would."""

    def __init__(
        self,
        model: type[M],
        build: Callable[..., models.QuerySet[M]],
        types: tuple[type, ...],
    ) -> None:
        self.model = model
        self._build = build
        self._types = types
        self._local = threading.local()

    def _compiled(self, alias: str) -> _Compiled:
        cache: dict[str, _Compiled] = self._local.__dict__.setdefault("by_alias", {})
        compiled = cache.get(alias)
        if compiled is None:
            sentinels = [_SENTINELS[kind](i) for i, kind in enumerate(self._types)]
            queryset = self._build(*sentinels)
            if queryset.model is not self.model:
                raise TypeError(f"the queryset is of {queryset.model}, not {self.model}")
            compiled = cache[alias] = _Compiled(queryset, alias, sentinels)
        return compiled

    def __call__(self, *values: Any) -> list[M]:
        if len(values) != len(self._types):
            raise TypeError(f"expected {len(self._types)} values, got {len(values)}")
        alias = router.db_for_read(self.model)
        compiled = self._compiled(alias)
        params = list(compiled.params)
        for slot, kind, value in zip(compiled.slots, self._types, values, strict=True):
            if not isinstance(value, kind):
                raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
            params[slot] = value
        with _cursor(alias) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return _instances(compiled, alias, rows)


class PreparedRows:
    """The tuples of ``values_list()`` querysets, each compiled once per key.

    ``rows(key, build)`` returns ``list(build())``. The first call with a key compiles
    the queryset ``build`` returns; later calls with that key run the same SQL and
    parameters again without calling ``build`` (on PostgreSQL as a statement prepared on
    the server). Unlike :class:`PreparedQuery`, no parameter changes: the key must name
    everything the SQL depends on, so it takes annotations, joined columns and slices.
    Only the SQL is kept, never a result, so each call reads the rows as they are now.
    The least recently used of ``size`` keys per thread and database alias is dropped.
    """

    def __init__(self, model: type[models.Model], *, size: int = 64) -> None:
        self.model = model
        self.size = size
        self._local = threading.local()

    def __call__(
        self, key: Hashable, build: Callable[[], models.QuerySet[Any]]
    ) -> list[tuple[Any, ...]]:
        alias = router.db_for_read(self.model)
        by_alias: dict[str, OrderedDict[Hashable, _CompiledRows]]
        by_alias = self._local.__dict__.setdefault("by_alias", {})
        compiled_by_key = by_alias.setdefault(alias, OrderedDict())
        compiled = compiled_by_key.get(key)
        if compiled is None:
            compiled = compiled_by_key[key] = _CompiledRows(build(), self.model, alias)
            while len(compiled_by_key) > self.size:
                compiled_by_key.popitem(last=False)
        else:
            compiled_by_key.move_to_end(key)
        with _cursor(alias) as cursor:
            cursor.execute(compiled.sql, compiled.params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return [tuple(row) for row in rows]


class _CompiledRows:
    def __init__(self, queryset: models.QuerySet[Any], model: type[models.Model], alias: str):
        if queryset.model is not model:
            raise TypeError(f"the queryset is of {queryset.model}, not {model}")
        if (
            queryset._iterable_class is not ValuesListIterable or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        ):
            raise TypeError("PreparedRows takes values_list() querysets (not flat or named)")
        # Django's ValuesListIterable returns the compiler's rows as they are: so does this.
        compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        if compiler.has_extra_select:
            raise TypeError("PreparedRows cannot drop extra select columns")
        self.params = tuple(params)
        self.compiler = compiler
        self.converters = compiler.get_converters([s[0] for s in compiler.select])


def _cursor(alias: str) -> CursorWrapper:
    """Django's cursor for ``alias``; on PostgreSQL one whose statements are prepared.

    Django's own cursor comes first (it checks the connection's health and thread, keeps
    the time-zone loader current and logs queries when asked); its client-binding psycopg
    cursor is then swapped for a server-binding one on the same connection.
    """
    cursor = connections[alias].cursor()
    if connections[alias].vendor != "postgresql":
        return cursor
    raw = connections[alias].connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's prepared statements off (``prepare_threshold=None``).
        # Its own cursors bind on the client and can never prepare, so allowing them
        # changes nothing but this cursor: one run of a statement prepares it.
        raw.prepare_threshold = 1
    cursor.cursor.close()
    cursor.cursor = _PreparingCursor(raw)
    return cursor


class _PreparingCursor(psycopg.Cursor):
    """Binds parameters on the server and prepares every statement it runs."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        kwargs["prepare"] = True
        return super().execute(query, params, **kwargs)


def _instances(compiled: _Compiled, alias: str, rows: Sequence[Any]) -> list[Any]:
    out = []
    if compiled.converters:
        rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
    for row in rows:
        obj = compiled.model.from_db(alias, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        out.append(obj)
    return out


class PreparedInsert:
    """One model's single-row ``INSERT`` written once per database, then run with each
    instance's values: ``PreparedInsert(Report)(report, using="default")``.

    Does what ``instance.save(force_insert=True)`` does for a new row of a plain model
    (each field's ``pre_save`` and ``get_db_prep_save``, the database-generated key read
    back, the instance marked as saved), without compiling the statement on every call;
    on PostgreSQL it is prepared on the server as :class:`PreparedQuery`'s reads are.
    ``ignore_conflicts=True`` does what ``bulk_create([instance], ignore_conflicts=True)``
    does instead (no key read back, no signals). ``pre_save`` and ``post_save`` are sent
    as save() sends them. It hands the instance to Django's own path when the shortcut
    would not do what that path does: a model with parents, a field that writes its own
    SQL, a value that is an expression, more columns returned than the key, or a
    generated key already set.
    """

    def __init__(self, model: type[models.Model], *, ignore_conflicts: bool = False) -> None:
        meta = model._meta
        self.model = model
        self.ignore_conflicts = ignore_conflicts
        self.fields = [
            f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field
        ]
        self.plain = (
            not meta.parents
            and set(meta.db_returning_fields) <= {meta.auto_field}
            and not any(hasattr(f, "get_placeholder") for f in self.fields)
        )
        self._attnames = {f.column: f.attname for f in self.fields}
        self._sql: dict[tuple[str, str, tuple[str, ...]], tuple[str, bool]] = {}

    def _statement(
        self, alias: str, first: str = "", from_first: tuple[str, ...] = ()
    ) -> tuple[str, bool]:
        """The SQL for ``alias``, and whether it returns the generated key. ``first``:
        a statement to run by the same one (PostgreSQL's data-modifying ``WITH``);
        ``from_first``: the columns whose values are what ``first`` returns (the row is
        then inserted by ``INSERT … SELECT … FROM first``, and returns them too)."""
        found = self._sql.get((alias, first, from_first))
        if found is None:
            connection = connections[alias]
            meta = self.model._meta
            ops = connection.ops
            quote = ops.quote_name
            conflict = OnConflict.IGNORE if self.ignore_conflicts else None
            columns = ", ".join(quote(f.column) for f in self.fields)
            values = ", ".join(
                f"{quote('first')}.{quote(f.column)}" if f.column in from_first else "%s"
                for f in self.fields
            )
            source = (
                f"SELECT {values} FROM {quote('first')}"  # noqa: S608 - names and %s only
                if from_first
                else f"VALUES ({values})"
            )
            suffix = ops.on_conflict_suffix_sql(self.fields, conflict, None, None)
            # Quoted names from the model, never input: the values are parameters.
            sql = (
                f"{ops.insert_statement(on_conflict=conflict)} {quote(meta.db_table)}"
                f" ({columns}) {source} {suffix}"
            ).rstrip()
            returns = (
                meta.auto_field is not None
                and not self.ignore_conflicts
                and connection.features.can_return_columns_from_insert
            )
            if returns or from_first:
                returned = [meta.pk.column] if returns else []
                sql += " RETURNING " + ", ".join(quote(c) for c in [*returned, *from_first])
            if first:
                sql = f"WITH {quote('first')} AS ({first}) {sql}"
            found = self._sql[(alias, first, from_first)] = (sql, returns)
        return found

    def _django(self, obj: models.Model, using: str) -> None:
        if self.ignore_conflicts:
            rows: models.QuerySet[Any] = models.QuerySet(model=self.model, using=using)
            rows.bulk_create([obj], ignore_conflicts=True)
        else:
            models.Model.save_base(obj, using=using, force_insert=True)

    def _execute(
        self,
        obj: models.Model,
        using: str,
        values: list[Any],
        first: Statement | None,
        from_first: tuple[str, ...],
    ) -> None:
        connection = connections[using]
        params = [
            f.get_db_prep_save(v, connection=connection)
            for f, v in zip(self.fields, values, strict=True)
            if f.column not in from_first
        ]
        meta = self.model._meta
        if first is not None:
            sql, returns = self._statement(using, first[0], from_first)
            params = [*first[1], *params]
        else:
            sql, returns = self._statement(using)
        # As save_base: a failed insert inside a transaction marks it for rollback.
        with transaction.mark_for_rollback_on_error(using), _cursor(using) as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone() if returns or from_first else None
            if not returns and meta.auto_field is not None and not self.ignore_conflicts:
                key = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
                setattr(obj, meta.pk.attname, key)
        if row is None:
            if from_first:  # ``first`` returned no row, so none was inserted (no error)
                raise NothingInserted(f"no {meta.label} row: the first statement found none")
            return
        if returns:
            setattr(obj, meta.pk.attname, row[0])
        for column, value in zip(from_first, row[int(returns) :], strict=True):
            setattr(obj, self._attnames[column], value)

    def __call__(
        self,
        obj: models.Model,
        *,
        using: str,
        first: Statement | None = None,
        from_first: tuple[str, ...] = (),
    ) -> None:
        """Insert ``obj``. On PostgreSQL, ``first`` (SQL and parameters, writing another
        table and returning one row) runs in the same statement, and ``from_first`` names
        the columns whose values are the ones it returns under the same names (set on
        ``obj`` afterwards); if ``first`` returns no row, nothing is inserted and
        :class:`NothingInserted` is raised."""
        if type(obj) is not self.model:
            raise TypeError(f"expected a {self.model.__name__}, got {type(obj).__name__}")
        if not obj._state.adding:
            raise ValueError("PreparedInsert writes new rows only")
        meta = self.model._meta
        if (first is not None or from_first) and (
            first is None
            or not from_first
            or connections[using].vendor != "postgresql"
            or not set(from_first) <= set(self._attnames)
        ):
            raise ValueError(
                "first and from_first go together: a statement, then columns of this model"
                " it returns, on PostgreSQL"
            )
        if not self.plain or (meta.auto_field is not None and obj.pk is not None):
            if first is not None:
                raise ValueError(f"{meta.label} cannot take values from a first statement")
            self._django(obj, using)
            return
        obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
        saving = not self.ignore_conflicts  # bulk_create sends no signals
        if saving:
            signals.pre_save.send(
                sender=self.model, instance=obj, raw=False, using=using, update_fields=None
            )
        values = [f.pre_save(obj, True) for f in self.fields]
        if any(hasattr(v, "resolve_expression") for v in values):
            if first is not None:
                raise ValueError(f"{meta.label} cannot take values from a first statement")
            if not saving:
                self._django(obj, using)
                return
            # Django's insert, which compiles expressions (pre_save was sent above).
            with transaction.mark_for_rollback_on_error(using):
                obj._save_table(cls=self.model, force_insert=True, using=using)  # type: ignore[attr-defined]
        else:
            self._execute(obj, using, values, first, from_first)
        obj._state.adding = False
        obj._state.db = using
        if saving:
            signals.post_save.send(
                sender=self.model,
                instance=obj,
                created=True,
                update_fields=None,
                raw=False,
                using=using,
            )


Statement = tuple[str, Sequence[Any]]


class NothingInserted(LookupError):
    """A :class:`PreparedInsert` whose first statement returned no row inserted none."""


@functools.cache
def insert_for(model_label: str, *, ignore_conflicts: bool = False) -> PreparedInsert:
    """This process's one :class:`PreparedInsert` of a model, by its label (e.g.
    ``"reports.Report"``): its statements are written once, whoever inserts."""
    from django.apps import apps

    return PreparedInsert(apps.get_model(model_label), ignore_conflicts=ignore_conflicts)
