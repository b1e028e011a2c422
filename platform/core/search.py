"""Full-text search in English, French and Chinese.

A searchable model stores `segment(...)` of its text in a `search_text` column. On PostgreSQL a
migration adds `AddSearchVector(table)`: a generated tsvector column with a GIN index, invisible to
the ORM. Other databases fall back to matching whole tokens in `search_text`.

A model may also store exact tokens (``s12 l5 vp``: what a row is filed under) in a `tokens`
column, matched with `with_tokens`; `AddTokenVector(table)` gives them their own GIN index, so
that filters on many-to-many facts are one index lookup rather than a join per filter.
"""

import re
import unicodedata
from contextlib import contextmanager
from functools import reduce
from operator import or_
from time import monotonic

import rjieba
from django.db import connections, models, router, transaction
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, Expression, FloatField, Func, Q, TextField, Value
from django.db.models.functions import Cast, Concat
from django.db.models.lookups import Contains

from core.chinese import simplified

SEARCH_VECTOR_COLUMN = "search_vector"
COMMON_WORDS_SECONDS = 600  # how long a process keeps the statistics of common words
_COMMON_WORDS: dict[tuple[str, str], tuple[float, dict[str, float]]] = {}
TOKEN_VECTOR_COLUMN = "token_vector"  # noqa: S105 - a column name
_EXACT_TOKEN = re.compile(r"[a-z0-9]+")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
# A run of Chinese characters, or a run of other letters and digits (underscore splits words).
_TOKEN = re.compile(rf"(?P<han>[{_HAN}]+)|[^\W_{_HAN}]+")
_WORD = re.compile(rf"[^\W_{_HAN}]+")


# --- Tokenising --------------------------------------------------------------------------------


def segment(text: str) -> str:
    """Casefolded, space-separated search tokens; Chinese cut into words (and sub-words) by jieba
    (rjieba: jieba's algorithm and dictionary in Rust, a third of the memory of the Python one).

    Chinese is first written in Simplified characters (电池 for 電池), so text and queries meet
    whichever script each was typed in. Accented words are also emitted without their accents,
    so "Montréal" is found by "montreal".
    """
    tokens = []
    for match in _TOKEN.finditer(unicodedata.normalize("NFC", text.casefold())):
        word = match.group()
        if match["han"]:
            tokens.extend(rjieba.cut_for_search(simplified(word)))
        else:
            tokens.append(word)
            tokens.extend(_WORD.findall(_strip_accents(word)))
    return " ".join(dict.fromkeys(tokens))


def holds_traditional_chinese(search_text: str) -> bool:
    """Whether text indexed before Chinese was written in Simplified needs indexing again."""
    return simplified(search_text) != search_text


# Ligatures that Unicode does not decompose but French writers often type out: cœur, coeur.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.translate(_LIGATURES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare)


# --- Schema ------------------------------------------------------------------------------------


class AddSearchVector(Operation):
    """On PostgreSQL, add a generated `search_vector` tsvector column and its GIN index to a table.

    Other databases need nothing. The model state is unchanged: the ORM never sees the column.
    Note that PostgreSQL refuses to alter the source column's type while the vector depends on it.
    """

    reversible = True
    vector_column = SEARCH_VECTOR_COLUMN
    index_suffix = "search_gin"

    def __init__(self, table: str, source_column: str = "search_text"):
        self.table = table
        self.source_column = source_column

    @property
    def index_name(self) -> str:
        return f"{self.table}_{self.index_suffix}"

    def vector_expression(self, source: str) -> str:
        return f"to_tsvector('simple'::regconfig, coalesce({source}, ''))"

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self._applies_to(app_label, schema_editor):
            return
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {quote(self.table)} ADD COLUMN {quote(self.vector_column)} tsvector "
            f"GENERATED ALWAYS AS ({self.vector_expression(quote(self.source_column))}) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX {quote(self.index_name)} ON {quote(self.table)} "
            f"USING gin ({quote(self.vector_column)})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not self._applies_to(app_label, schema_editor):
            return
        quote = schema_editor.quote_name
        # The index goes with its column.
        schema_editor.execute(
            f"ALTER TABLE {quote(self.table)} DROP COLUMN IF EXISTS {quote(self.vector_column)}"
        )

    def _applies_to(self, app_label, schema_editor) -> bool:
        connection = schema_editor.connection
        return connection.vendor == "postgresql" and router.allow_migrate(
            connection.alias, app_label
        )

    def describe(self):
        return f"Add a full-text search vector and GIN index to {self.table} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"{self.table}_{self.vector_column}"


class AddTokenVector(AddSearchVector):
    """On PostgreSQL, a generated tsvector of a column of exact space-separated tokens (no
    parsing, no folding), with its GIN index, for `with_tokens`."""

    vector_column = TOKEN_VECTOR_COLUMN
    index_suffix = "tokens_gin"

    def __init__(self, table: str, source_column: str = "tokens"):
        super().__init__(table, source_column)

    def vector_expression(self, source: str) -> str:
        return f"array_to_tsvector(string_to_array(coalesce({source}, ''), ' '))"

    def describe(self):
        return f"Add a token vector and GIN index to {self.table} (PostgreSQL only)"


# --- Querying ----------------------------------------------------------------------------------


def search(queryset, query: str, *, text_field: str = "search_text"):
    """Rows whose search text holds every word of `query`, accents optional.

    A query without words (empty, or only punctuation) returns the queryset unchanged.
    PostgreSQL reads the generated `search_vector`; other databases read `text_field`.
    """
    tokens = _query_tokens(query)
    if not tokens:
        return queryset
    if _is_postgresql(queryset):
        return queryset.filter(_Matches(_SearchVector(), _PlainTsQuery(Value(" ".join(tokens)))))
    # Pad with spaces so " token " only matches whole tokens, as a tsquery lexeme would.
    padded = Concat(Value(" "), text_field, Value(" "), output_field=TextField())
    return queryset.filter(*(Contains(padded, f" {token} ") for token in tokens))


def with_tokens(queryset, groups, *, field: str = "tokens"):
    """Rows whose tokens hold at least one token of every group (an AND of ORs), e.g.
    ``[["s12", "s13"], ["l5"]]``. Tokens are lowercase letters and digits; empty groups are
    ignored. PostgreSQL reads the GIN-indexed `token_vector`, other databases `field`."""
    groups = [list(group) for group in groups if group]
    for token in (token for group in groups for token in group):
        if not _EXACT_TOKEN.fullmatch(token):
            raise ValueError(f"not a token: {token!r}")
    if not groups:
        return queryset
    if _is_postgresql(queryset):
        tsquery = " & ".join("(" + " | ".join(f"'{t}'" for t in group) + ")" for group in groups)
        vector = _SearchVector(column=TOKEN_VECTOR_COLUMN)
        return queryset.filter(_Matches(vector, _TsQuery(Value(tsquery))))
    padded = Concat(Value(" "), field, Value(" "), output_field=TextField())
    condition = Q()
    for group in groups:
        condition &= reduce(or_, (Q(Contains(padded, f" {token} ")) for token in group))
    return queryset.filter(condition)


def without_tokens(queryset, tokens, *, field: str = "tokens"):
    """Rows whose tokens hold none of ``tokens``, tested row by row with a regular expression on
    ``field`` rather than through the token index: for excluding a few values (categories a
    viewer may not read) from a search that already narrows the rows, where gathering every row
    of the many allowed values from the index would cost more than the search."""
    tokens = sorted(tokens)
    for token in tokens:
        if not _EXACT_TOKEN.fullmatch(token):
            raise ValueError(f"not a token: {token!r}")
    if not tokens:
        return queryset
    return queryset.exclude(**{f"{field}__regex": rf"(^| )({'|'.join(tokens)})( |$)"})


def common_words(model, *, using: str = "default") -> dict[str, float]:
    """The most common words of ``model``'s search vector, each with the share of rows holding
    it, from PostgreSQL's statistics (ANALYZE keeps about 1,000); empty elsewhere. Read at most
    every COMMON_WORDS_SECONDS per process."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return {}
    key = (using, model._meta.db_table)
    cached = _COMMON_WORDS.get(key)
    if cached is not None and cached[0] > monotonic():
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            [model._meta.db_table, SEARCH_VECTOR_COLUMN],
        )
        row = cursor.fetchone()
    shares = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _COMMON_WORDS[key] = (monotonic() + COMMON_WORDS_SECONDS, shares)
    return shares


@contextmanager
def read_in_index_order(using: str = "default"):
    """For a query asking the first few rows of a large match in an order a b-tree index keeps
    (most recently active first): on PostgreSQL, walk that index and test each row, rather than
    gather every match through the GIN indexes and sort them. The planner cannot tell how many
    rows a full-text match holds, so it is told; elsewhere nothing changes."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        yield
        # Within an outer transaction SET LOCAL would outlive this block (a failure rolls the
        # setting back with the savepoint).
        cursor.execute("SET LOCAL enable_bitmapscan TO DEFAULT")


def rank(queryset, query: str):
    """Annotate `search_rank` (ts_rank on PostgreSQL, 0.0 elsewhere) to order `search()` results.

    Stored text keeps each word once, so there are no word counts to rank by: the rank is divided
    by the log of the text's length, and a match in a short text (a title) comes first.
    Ranking costs time per matching row: bound the candidate set when the terms are common.
    """
    tokens = _query_tokens(query)
    if not tokens or not _is_postgresql(queryset):
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    tsquery = _PlainTsQuery(Value(" ".join(tokens)))
    ts_rank = Func(_SearchVector(), tsquery, Value(1), function="ts_rank")
    # ts_rank is a float4; as double precision the value a cursor carries compares exactly.
    return queryset.annotate(search_rank=Cast(ts_rank, FloatField()))


def _query_tokens(query: str) -> list[str]:
    # Stored text holds every word both as written and without accents; searching for the
    # unaccented form alone finds "Montréal" and "Montreal" whichever way the query is typed.
    return segment(_strip_accents(query.casefold())).split()


def _is_postgresql(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


class _SearchVector(Expression):
    """A generated column of the queryset's own table (by its alias, so subqueries work too)."""

    def __init__(self, alias: str | None = None, *, column: str = SEARCH_VECTOR_COLUMN):
        super().__init__(output_field=models.Field())
        self.alias = alias
        self.column = column

    def resolve_expression(self, query=None, *args, **kwargs):
        return _SearchVector(query.get_initial_alias(), column=self.column)

    def relabeled_clone(self, change_map):
        return _SearchVector(change_map.get(self.alias, self.alias), column=self.column)

    def as_sql(self, compiler, connection):
        column = connection.ops.quote_name(self.column)
        return f"{compiler.quote_name_unless_alias(self.alias)}.{column}", []


class _PlainTsQuery(Func):
    # plainto_tsquery ignores tsquery syntax (& | ! : * ' ...) and ANDs the words it finds.
    template = "plainto_tsquery('simple'::regconfig, %(expressions)s)"


class _TsQuery(Func):
    # Tokens are checked to be [a-z0-9]+, so the query is written as is, without parsing.
    template = "(%(expressions)s)::tsquery"


class _Matches(Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()
