"""Keyset (cursor) pagination for pages and the API alike: page 1,000 costs what page 1 costs.

The cursor is the signed sort key of the last row shown, together with the ordering and the search
it belongs to (its ``scope``, e.g. the filters), so it cannot be forged into a query on another
column, and a cursor taken from one search and sent with another starts that one from its first
page instead of failing.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db.models import F, Q, QuerySet
from rest_framework import pagination

SALT = "core.pagination.keyset"


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def paginate(
    queryset: QuerySet,
    *,
    order: tuple[str, ...],
    cursor: str | None,
    size: int,
    scope: dict | None = None,
) -> Page:
    """``order`` names descending sort keys, the last one unique (e.g. ("-search_rank", "-pk"));
    ``scope`` is what else the cursor is only valid for (the filters of a search)."""
    fields = [key.removeprefix("-") for key in order]

    def fetch(position: list | None) -> list:
        rows = queryset if position is None else queryset.filter(after(fields, position))
        return list(rows.order_by(*(F(field).desc() for field in fields))[: size + 1])

    return paginate_read(fetch, order=order, cursor=cursor, size=size, scope=scope)


def paginate_read(
    fetch: Callable[[list | None], list],
    *,
    order: tuple[str, ...],
    cursor: str | None,
    size: int,
    scope: dict | None = None,
) -> Page:
    """``paginate`` for a read that is not a queryset (a ``core.prepared`` one, whose rows are
    dicts): ``fetch(position)`` gives up to ``size + 1`` rows in ``order`` from the start
    (position None) or strictly after ``position`` (the sort key's values; ``after`` filters)."""
    fields = [key.removeprefix("-") for key in order]
    bound_to = scope_key(scope or {})
    rows = fetch(_decode(cursor, fields, bound_to))
    items, more = rows[:size], len(rows) > size
    return Page(items=items, next_cursor=_encode(items[-1], fields, bound_to) if more else None)


def scope_key(scope: dict) -> str:
    """The same for the same filters however they were written (order, empty values)."""
    canonical = {
        name: sorted(map(str, value)) if isinstance(value, list | tuple) else value
        for name, value in scope.items()
        if value not in (None, "", [], ())
    }
    digest = hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def after(fields: list[str], position: list) -> Q:
    """Rows strictly after ``position`` in descending (fields...) order."""
    condition = Q()
    for index, field in enumerate(fields):
        equal_before = Q(**dict(zip(fields[:index], position, strict=False)))
        condition |= equal_before & Q(**{f"{field}__lt": position[index]})
    return condition


def _encode(row, fields: list[str], bound_to: str) -> str:
    values = []
    for field in fields:
        value = row[field] if isinstance(row, dict) else getattr(row, field)
        values.append({"dt": value.isoformat()} if isinstance(value, datetime) else value)
    payload = {"order": fields, "scope": bound_to, "values": values}
    return signing.dumps(payload, salt=SALT, compress=True)


def _decode(cursor: str | None, fields: list[str], bound_to: str) -> list | None:
    """The position a cursor marks, or None (first page) if it is forged or for another search."""
    if not cursor:
        return None
    try:
        payload = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    if payload.get("order") != fields or payload.get("scope") != bound_to:
        return None
    return [
        datetime.fromisoformat(value["dt"]) if isinstance(value, dict) else value
        for value in payload["values"]
    ]


class CursorPagination(pagination.CursorPagination):
    """DRF's keyset pagination, for the API's plain lists."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 100
