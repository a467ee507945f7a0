"""The one pagination shape of the JSON API: keyset pages behind an opaque cursor.

Every list under `/api/v1/` answers `{"items": […], "next_cursor": "…" | null}` and takes
`?cursor=…&limit=…` (`limit` 1…`MAX_LIMIT`, `DEFAULT_LIMIT` when absent). `next_cursor` is
null on the last page; to read the next page the client sends it back as is. There is no
total count and no page number: a page costs the same on the first page and the thousandth
(the query is `WHERE (sort key) after (last row's sort key) … LIMIT limit + 1`).

The cursor is the last row's sort values, signed (`django.core.signing`, its own salt), so a
cursor cannot be forged to read past a filter, and a damaged or foreign one is the Russian
error `invalid_cursor` (400, `field: "cursor"`), never a 500. A cursor is bound to the
ordering it was made for: a cursor of «newest first» sent with «oldest first» is refused.

NULLs sort last in both directions on every database (`nulls_last=True`), so a nullable
sort column pages the same on SQLite and PostgreSQL.

Usage in a router::

    class LinePage(Schema):   # or cursor_page_schema(LineOut, "LinePage")
        items: list[LineOut]
        next_cursor: str | None

    @router.get("/lines", response={200: LinePage, 400: ErrorOut, 422: ValidationErrorOut})
    def lines(request, cursor: str | None = None, limit: int = Query(DEFAULT_LIMIT, ge=1,
              le=MAX_LIMIT)):
        return keyset_page(qs, ordering=("-order_id", "-id"), cursor=cursor, limit=limit)

`keyset_page` returns `{"items": [model instances], "next_cursor": …}`; ninja serializes the
items with the item schema. The last field of `ordering` must be unique (the primary key).
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db.models import F, Model, Q, QuerySet
from ninja import Schema

from mprating.core.errors import ApplicationError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

# The query parameters' documentation, one wording for every list of the API.
LIMIT_QUERY = {"ge": 1, "le": MAX_LIMIT, "description": f"Строк на странице, 1…{MAX_LIMIT}"}
CURSOR_DESCRIPTION = "next_cursor из предыдущей страницы; без него — первая страница"

_SALT = "mprating.api.cursor"
INVALID_CURSOR_MESSAGE = (
    "Курсор страницы не подходит: начните с первой страницы (без cursor) и передавайте "
    "next_cursor из ответа без изменений."
)


class InvalidCursor(ApplicationError):
    def __init__(self) -> None:
        super().__init__("invalid_cursor", INVALID_CURSOR_MESSAGE, field="cursor")


def cursor_page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """`{items: list[item_schema], next_cursor: str | null}` as a named schema (OpenAPI)."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {"items": list[item_schema], "next_cursor": str | None},
            "__doc__": "Страница списка: items и курсор следующей страницы (null — последняя).",
            "__module__": item_schema.__module__,
        },
    )


def _parse(ordering: tuple[str, ...]) -> list[tuple[str, bool]]:
    return [(name.removeprefix("-"), name.startswith("-")) for name in ordering]


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"a": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        (kind, text), *_ = value.items()
        if kind == "d":
            return Decimal(text)
        if kind == "t":
            return datetime.datetime.fromisoformat(text)
        if kind == "a":
            return datetime.date.fromisoformat(text)
    if isinstance(value, (dict, list)):
        raise ValueError("unexpected cursor value")
    return value


def encode_cursor(ordering: tuple[str, ...], values: list[Any]) -> str:
    return signing.dumps(
        {"o": list(ordering), "v": [_encode(v) for v in values]}, salt=_SALT, compress=True
    )


def decode_cursor(cursor: str, ordering: tuple[str, ...]) -> list[Any]:
    try:
        data = signing.loads(cursor, salt=_SALT)
        if data.get("o") != list(ordering) or len(data.get("v", [])) != len(ordering):
            raise InvalidCursor
        return [_decode(v) for v in data["v"]]
    except (signing.BadSignature, ValueError, TypeError, AttributeError, KeyError):
        raise InvalidCursor from None


def _after(fields: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows strictly after `values` in the ordering, NULLs last in each direction."""
    condition = Q(pk__in=[])
    equal = Q()
    for (name, descending), value in zip(fields, values, strict=True):
        if value is None:
            # Nothing sorts after NULL in this column but other NULLs (compared further on).
            step = Q(pk__in=[])
            same = Q(**{f"{name}__isnull": True})
        else:
            beyond = Q(**{f"{name}__lt" if descending else f"{name}__gt": value})
            step = beyond | Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        condition |= equal & step
        equal &= same
    return condition


def keyset_page(
    queryset: QuerySet, *, ordering: tuple[str, ...], cursor: str | None, limit: int
) -> dict[str, Any]:
    """One page of `queryset` in `ordering` after `cursor`: one query (LIMIT limit + 1)."""
    fields = _parse(ordering)
    if cursor:
        queryset = queryset.filter(_after(fields, decode_cursor(cursor, ordering)))
    order_by = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name, descending in fields
    ]
    rows = list(queryset.order_by(*order_by)[: limit + 1])
    has_next = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_next and rows:
        next_cursor = encode_cursor(ordering, [_value(rows[-1], name) for name, _ in fields])
    return {"items": rows, "next_cursor": next_cursor}


def _value(row: Model | dict, path: str) -> Any:
    if isinstance(row, dict):
        return row[path]
    value: Any = row
    for part in path.split("__"):
        value = getattr(value, part)
        if isinstance(value, Model) and part == path.split("__")[-1]:
            value = value.pk
    return value
