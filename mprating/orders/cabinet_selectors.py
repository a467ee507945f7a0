"""Reads of the cabinet «Заказы» and «Архив» (seed 004).

«Как видите, здесь довольно широкий список фильтров, позволяющих найти необходимый заказ …
В таблице товаров практически все столбцы сортируемые». «Вкладка “Архив” представляет собой
фактически ту же самую вкладку “Заказы” с той лишь разницей, что там находятся только заказы,
которые были переведены туда либо вручную либо автоматически».

Pagination (decided for a client with 10,000 orders / 50,000 lines): a bounded LIMIT/OFFSET
over an ordering that always ends with the line's primary key, reading `PER_PAGE + 1` rows to
learn whether a next page exists. There is no COUNT(*) of the client's lines on any request:
the table shows «Страница N» with «← Назад» / «Вперёд →», never «из M». The default ordering
(newest order first) walks the index (client, -order) of OrderLine. The page number is capped
(`MAX_PAGE`) so that a hand-made URL cannot ask the database to skip millions of rows; the
filters are the way to reach old lines.

Every read here is a fixed number of queries whatever the number of lines.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.catalog.normalize import normalize_article
from mprating.core.api_paging import keyset_page
from mprating.orders.models import NUMBER_PREFIX, OrderLine, OrderStatus, StatusChange

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

    `by_order=True` (the table sorted by date or number, the default): the client is matched
    as the range `pk <= client_id <= pk` on purpose (measured on PostgreSQL, a client with
    50,000 of 1,000,000 lines). With `client_id = pk` the planner drops `client_id` from the
    ordering and, for «newest order first», walks the global `order_id` index backwards
    filtering by client — 300 ms when the client's orders are the old ones. With the range
    (same rows) and the ordering led by `client_id` (`sort_ordering`), the index
    (client, -order) yields the rows in order: ~1 ms for the first page. Other sorts read all
    the client's lines anyway, and the plain equality keeps the planner's estimates right
    (hash join with the client's orders instead of 50,000 index look-ups).
    """
    if by_order:
        qs = OrderLine.objects.filter(client_id__gte=client.pk, client_id__lte=client.pk)
    else:
        qs = OrderLine.objects.filter(client=client)
    qs = qs.filter(order__client_id=client.pk, order__archived_at__isnull=not archived)
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


@dataclass
class LinesPage:
    lines: list[OrderLine]
    number: int
    has_next: bool
    sort: str
    first_of_order: set[int] = field(default_factory=set)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def lines_page(
    *,
    client: Client,
    archived: bool,
    filters: LineFilters,
    sort: str = DEFAULT_SORT,
    page: int = 1,
    per_page: int | None = None,
) -> LinesPage:
    """One page of the table: two queries (LIMIT per_page + 1, no COUNT)."""
    per_page = per_page or PER_PAGE
    page = min(max(page, 1), MAX_PAGE)
    sort = normalize_sort(sort)
    by_order = sort.removeprefix("-") in {"date", "number"}
    lines = client_lines(client=client, archived=archived, filters=filters, by_order=by_order)
    offset = (page - 1) * per_page
    # Two queries: the page's ids (the sort reads only the line's own columns, plus the
    # status for the status sort), then those rows with their order, status and «may go to
    # the archive» flag — the joins and the subquery run for one page, not for every line.
    ids = list(
        lines.order_by(*sort_ordering(sort)).values_list("pk", flat=True)[
            offset : offset + per_page + 1
        ]
    )
    by_id = {line.pk: line for line in _with_row_data(OrderLine.objects.filter(pk__in=ids))}
    rows = [by_id[pk] for pk in ids if pk in by_id]
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    # «Убрать в архив» is offered once per order on the page: on its first row here.
    first_of_order: set[int] = set()
    seen_orders: set[int] = set()
    for line in rows:
        if line.order_id not in seen_orders:
            seen_orders.add(line.order_id)
            first_of_order.add(line.pk)
    return LinesPage(
        lines=rows, number=page, has_next=has_next, sort=sort, first_of_order=first_of_order
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


def statuses_for_filter() -> list[OrderStatus]:
    return list(OrderStatus.objects.only("id", "name", "colour").order_by("sort_order", "name"))


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
