"""Many aggregates in one round trip, in plain SQL that PostgreSQL and SQLite both run.

A report section asks for a dozen figures (grouped counts, medians …). Each is a *part*: a query
whose columns are a key ``k``, a second key ``n`` and up to ``VALUES`` numbers ``v1`` … ``v7``.
``run`` sends every part of a section as one ``UNION ALL`` (keys cast to text, numbers to
NUMERIC, so the shapes agree) and hands back each part's rows: a section costs one query however
many figures it holds and however large the data.

Medians and trimmed means need ranks, which neither database aggregates portably
(PostgreSQL's ``percentile_cont`` is not SQLite's); ``summary`` ranks the values with window
functions (``ROW_NUMBER`` and ``COUNT(*) OVER``, in SQLite since 3.25) and averages the middle
one or two, and the values left once the lowest and highest tenth are dropped.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections, transaction
from django.db.models import FloatField, Func, QuerySet

from core.replica import read_alias

VALUES = 7
TRIM_SHARE_DIVISOR = 10  # a trimmed mean drops the lowest and the highest tenth
KEY = re.compile(r"[a-z0-9_-]+")


class Seconds(Func):
    """``later - earlier`` in seconds (a float), NULL when either is."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return (
            f"EXTRACT(EPOCH FROM ({later} - {earlier}))",
            [*later_params, *earlier_params],
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return (
            f"((julianday({later}) - julianday({earlier})) * 86400.0)",
            [*later_params, *earlier_params],
        )


@dataclass(frozen=True)
class Part:
    key: str
    sql: str  # selects k, n (or not) and some of v1 … v7
    params: tuple
    values: int  # how many of v1 … v7 it selects
    has_n: bool = False


def part(key: str, rows: QuerySet) -> Part:
    """A queryset whose ``values()`` name ``k`` (and maybe ``n``) and ``v1`` … in order."""
    sql, params = rows.query.sql_with_params()
    names = list(rows.query.values_select) + list(rows.query.annotation_select)
    values = sum(1 for name in names if re.fullmatch(r"v[1-7]", name))
    return Part(key, sql, tuple(params), values, has_n="n" in names)


def raw(key: str, sql: str, params=(), *, values: int, has_n: bool = False) -> Part:
    return Part(key, sql, tuple(params), values, has_n)


def summary(key: str, rows: QuerySet) -> Part:
    """Count, mean, median, trimmed mean, lowest, highest and sum of ``v`` for each ``k`` of
    ``rows`` (a queryset whose ``values()`` are ``k`` and ``v``, one row per observation)."""
    sql, params = rows.query.sql_with_params()
    trim = TRIM_SHARE_DIVISOR
    ranked = (
        "SELECT s.k AS k, s.v AS v, "  # noqa: S608 - compiled querysets
        "ROW_NUMBER() OVER (PARTITION BY s.k ORDER BY s.v) AS r, "
        "COUNT(*) OVER (PARTITION BY s.k) AS c "
        f"FROM ({sql}) s WHERE s.v IS NOT NULL"
    )
    summarised = (
        "SELECT w.k AS k, COUNT(*) AS v1, AVG(w.v) AS v2, "  # noqa: S608 - constants
        "AVG(CASE WHEN w.r IN ((w.c + 1) / 2, (w.c + 2) / 2) THEN w.v END) AS v3, "
        f"AVG(CASE WHEN w.r > w.c / {trim} AND w.r <= w.c - w.c / {trim} THEN w.v END) AS v4, "
        "MIN(w.v) AS v5, MAX(w.v) AS v6, SUM(w.v) AS v7 "
        f"FROM ({ranked}) w GROUP BY w.k"
    )
    return Part(key, summarised, tuple(params), VALUES)


@contextmanager
def compiled_plainly():
    """PostgreSQL compiles a query to machine code first (JIT) once its estimated cost passes
    ``jit_above_cost``: a section's UNION ALL passes it, and compiling it took two seconds on
    the benchmark's data for a query that then runs in a tenth of that. Reports run their
    queries in a transaction with JIT off (one statement more; nothing to do on SQLite)."""
    connection = connections[read_alias()]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def run(parts: list[Part]) -> dict[str, list[tuple]]:
    """Every part's rows, as (k, n, v1 … v7) tuples of text and numbers (ints where whole)."""
    found: dict[str, list[tuple]] = {item.key: [] for item in parts}
    if not parts:
        return found
    selects, params = [], []
    for item in parts:
        if not KEY.fullmatch(item.key):
            raise ValueError(f"not a part key: {item.key!r}")
        numbers = [
            f"CAST(q.v{i} AS NUMERIC)" if i <= item.values else "CAST(NULL AS NUMERIC)"
            for i in range(1, VALUES + 1)
        ]
        second = "CAST(q.n AS TEXT)" if item.has_n else "CAST(NULL AS TEXT)"
        selects.append(
            f"SELECT '{item.key}' AS part, CAST(q.k AS TEXT) AS k, {second} AS n, "  # noqa: S608 - checked keys
            f"{', '.join(numbers)} FROM ({item.sql}) q"
        )
        params.extend(item.params)
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        for key, k, n, *numbers in cursor.fetchall():
            found[key].append((k, n, *map(number, numbers)))
    return found


def number(value):
    """A figure as Python reads it best: an int when whole, else a float; None stays None."""
    if value is None:
        return None
    if isinstance(value, Decimal | float) and value == int(value):
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    return value
