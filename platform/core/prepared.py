"""Reads of the hottest pages, compiled to SQL once per process instead of once per request.

Why: on this platform's machines, building and compiling a queryset costs 1–2 ms and making a
model instance of a row about 20 µs, so a thread list of 30 rows spent three times longer in the
ORM than PostgreSQL spent answering it. A ``Prepared`` read is still written as a ``.values()``
queryset. The first call of each shape builds it with marker arguments, compiles it and notes where
each marker landed among the SQL's parameters; every later call runs that SQL with the real
arguments in the markers' places. Rows come back as dicts, converted as ``.values()`` converts them.
On PostgreSQL that SQL is a prepared statement, planned once per connection (``_PreparingCursor``).

The rule that keeps this correct: ``build(shape, **arguments)`` depends on nothing but what it is
given. What changes the SQL's text (an ordering, a list's length, a page size) belongs in the
hashable ``shape``; ids, slugs and times are ``arguments``. An argument given as None is part of
the shape too (a filter that does not apply). A marker that does not reach the parameters as it
was given (a lookup that rewrote it, a value baked into the SQL) fails the first call, and so the
tests, instead of running a wrong query.
"""

import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

import psycopg
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

MARKER_INT = 1_987_650_000  # within a 32-bit column's range, far from any id or count here


@dataclass(frozen=True)
class _Compiled:
    alias: str
    sql: str
    # Per SQL parameter: the argument it carries and the type to wrap it in, or None for a
    # constant of the shape.
    slots: tuple[tuple[str, type | None] | None, ...]
    constants: tuple
    adapt_datetimes: bool  # the backend passes times as text (SQLite)
    names: tuple[str, ...]
    converters: tuple  # (position, converters, expression), as the ORM's compiler lists them


class Prepared:
    """``Prepared(build).rows(shape, **arguments)``: the rows of ``build(shape, **arguments)``,
    a ``.values()`` queryset, as a list of dicts."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._compiled: dict[Hashable, _Compiled] = {}

    def rows(self, shape: Hashable, **arguments) -> list[dict]:
        key = (shape, tuple((name, type(value)) for name, value in sorted(arguments.items())))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(shape, arguments)
        return _run(compiled, arguments)

    def _compile(self, shape: Hashable, arguments: dict) -> _Compiled:
        markers = {
            name: _marker(index, value) for index, (name, value) in enumerate(arguments.items())
        }
        queryset = self._build(shape, **markers)
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        adapt = connections[queryset.db].ops.adapt_datetimefield_value
        as_text = {  # times as a backend that passes them as text (SQLite) writes them
            name: adapt(marker)
            for name, marker in markers.items()
            if isinstance(marker, datetime) and adapt(marker) != marker
        }
        slots = [_slot(param, markers, as_text) for param in params]
        carried = {slot[0] for slot in slots if slot is not None}
        missing = {name for name, marker in markers.items() if marker is not None} - carried
        if missing:
            raise ValueError(f"arguments {sorted(missing)} are not plain parameters of the query")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        query = queryset.query
        return _Compiled(
            alias=queryset.db,
            sql=sql,
            slots=tuple(slots),
            constants=tuple(params),
            adapt_datetimes=bool(as_text),
            names=_names(query),
            converters=tuple(
                (position, tuple(found), expression)
                for position, (found, expression) in compiler.get_converters(fields).items()
            ),
        )


def _names(query) -> tuple[str, ...]:
    """The row's keys, in the order of the SQL's columns, as ``.values()`` names them."""
    if query.selected:
        return tuple(query.selected)
    return (*query.extra_select, *query.values_select, *query.annotation_select)


def _marker(index: int, value):
    """A stand-in for ``value`` that no real argument or constant of a query equals."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str | datetime):
        raise TypeError(f"a prepared query takes ints, strings and times, not {type(value)}")
    if isinstance(value, int):
        return MARKER_INT + index
    if isinstance(value, str):
        return f"\x1emarker {index}\x1e"
    return datetime(2001, 2, 3, 4, 5, 6, index + 1, tzinfo=UTC)


def _slot(param, markers: dict, as_text: dict) -> tuple[str, type | None] | None:
    """The argument ``param`` carries, and the type the backend wraps it in (PostgreSQL's
    integer columns take psycopg's ``Int4``, a subclass of int), if any."""
    for name, marker in markers.items():
        if marker is not None and isinstance(param, type(marker)) and param == marker:
            return name, None if type(param) is type(marker) else type(param)
    for name, text in as_text.items():
        if param == text:
            return name, None
    return None


def _run(compiled: _Compiled, arguments: dict) -> list[dict]:
    connection = connections[compiled.alias]
    params = [
        compiled.constants[position] if slot is None else _argument(arguments, *slot)
        for position, slot in enumerate(compiled.slots)
    ]
    if compiled.adapt_datetimes:
        adapt = connection.ops.adapt_datetimefield_value
        params = [adapt(value) if isinstance(value, datetime) else value for value in params]
    with _cursor(connection) as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    if compiled.converters:
        rows = [_converted(row, compiled.converters, connection) for row in rows]
    names = compiled.names
    return [dict(zip(names, row, strict=True)) for row in rows]


class _PreparingCursor(psycopg.Cursor):
    """Binds on the server and prepares each statement at its first run: PostgreSQL keeps the
    plan (a generic one: settings set ``plan_cache_mode``), so the query is not planned again.
    These reads took longer to plan than to run: 1.8 ms against 1 ms for a thread list, 1 ms
    against 0.1 ms for a thread's posts."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        super().execute(query, params, prepare=True, binary=binary)
        # Django logs (and the query-count tests read) what it finds in ``_query``, which psycopg
        # leaves unset when it runs a prepared statement: the statement, with its placeholders.
        self._query = SimpleNamespace(query=query.encode())
        return self


def _cursor(connection):
    """A cursor of ``connection`` as ``connection.cursor()`` makes it (counted, logged, wrapped
    as every query is), preparing its statements on PostgreSQL unless settings turn it off."""
    if connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        return connection.cursor()  # SQLite, or prepared statements turned off
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparingCursor(connection.connection))


def _argument(arguments: dict, name: str, wrap: type | None):
    value = arguments[name]
    return value if wrap is None else wrap(value)


def _converted(row: tuple, converters: tuple, connection) -> list:
    row = list(row)
    for position, functions, expression in converters:
        value = row[position]
        for convert in functions:
            value = convert(value, expression, connection)
        row[position] = value
    return row


def columns(model, prefix: str = "") -> tuple[str, ...]:
    """For ``.values()``: the columns of ``model``'s concrete fields, each behind ``prefix``
    (``"category__"`` for a related model)."""
    return tuple(prefix + field.attname for field in model._meta.concrete_fields)


def instance(model, row: dict, prefix: str = "", using: str = "default"):
    """The ``model`` instance the ORM would make of ``row``'s columns named ``columns(model,
    prefix, …)``: fields not read are deferred, as with ``.only()``.

    A model without its own ``__init__`` or ``from_db`` and without init signals is made
    directly, with the field values ``Model.__init__`` would set: that spends 12 µs a row
    checking arguments, and a thread page makes sixty."""
    names, keys = _read_columns(model, prefix, tuple(row))
    values = [row[key] for key in keys]
    if not _made_plainly(model):
        return model.from_db(using, names, values)
    made = model.__new__(model)
    made.__dict__.update(zip(names, values, strict=True))
    made._state = ModelState()
    made._state.adding, made._state.db = False, using
    return made


def _made_plainly(model) -> bool:
    return (
        model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


@functools.cache
def _read_columns(model, prefix: str, keys: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The fields of ``model`` among a row's ``keys``, and their keys (once per query shape)."""
    names = [name for name in columns(model) if prefix + name in keys]
    return names, [prefix + name for name in names]
