"""Prepared queries: an ORM queryset's SQL compiled once per process, run again with new values.

Compiling a queryset (select list, joins, ordering, lookups) costs a learner page about as much
CPU as running its queries (issue 22). A query read on every request keeps one shape and only
changes its values (a user's id, the current time), so its SQL is compiled once, from the
queryset that a function builds out of placeholder values, and each later call sends the same
SQL with the new values and builds the same model instances as the queryset would
(select_related and annotations included)::

    MY_ASSIGNMENTS = Prepared(
        lambda user_id, now: Assignment.objects.filter(learner__user_id=user_id, due_at__gt=now)
        .select_related("learner"),
        user_id=int,
        now=dt.datetime,
    )
    MY_ASSIGNMENTS.all(user_id=7, now=timezone.now())  # a list of Assignment

Placeholders are values of their declared type (int, str, datetime, date) that no real query
holds; the compiled parameters are searched for each one *as the database backend adapts it*,
and a real value is adapted the same way before it replaces it. A value that the ORM turns into
something else (`__icontains`, `__in` with a list) is not found, and preparing the query fails
at once rather than sending wrong values. The SQL goes through `connection.cursor()`, so query
counting, execute wrappers and transactions see it as any other query.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

M = TypeVar("M", bound=Model)

SUPPORTED = (int, str, dt.datetime, dt.date)


class _Real:
    """datetime and date as imported. A test that freezes the clock (freezegun) swaps
    dt.datetime and dt.date, and every module attribute holding them, for subclasses, but not a
    class attribute: the kinds declared before the clock was frozen are still recognised."""

    datetime = dt.datetime
    date = dt.date


def _placeholder(kind: type, index: int, round_: int = 0) -> Any:
    """A value of this kind for the index-th value, in one of two rounds (the query is compiled
    with each, and a value sits where the two compilations differ). Integers stay within the
    smallest integer field's range: the ORM refuses out-of-range values before writing SQL."""
    if kind is int:
        return 30_001 + 500 * round_ + index
    if kind is str:
        return f"\x1fprepared-placeholder-{round_}-{index}\x1f"
    if kind is _Real.datetime:
        tz = dt.UTC if settings.USE_TZ else None
        return dt.datetime(1901 + round_, 2, 3, 4, 5, 6, 100_000 + index, tzinfo=tz)
    if kind is _Real.date:
        return dt.date(1901 + round_, 3, 1) + dt.timedelta(days=index)
    raise TypeError(f"prepared queries take int, str, datetime or date values, not {kind}")


def _placeholders(kinds: dict[str, type], round_: int) -> dict[str, Any]:
    return {name: _placeholder(kind, i, round_) for i, (name, kind) in enumerate(kinds.items())}


def _adapter(kind: type, connection: Any) -> Callable[[Any], Any]:
    """How the backend sends a value of this kind (what the ORM's fields do to it)."""
    if kind is _Real.datetime:
        return connection.ops.adapt_datetimefield_value
    if kind is _Real.date:
        return connection.ops.adapt_datefield_value
    return _identity


def _identity(value: Any) -> Any:
    return value


def _sent_as(param: Any, value: Any) -> bool:
    """The compiled parameter is this value: the same, or an integer the backend wrapped."""
    if type(param) is type(value):
        return bool(param == value)
    return (
        type(value) is int
        and isinstance(param, int)
        and not isinstance(param, bool)
        and int(param) == value
    )


class _Compiled:
    """One connection's SQL, where each value goes, and how rows become instances."""

    def __init__(
        self, build: Callable[..., QuerySet[Any]], kinds: dict[str, type], connection: Any
    ) -> None:
        self.connection = connection
        self.adapters = {name: _adapter(kind, connection) for name, kind in kinds.items()}
        compiled = []
        for round_ in (0, 1):
            placeholders = _placeholders(kinds, round_)
            queryset = build(**placeholders)
            if (
                queryset._prefetch_related_lookups  # type: ignore[attr-defined]
                or queryset._iterable_class is not ModelIterable
            ):
                raise ValueError("prepared queries return model instances, without prefetch")
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            compiled.append((placeholders, sql, list(params)))
        (first, sql, params), (second, other_sql, other_params) = compiled
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError("prepared query: its SQL changes with the values given")
        self.sql = sql
        self.params = params
        # (position in params, value's name, the backend's wrapper of it: psycopg 3 sends
        # integers as Int2/Int4/Int8 by field, and the same wrapper is sent again)
        self.slots: list[tuple[int, str, type | None]] = []
        for name in kinds:
            one, two = self.adapters[name](first[name]), self.adapters[name](second[name])
            found = [
                i
                for i, (p, q) in enumerate(zip(params, other_params, strict=True))
                if _sent_as(p, one) and _sent_as(q, two)
            ]
            if not found:
                raise ValueError(
                    f"prepared query: the value {name!r} is not sent as given (a lookup that "
                    "transforms it, or a list?): write this query without Prepared"
                )
            self.slots.extend(
                (i, name, type(params[i]) if type(params[i]) is not type(one) else None)
                for i in found
            )
        if len(self.slots) != sum(p != q for p, q in zip(params, other_params, strict=True)):
            raise ValueError("prepared query: a parameter changes that no value explains")
        self.model = queryset.model
        self.db = connection.alias
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.fields = slice(start, end)
        self.init_list = [f[0].target.attname for f in select[start:end]]
        self.col_count = compiler.col_count
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        self.compiler = compiler
        self.related_populators = get_related_populators(  # type: ignore[call-arg]  # stubs: 6.0
            klass_info, select, connection.alias
        )
        self.annotation_col_map = dict(compiler.annotation_col_map or {})

    def run(self, values: dict[str, Any]) -> list[Any]:
        params = list(self.params)
        adapters = self.adapters
        for position, name, wrapper in self.slots:
            value = adapters[name](values[name])
            params[position] = value if wrapper is None else wrapper(value)
        with statement_cursor(self.connection) as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not rows:
            return []
        col_count = self.col_count
        if len(rows[0]) > col_count:
            rows = [row[:col_count] for row in rows]
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        objects = []
        from_db, db, init_list, fields = self.model.from_db, self.db, self.init_list, self.fields
        for row in rows:
            obj = from_db(db, init_list, row[fields])
            for populator in self.related_populators:
                populator.populate(row, obj)
            for attr_name, position in self.annotation_col_map.items():
                setattr(obj, attr_name, row[position])
            objects.append(obj)
        return objects


def statement_cursor(connection: Any) -> Any:
    """A cursor for the same few statements run on every request: on PostgreSQL, one that
    sends its values apart from the SQL, so that psycopg has the server keep each statement
    prepared after `prepare_threshold` uses (config/settings/base.py; off when None) and the
    server stops planning it again. Elsewhere, or on a connection that prepares nothing, the
    usual cursor (Django's PostgreSQL cursors bind client-side and are never prepared). The
    cursor is wrapped as Django wraps its own: query counting and execute wrappers see it."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    return connection._prepare_cursor(ServerBindingCursor(raw))  # type: ignore[call-arg]


class Prepared(Generic[M]):
    """A queryset built once from placeholder values by `build`, run with the values given.

    `kinds` names each value `build` takes and its type. Compiled lazily, once per database
    connection (each thread has its own) and alias; `.all()` returns a list of instances,
    `.first()` the first one or None (slice or order the queryset in `build` as wanted)."""

    def __init__(self, build: Callable[..., QuerySet[M]], **kinds: type) -> None:
        for name, kind in kinds.items():
            if kind not in SUPPORTED:
                raise TypeError(f"prepared query value {name!r}: {kind} is not supported")
        self.build = build
        self.kinds = kinds
        self._compiled = threading.local()

    def queryset(self, **values: Any) -> QuerySet[M]:
        """The plain queryset with these values: what `.all()` must equal (tests)."""
        return self.build(**values)

    def _for(self, alias: str | None) -> _Compiled:
        if alias is None:
            alias = self.build(**_placeholders(self.kinds, 0)).db
        connection = connections[alias]
        by_alias: dict[str, _Compiled] = self._compiled.__dict__
        compiled = by_alias.get(alias)
        if compiled is None or compiled.connection is not connection:
            compiled = _Compiled(self.build, self.kinds, connection)
            by_alias[alias] = compiled
        return compiled

    def all(self, *, using: str | None = None, **values: Any) -> list[M]:
        if values.keys() != self.kinds.keys():
            raise TypeError(f"prepared query values: expected {sorted(self.kinds)}")
        for name, kind in self.kinds.items():
            value = values[name]
            # None (IS NULL) or another type would need other SQL than the one compiled
            if (
                not isinstance(value, kind)
                or (kind is int and isinstance(value, bool))
                or (kind is _Real.date and isinstance(value, _Real.datetime))
            ):
                raise TypeError(f"prepared query value {name!r}: {kind.__name__} expected")
        alias = using or self._default_alias()
        return self._for(alias).run(values)

    def first(self, *, using: str | None = None, **values: Any) -> M | None:
        found = self.all(using=using, **values)
        return found[0] if found else None

    def _default_alias(self) -> str | None:
        # The alias the queryset reads from (routers); remembered after the first build.
        alias = getattr(self, "_alias", None)
        if alias is None:
            compiled = self._for(None)
            alias = self._alias = compiled.db
        return alias


class PreparedInsert(Generic[M]):
    """One row of `model` written with a statement built once per connection, for a write made
    on every request (issue 22: a lesson view's INSERT through `objects.create()` cost twice
    the CPU of the statement itself, most of it building the same SQL again).

    `create(**values)` returns the saved instance as `objects.create(**values)` would: the
    model's defaults fill what is not given, each field prepares its value as it does for a
    save (`pre_save`, then `get_db_prep_save`), and the primary key comes back from the
    statement (RETURNING, on PostgreSQL and SQLite alike). A model with `pre_save` or
    `post_save` receivers is saved by the ORM instead, so no receiver is ever skipped."""

    def __init__(self, model: type[M]) -> None:
        meta = model._meta
        if meta.pk is None or not getattr(meta.pk, "db_returning", False):
            raise ValueError("prepared inserts need a primary key the database assigns")
        self.model = model
        self.fields = [f for f in meta.concrete_fields if f is not meta.pk]
        self._sql: dict[str, str] = {}

    def sql(self, connection: Any) -> str:
        sql = self._sql.get(connection.vendor)
        if sql is None:
            quote = connection.ops.quote_name
            meta = self.model._meta
            columns = ", ".join(quote(f.column) for f in self.fields)
            values = ", ".join(["%s"] * len(self.fields))
            sql = self._sql[connection.vendor] = (
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608
                f" RETURNING {quote(meta.pk.column)}"
            )
        return sql

    def create(self, **values: Any) -> M:
        from django.db import router
        from django.db.models import signals

        obj = self.model(**values)
        if signals.pre_save.has_listeners(self.model) or signals.post_save.has_listeners(
            self.model
        ):
            obj.save(force_insert=True)
            return obj
        alias = router.db_for_write(self.model, instance=obj)
        connection = connections[alias]
        params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in self.fields]
        with statement_cursor(connection) as cursor:
            cursor.execute(self.sql(connection), params)
            (pk,) = cursor.fetchone()
        obj.pk = self.model._meta.pk.to_python(pk)
        obj._state.adding = False
        obj._state.db = alias
        return obj


def first_row(queryset: QuerySet[M]) -> QuerySet[M]:
    """The queryset `.first()` reads (ordered, else by pk, one row), for a prepared query."""
    return (queryset if queryset.ordered else queryset.order_by("pk"))[:1]
