"""Keyset (cursor) pagination for pages: page 1,000 costs what page 1 costs.

The cursor is the signed sort key of the last row shown, so it cannot be forged into a query on
another column; an unreadable cursor starts again from the first page.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core import signing
from django.db.models import F, Q, QuerySet

SALT = "core.pagination.keyset"


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def paginate(queryset: QuerySet, *, order: tuple[str, ...], cursor: str | None, size: int) -> Page:
    """``order`` names descending sort keys, the last one unique (e.g. ("-search_rank", "-pk"))."""
    fields = [key.removeprefix("-") for key in order]
    position = _decode(cursor, fields)
    if position is not None:
        queryset = queryset.filter(_after(fields, position))
    rows = list(queryset.order_by(*(F(field).desc() for field in fields))[: size + 1])
    items, more = rows[:size], len(rows) > size
    return Page(items=items, next_cursor=_encode(items[-1], fields) if more else None)


def _after(fields: list[str], position: list) -> Q:
    """Rows strictly after ``position`` in descending (fields...) order."""
    condition = Q()
    for index, field in enumerate(fields):
        equal_before = Q(**dict(zip(fields[:index], position, strict=False)))
        condition |= equal_before & Q(**{f"{field}__lt": position[index]})
    return condition


def _encode(row, fields: list[str]) -> str:
    values = []
    for field in fields:
        value = getattr(row, field)
        values.append({"dt": value.isoformat()} if isinstance(value, datetime) else value)
    return signing.dumps({"order": fields, "values": values}, salt=SALT, compress=True)


def _decode(cursor: str | None, fields: list[str]) -> list | None:
    """The position a cursor marks, or None (first page) if it is forged or for another order."""
    if not cursor:
        return None
    try:
        payload = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("order") != fields:
        return None
    values = payload["values"]
    return [
        datetime.fromisoformat(value["dt"]) if isinstance(value, dict) else value
        for value in values
    ]
