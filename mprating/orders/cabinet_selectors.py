"""Reads of the cabinet «Заказы» and «Архив» (seed 004).

«Как видите, здесь довольно широкий список фильтров, позволяющих найти необходимый заказ …
В таблице товаров практически все столбцы сортируемые». «Вкладка “Архив” представляет собой
фактически ту же самую вкладку “Заказы” с той лишь разницей, что там находятся только заказы,
которые были переведены туда либо вручную либо автоматически».

Pagination (decided for a client with 10,000 orders / 50,000 lines): keyset («seek») pages
over an ordering that always ends with the line's primary key, reading `PER_PAGE + 1` rows to
learn whether a next page exists. «Вперёд →» carries a cursor of the page's last row (`after`),
«← Назад» one of its first row (`before`), so page 50 costs what page 1 costs (issue 13): the
query starts at the cursor in the index of the ordering instead of skipping the rows before it.
There is no COUNT(*) of the client's lines on any request: the table shows «Страница N» (the
number travels in the links, `page`) with «← Назад» / «Вперёд →», never «из M». A plain `?page=N`
without a cursor (an old link) is still a bounded LIMIT/OFFSET, capped at `MAX_PAGE`; a cursor
that does not decode, or was made for another sort, gives the first page.

Indexes the orderings walk: the default (newest order first) the index (client, -order) of
OrderLine in «Заказы» and the client's archived orders (Order: client, -id, partial) in «Архив»;
the price both ways (client, price, id) of OrderLine. The other sorts read all the client's
lines of the tab (a top-N sort), on every page.

Every read here is a fixed number of queries whatever the number of lines.
"""

import base64
import binascii
import functools
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, connections, router
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.catalog.normalize import normalize_article
from mprating.core.api_paging import keyset_page
from mprating.orders.compiled import IdsStatement, ids_statement
from mprating.orders.models import NUMBER_PREFIX, Order, OrderLine, OrderStatus, StatusChange

PER_PAGE = 50
MAX_PAGE = 200

# Sort keys the table offers → SQL ordering. Every ordering ends with the primary key so
# that LIMIT/OFFSET pages are stable. Order ids grow with their creation time, so the order
# id is the index-friendly way to sort by date and by number.
SORTS: dict[str, tuple[str, ...]] = {
    "date": ("order_id", "id"),
    "number": ("order_id", "id"),
    "brand": ("brand_name", "article", "id"),
    "article": ("article", "id"),
    "name": ("product_name", "id"),
    "quantity": ("quantity", "id"),
    "price": ("price", "id"),
    "status": ("status__sort_order", "status__name", "id"),
    "return": ("is_returnable", "return_days", "-return_deduction_percent", "id"),
    "seen": ("refusal_seen", "id"),
    "delivery": ("expected_delivery_date", "id"),
    "comment": ("manager_comment", "id"),
}
DEFAULT_SORT = "-date"


def sort_ordering(sort: str) -> tuple[str, ...]:
    """`"price"` → ascending, `"-price"` → descending; anything unknown → the default.

    Every ordering starts with `client_id` (constant within a client's table; see
    `client_lines` for why it is there)."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in SORTS:
        return sort_ordering(DEFAULT_SORT)
    fields = SORTS[key]
    if descending:
        fields = tuple(name[1:] if name.startswith("-") else f"-{name}" for name in fields)
    return ("client_id", *fields)


def normalize_sort(sort: str | None) -> str:
    sort = (sort or "").strip()
    return sort if sort.removeprefix("-") in SORTS else DEFAULT_SORT


def order_number_query(raw: str) -> str:
    """«MP-000123», «mp-123», «000123» or «123» → «MP-000123»; anything else as typed."""
    text = raw.strip().upper().replace(" ", "")
    digits = text.removeprefix(NUMBER_PREFIX)
    if digits.isdigit():
        return f"{NUMBER_PREFIX}{int(digits):06d}"
    return text


@dataclass(frozen=True)
class LineFilters:
    number: str = ""
    date_from: date | None = None
    date_to: date | None = None
    brand: str = ""
    article: str = ""
    status_id: int | None = None
    source: str = ""
    with_refusals: bool = False
    unseen_refusals: bool = False

    @property
    def active(self) -> bool:
        return self != LineFilters()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def client_lines(
    *, client: Client, archived: bool, filters: LineFilters, by_order: bool = False
) -> QuerySet[OrderLine]:
    """The client's order lines of «Заказы» (archived=False) or «Архив» (archived=True).

    `by_order=True` (the table sorted by date or number, the default), «Заказы»: the client is
    matched as the range `pk <= client_id <= pk` on purpose (measured on PostgreSQL, a client
    with 50,000 of 1,000,000 lines). With `client_id = pk` the planner drops `client_id` from
    the ordering and, for «newest order first», walks the global `order_id` index backwards
    filtering by client — 300 ms when the client's orders are the old ones. With the range
    (same rows) and the ordering led by `client_id` (`sort_ordering`), the index
    (client, -order) yields the rows in order: ~1 ms for the first page.

    `by_order=True`, «Архив»: the walk starts from the client's archived orders (the partial
    index (client, -id) of Order where archived_at is set), then their lines: walking the
    lines' index there skipped every line of the orders in work first (the newest ones:
    ~50 ms at 50,000 lines, now ~0.3 ms). The same range trick on the order's client, with
    the ordering led by it (`_ordering`): with an equality the planner walked the primary
    key of Order backwards instead, betting that the client's archived orders are spread
    evenly (they are the oldest: 30,000 orders read).

    Other sorts: the line's client only. The order's client is not repeated as a condition
    (it is the line's client by construction): the planner multiplied the two selectivities,
    expected 20 times too few rows and sorted all the client's lines instead of walking the
    index (client, price, id) for a price sort (~80 ms → ~1 ms for a deep page).
    """
    if by_order and not archived:
        qs = OrderLine.objects.filter(client_id__gte=client.pk, client_id__lte=client.pk)
    elif by_order:
        qs = OrderLine.objects.filter(
            client=client, order__client_id__gte=client.pk, order__client_id__lte=client.pk
        )
    else:
        qs = OrderLine.objects.filter(client=client)
    qs = qs.filter(order__archived_at__isnull=not archived)
    if filters.number:
        qs = qs.filter(order__number=order_number_query(filters.number))
    # The date range compares the order's creation time with aware day bounds (index-friendly,
    # no per-row date() conversion).
    if filters.date_from:
        qs = qs.filter(order__created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(order__created_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.brand:
        qs = qs.filter(brand_name__iexact=filters.brand.strip())
    if filters.article:
        normalized = normalize_article(filters.article)
        qs = qs.filter(
            Q(product__article_normalized=normalized) | Q(article__iexact=filters.article.strip())
        )
    if filters.status_id:
        qs = qs.filter(status_id=filters.status_id)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.with_refusals or filters.unseen_refusals:
        qs = qs.filter(status__role=OrderStatus.Role.REFUSED)
    if filters.unseen_refusals:
        qs = qs.filter(refusal_seen=False)
    return qs


def _with_row_data(qs: QuerySet[OrderLine]) -> QuerySet[OrderLine]:
    """What a table row shows: the order, the status and whether the whole order may go to
    the archive («Убрать в архив»: every line of the order has a final status)."""
    open_lines = OrderLine.objects.filter(order_id=OuterRef("order_id"), status__is_final=False)
    return qs.select_related("order", "status").annotate(
        order_all_final=~Exists(open_lines),
        is_refused=ExpressionWrapper(
            Q(status__role=OrderStatus.Role.REFUSED), output_field=BooleanField()
        ),
    )


class PageOrder:
    """The order of a row: what the row shows of it."""

    __slots__ = ("archived_at", "created_at", "number", "pk")

    @property
    def id(self) -> int:
        return self.pk


class PageStatus:
    """The status of a row: what the row and the cabinet's line-actions hook read of it."""

    __slots__ = ("colour", "is_final", "name", "pk", "role")

    @property
    def id(self) -> int:
        return self.pk


# A row of the page: the line's own columns that the row (`cabinet_rows.line_row`) and the
# providers of `hooks.line_actions_attach` read (returns: the status's role, the return
# policy, `status_changed_at`, the quantity), its order's and its status's, and two flags.
_LINE_COLUMNS = (
    "id",
    "order_id",
    "status_id",
    "brand_name",
    "article",
    "product_name",
    "quantity",
    "price",
    "status_changed_at",
    "refusal_state",
    "refusal_seen",
    "is_returnable",
    "return_days",
    "return_deduction_percent",
    "expected_delivery_date",
    "manager_comment",
)
_ORDER_COLUMNS = ("order__number", "order__created_at", "order__archived_at")
_STATUS_COLUMNS = ("status__name", "status__colour", "status__is_final", "status__role")
_FLAG_COLUMNS = ("order_all_final", "is_refused")
ROW_COLUMNS = (*_LINE_COLUMNS, *_ORDER_COLUMNS, *_STATUS_COLUMNS, *_FLAG_COLUMNS)
_ORDER_AT = len(_LINE_COLUMNS)
_STATUS_AT = _ORDER_AT + len(_ORDER_COLUMNS)
_FLAGS_AT = _STATUS_AT + len(_STATUS_COLUMNS)


class PageLine:
    """A row of the «Заказы» / «Архив» table as plain values (issue 13: a page built ~150
    model instances — the line, its order, its status — where the row reads 25 values).

    The attributes are the model's names for the same values (`pk`, the fields of
    `_LINE_COLUMNS`, `order.number`, `status.role`, …), so `cabinet_rows.line_row` and the
    line-actions providers read an `OrderLine` of `line_row` / `line_with_history` and a
    `PageLine` alike. Rows of one order share one `PageOrder`, of one status one `PageStatus`.
    """

    __slots__ = (
        "pk",
        *_LINE_COLUMNS[1:],
        "order",
        "status",
        *_FLAG_COLUMNS,
        "extra_actions",
    )

    @property
    def id(self) -> int:
        return self.pk


def _line_from_row(row, orders: dict, statuses: dict) -> PageLine:
    line = PageLine()
    (
        line.pk,
        line.order_id,
        line.status_id,
        line.brand_name,
        line.article,
        line.product_name,
        line.quantity,
        line.price,
        line.status_changed_at,
        line.refusal_state,
        line.refusal_seen,
        line.is_returnable,
        line.return_days,
        line.return_deduction_percent,
        line.expected_delivery_date,
        line.manager_comment,
    ) = row[:_ORDER_AT]
    order = orders.get(line.order_id)
    if order is None:
        order = orders[line.order_id] = PageOrder()
        order.pk = line.order_id
        order.number, order.created_at, order.archived_at = row[_ORDER_AT:_STATUS_AT]
    line.order = order
    status = statuses.get(line.status_id)
    if status is None:
        status = statuses[line.status_id] = PageStatus()
        status.pk = line.status_id
        status.name, status.colour, status.is_final, status.role = row[_STATUS_AT:_FLAGS_AT]
    line.status = status
    line.order_all_final, line.is_refused = row[_FLAGS_AT:]
    return line


@functools.lru_cache(maxsize=8)
def _rows_query(alias: str) -> IdsStatement:
    """Issue 13: building this statement with the ORM cost ~1.3 ms of CPU a page (every page
    the same text but for the ids). Compiled once per process and database, from the very
    queryset `_with_row_data` makes, so that its columns, joins and converters stay Django's
    own; the ids are one parameter (`orders.compiled`)."""

    def make(ids: set[int]) -> QuerySet:
        queryset = _with_row_data(OrderLine.objects.using(alias).filter(pk__any_of=ids))
        return queryset.values_list(*ROW_COLUMNS)

    query = make(set()).query
    # The statement's columns in the order of ROW_COLUMNS (Django puts annotations last).
    if (
        *query.values_select,
        *query.annotation_select,
    ) != ROW_COLUMNS:  # pragma: no cover - Django wrote the query otherwise: tests fail here
        raise RuntimeError("the rows query is not shaped as cabinet_selectors expects")
    return ids_statement(make, alias)


def _page_rows(ids: list[int]) -> list[PageLine]:
    """The rows of `ids` (in no particular order; none for no ids) as `PageLine`s, in one
    query over the statement `_rows_query` keeps, with Django's converters of its columns."""
    if not ids:
        return []
    alias = router.db_for_read(OrderLine)
    orders: dict[int, PageOrder] = {}
    statuses: dict[int, PageStatus] = {}
    return [_line_from_row(row, orders, statuses) for row in _rows_query(alias).rows(alias, ids)]


@dataclass
class LinesPage:
    lines: list[PageLine]
    number: int
    has_next: bool
    sort: str
    first_of_order: set[int] = field(default_factory=set)
    has_previous: bool = False
    # Cursors of the page's last and first rows: the `after` / `before` of its «Вперёд →» /
    # «← Назад» links.
    next_cursor: str = ""
    previous_cursor: str = ""

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


class BadCursor(ValueError):
    """A cursor that does not decode, or was made for another sort."""


_CLIENT_COLUMNS = {"client_id", "order__client_id"}


def _ordering(sort: str, *, archived: bool) -> tuple[str, ...]:
    """`sort_ordering`, led by the order's client in «Архив» by date or number (see
    `client_lines`)."""
    ordering = sort_ordering(sort)
    if archived and sort.removeprefix("-") in {"date", "number"}:
        return ("order__client_id", *ordering[1:])
    return ordering


def _columns(ordering: tuple[str, ...]) -> list[str]:
    """The ordering's columns without the client (constant in a client's table)."""
    return [
        name.removeprefix("-") for name in ordering if name.removeprefix("-") not in _CLIENT_COLUMNS
    ]


def _order_id_bound(lines: QuerySet[OrderLine], value: int, *, descending: bool) -> QuerySet:
    """`order.id <= value` (`>=` ascending) on the joined order itself.

    Django writes a condition on `order__pk` as one on the line's own `order_id`, which the
    planner does not carry over to the order: «Архив» page 50 then walked the client's
    archive from its newest order (~500 orders). On the order's id, the walk starts at the
    cursor. The value is a query parameter; only the joined table's alias is written in."""
    alias = next(
        alias
        for alias, join in lines.query.alias_map.items()
        if join.table_name == Order._meta.db_table
    )
    quote = connection.ops.quote_name
    condition = f"{quote(alias)}.{quote('id')} {'<=' if descending else '>='} %s"
    # Only the alias and constant SQL are written in; the value is a query parameter.
    return lines.filter(RawSQL(condition, [value], output_field=BooleanField()))  # nosec B611


def _model_field(path: str):
    model = OrderLine
    *relations, last = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model
    return model._meta.get_field(last)


def encode_cursor(sort: str, values: list) -> str:
    """A row's place in the ordering of `sort`: `[sort, *values]` as URL-safe base64 JSON.

    Not signed: it only says where to start among the client's own lines of the tab (the
    filters and the client come from the request, never from the cursor), so a hand-made one
    can show nothing a client may not see. The sort is inside so that a cursor of another
    sort is refused (→ the first page) rather than read against the wrong columns."""
    text = json.dumps([sort, *values], cls=DjangoJSONEncoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, columns: list[str]) -> list:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(text)
        if not isinstance(data, list) or data[:1] != [sort] or len(data) != len(columns) + 1:
            raise BadCursor(cursor)
        values = []
        for column, value in zip(columns, data[1:], strict=True):
            if value is None or isinstance(value, (list, dict)):
                raise BadCursor(cursor)
            values.append(_model_field(column).to_python(value))
        return values
    except (
        binascii.Error,
        UnicodeDecodeError,
        ValueError,
        TypeError,
        ValidationError,
        FieldDoesNotExist,
    ) as error:
        raise BadCursor(cursor) from error


def _seek(ordering: tuple[str, ...], values: list, *, backwards: bool) -> Q:
    """The rows strictly after `values` in `ordering` (before them when `backwards`):
    (a > x) OR (a = x AND b > y) OR …, with the first column's non-strict bound ANDed on so
    that the index of the ordering starts at the cursor (a range condition) instead of
    filtering its rows from the top. Every sort column is NOT NULL: no NULL cases."""
    fields = [(name.removeprefix("-"), name.startswith("-") != backwards) for name in ordering]
    fields = [(name, descending) for name, descending in fields if name not in _CLIENT_COLUMNS]
    condition = Q(pk__in=[])
    equal = Q()
    for (name, descending), value in zip(fields, values, strict=True):
        condition |= equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        equal &= Q(**{name: value})
    (first, descending), first_value = fields[0], values[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": first_value}) & condition


def _reversed(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in ordering)


# A client id no client has: where the client goes among `_keys_query`'s parameters.
_SENTINEL_CLIENT = -1_000_000_007


@functools.lru_cache(maxsize=512)
def _keys_query(alias: str, archived: bool, sort: str, offset: int, limit: int) -> tuple:
    """The first query of `lines_page` without filters and without a cursor (the page a
    client opens: «Заказы», «Архив», a column's sort), compiled once per process for every
    tab, sort and offset (issue 13: the ORM built it on every page, ~1 ms of CPU): its SQL,
    parameters, the positions of the client's id among them, and the converting compiler."""
    client = Client(pk=_SENTINEL_CLIENT)
    client._state.adding = False
    by_order = sort.removeprefix("-") in {"date", "number"}
    lines = client_lines(client=client, archived=archived, filters=LineFilters(), by_order=by_order)
    ordering = _ordering(sort, archived=archived)
    queryset = lines.using(alias).order_by(*ordering).values_list(*_columns(ordering))
    compiler = queryset[offset : offset + limit].query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    params = tuple(params)
    positions = tuple(index for index, param in enumerate(params) if param == _SENTINEL_CLIENT)
    if not positions or any(  # pragma: no cover - Django wrote the client otherwise
        str(_SENTINEL_CLIENT) in str(param) for param in params if param != _SENTINEL_CLIENT
    ):
        raise RuntimeError("the client of the keys query is not a parameter of its own")
    return sql, params, positions, compiler


def _unfiltered_keys(client_id: int, archived: bool, sort: str, offset: int, limit: int) -> list:
    """`list(lines.order_by(…).values_list(…)[offset:offset + limit])` of `lines_page` for a
    tab without filters and without a cursor, over the statement `_keys_query` keeps."""
    alias = router.db_for_read(OrderLine)
    sql, params, positions, compiler = _keys_query(alias, archived, sort, offset, limit)
    values = list(params)
    for position in positions:
        values[position] = client_id
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, values)
        results = [cursor.fetchall()]
    return [tuple(row) for row in compiler.results_iter(results)]


def lines_page(
    *,
    client: Client,
    archived: bool,
    filters: LineFilters,
    sort: str = DEFAULT_SORT,
    page: int = 1,
    per_page: int | None = None,
    after: str = "",
    before: str = "",
) -> LinesPage:
    """One page of the table: two queries (LIMIT per_page + 1, no COUNT).

    `after` / `before`: the cursor of the row the page starts after (follows «Вперёд →») or
    ends before («← Назад»); `page` is then only the number shown. Without a cursor, `page` is
    an offset page (old links; page 1 is the first page). A bad cursor gives the first page."""
    per_page = per_page or PER_PAGE
    sort = normalize_sort(sort)
    by_order = sort.removeprefix("-") in {"date", "number"}
    lines = client_lines(client=client, archived=archived, filters=filters, by_order=by_order)
    ordering = _ordering(sort, archived=archived)
    columns = _columns(ordering)
    cursor = after or before
    offset = 0
    if cursor:
        try:
            values = decode_cursor(cursor, sort, columns)
        except BadCursor:
            return lines_page(
                client=client, archived=archived, filters=filters, sort=sort, per_page=per_page
            )
        backwards = bool(before) and not after
        lines = lines.filter(_seek(ordering, values, backwards=backwards))
        if ordering[0] == "order__client_id":
            # The archive's walk over the client's orders starts at the cursor's order.
            lines = _order_id_bound(lines, values[0], descending=sort.startswith("-") != backwards)
        if backwards:
            ordering = _reversed(ordering)
        number = max(page, 2)
    else:
        number = min(max(page, 1), MAX_PAGE)
        offset = (number - 1) * per_page
    # Two queries: the page's sort keys and ids (the sort reads only the line's own columns,
    # plus the status for the status sort), then those rows with their order, status and
    # «may go to the archive» flag — the joins and the subquery run for one page, not for
    # every line.
    if cursor or filters.active:
        keys = lines.order_by(*ordering).values_list(*columns)[offset : offset + per_page + 1]
        keys = list(keys)
    else:
        keys = _unfiltered_keys(client.pk, archived, sort, offset, per_page + 1)
    more = len(keys) > per_page
    keys = keys[:per_page]
    if before and not after:
        if not more:
            # Nothing before this page any more (lines came or went): the first page.
            return lines_page(
                client=client, archived=archived, filters=filters, sort=sort, per_page=per_page
            )
        keys.reverse()
        has_next, has_previous = True, True
    else:
        has_next, has_previous = more, number > 1
    ids = [key[-1] for key in keys]
    by_id = {line.pk: line for line in _page_rows(ids)}
    rows = [by_id[pk] for pk in ids if pk in by_id]
    # «Убрать в архив» is offered once per order on the page: on its first row here.
    first_of_order: set[int] = set()
    seen_orders: set[int] = set()
    for line in rows:
        if line.order_id not in seen_orders:
            seen_orders.add(line.order_id)
            first_of_order.add(line.pk)
    return LinesPage(
        lines=rows,
        number=number,
        has_next=has_next,
        has_previous=has_previous,
        sort=sort,
        first_of_order=first_of_order,
        next_cursor=encode_cursor(sort, list(keys[-1])) if has_next and keys else "",
        previous_cursor=encode_cursor(sort, list(keys[0])) if has_previous and keys else "",
    )


def line_row(*, client: Client, line_id: int) -> OrderLine:
    """One row of the table (after an htmx action); another client's line → 404."""
    line = _with_row_data(OrderLine.objects.filter(client=client, pk=line_id)).first()
    if line is None:
        raise Http404("Позиция не найдена")
    return line


def line_with_history(*, client: Client, line_id: int) -> OrderLine:
    """The movement history popup: the line and its history in two queries."""
    history = StatusChange.objects.select_related("status", "changed_by").order_by(
        "changed_at", "id"
    )
    line = (
        _with_row_data(OrderLine.objects.filter(client=client, pk=line_id))
        .prefetch_related(Prefetch("history", queryset=history, to_attr="history_rows"))
        .first()
    )
    if line is None:
        raise Http404("Позиция не найдена")
    return line


_STATUS_FIELDS = ("id", "name", "colour", "is_final", "role")


@functools.lru_cache(maxsize=8)
def _statuses_query(alias: str) -> tuple[str, tuple, object]:
    """The statement of every status in the table's order, compiled once per process and
    database (issue 13: the ORM built it on every page of «Заказы» and «Архив»)."""
    queryset = (
        OrderStatus.objects.using(alias).order_by("sort_order", "name").values_list(*_STATUS_FIELDS)
    )
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    return sql, tuple(params), compiler


def statuses_for_filter() -> list[PageStatus]:
    """Every status in the table's order (the filter's choices, the API's list): one query."""
    alias = router.db_for_read(OrderStatus)
    sql, params, compiler = _statuses_query(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        results = [cursor.fetchall()]
    statuses = []
    for row in compiler.results_iter(results):
        status = PageStatus()
        status.pk, status.name, status.colour, status.is_final, status.role = row
        statuses.append(status)
    return statuses


def lines_cursor_page(
    *,
    client: Client,
    archived: bool,
    filters: LineFilters,
    sort: str = DEFAULT_SORT,
    cursor: str | None,
    limit: int,
) -> dict:
    """The same table for the API: keyset pages behind a signed cursor (`core.api_paging`)
    over the table's own orderings (`SORTS`, each ending with the primary key).

    Two queries whatever the page size, as `lines_page`: the page's sort keys and ids (only the
    line's own columns, plus the status for the status sort), then those rows with their
    order, status and «may go to the archive» flag. Returns `{"items", "next_cursor"}`."""
    sort = normalize_sort(sort)
    by_order = sort.removeprefix("-") in {"date", "number"}
    ordering = sort_ordering(sort)
    lines = client_lines(client=client, archived=archived, filters=filters, by_order=by_order)
    columns = list(dict.fromkeys(name.removeprefix("-") for name in ordering))
    page = keyset_page(lines.values(*columns), ordering=ordering, cursor=cursor, limit=limit)
    ids = [row["id"] for row in page["items"]]
    by_id = {line.pk: line for line in _with_row_data(OrderLine.objects.filter(pk__in=ids))}
    return {"items": [by_id[pk] for pk in ids if pk in by_id], "next_cursor": page["next_cursor"]}
