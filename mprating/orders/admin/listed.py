"""The rows of «Заявки» read for their cells only (issue 13): the page's lines as plain values of
one query (no `OrderLine` object per line, no prefetch machinery), and the cells «текущий
статус» and «артикул и состав» written from them. The order's page and the XLSX export read
`order.lines` as before; both give the cells the same objects' attributes, so the markup is
the same either way (`test_admin_list_cells`).

The statements of the page and of its lines are compiled once (`KeptPageChangeList`,
`core.kept_queries.kept_page`, `orders.compiled`): building them with the ORM cost ~2,000
Python calls a request."""

import functools
from collections import Counter
from html import escape

from django.db import router
from django.db.models.query import ModelIterable
from django.http import HttpRequest
from django.utils.safestring import SafeString

from mprating.accounts.admin_people import ListedRowsChangeList, listed_rows
from mprating.core.admin_rows import put_page_urls
from mprating.core.kept import Kept
from mprating.core.kept_queries import KeptModelIterable, kept_page, plain_key
from mprating.orders.admin.common import status_badge, statuses_of
from mprating.orders.compiled import IdsStatement, ids_statement
from mprating.orders.models import OrderLine, OrderStatus

LISTED_LINES = "_listed_lines"
LISTED_STATUSES = "_listed_statuses"
LISTED_STATUS = "_listed_status"
LISTED_COMPOSITION = "_listed_composition"
LISTED_LINE_FIELDS = (
    "order_id",
    "brand_name",
    "article",
    "product_name",
    "quantity",
    "comment",
    "status_id",
)


class ListedLine:
    """What the list's cells read of a line."""

    __slots__ = ("article", "brand_name", "comment", "product_name", "quantity", "status")
    __slots__ += ("status_id",)

    def __init__(self, brand_name, article, product_name, quantity, comment, status_id, status):
        self.brand_name = brand_name
        self.article = article
        self.product_name = product_name
        self.quantity = quantity
        self.comment = comment
        self.status_id = status_id
        self.status = status


class KeptPageChangeList(ListedRowsChangeList):
    """`ListedRowsChangeList` whose page, when its query is plain (`core.kept_queries`: no
    filter, no search — the default list, another ordering, another page), is read with a
    statement compiled once. What the list adds to the plain query (`listed_values`,
    `listed_fields`) is this class's own, so the class and the plain query's key name the
    statement exactly; any other page is compiled as Django compiles it."""

    def get_results(self, request):
        # ListedRowsChangeList.get_results, with the page kept between Django's read of the
        # page and the listed fields put on it.
        super(ListedRowsChangeList, self).get_results(request)
        page = self.result_list
        key = plain_key(page.query, page.db)
        # An iterable of the admin's own (it does more than read the rows) is left as it is.
        if key is None or page._iterable_class not in (ModelIterable, KeptModelIterable):
            self.result_list = listed_rows(
                page,
                self.listed_values,
                self.listed_fields,
                then=lambda rows: self.rows_read(rows, request),
            )
            return

        def then(rows: list) -> None:  # what listed_rows' iterable does with the rows
            put_page_urls(rows)
            self.rows_read(rows, request)

        self.result_list = kept_page(
            page,
            (type(self), *key),
            shape=lambda queryset: listed_rows(queryset, self.listed_values, self.listed_fields),
            then=then,
        )


def _lines_queryset(ids: set[int]):
    return (
        OrderLine.objects.filter(order_id__any_of=ids)
        .order_by("pk")
        .values_list(*LISTED_LINE_FIELDS)
    )


@functools.lru_cache(maxsize=8)
def _lines_statement(alias: str) -> IdsStatement:
    """The page's lines by their orders' ids: one statement per process and database."""
    return ids_statement(lambda ids: _lines_queryset(ids).using(alias), alias)


# The cells «артикул и состав» and «текущий статус» of an order by everything they are written
# from — its lines' values and every status's name, colour and order — so a kept pair is never
# stale (issue 13: writing them cost ~130 Python calls an order, ~3,300 a page; a manager
# reloading the list sees the same orders). Emptied when full (`core.kept`).
_cells = Kept(limit=2000)
# «Текущий статус» by the statuses and the lines' status ids: a page shows a few combinations.
_summaries = Kept(limit=500)


def attach_lines(orders: list, request: HttpRequest) -> None:
    """Put each order's lines (in id order) on it for `lines_of`, and its two cells: one query
    for the page, the statuses taken from the status filter's read (`statuses_of`)."""
    by_order = {order.pk: [] for order in orders}
    if not by_order:
        return
    alias = router.db_for_read(OrderLine)
    for row in _lines_statement(alias).rows(alias, by_order):
        by_order[row[0]].append(row[1:])  # (brand, article, name, quantity, comment, status)
    statuses = statuses_of(request)
    for lines in by_order.values():
        for line in lines:
            if line[-1] not in statuses:  # made after the filter's read: read as Django would
                statuses[line[-1]] = OrderStatus.objects.get(pk=line[-1])
    version = tuple((s.pk, s.name, s.colour, s.sort_order) for s in statuses.values())
    for order in orders:
        lines = tuple(by_order[order.pk])
        values = order.__dict__
        values[LISTED_LINES] = lines
        values[LISTED_STATUSES] = statuses
        key = (version, lines)
        cells = _cells.get(key)
        if cells is None:
            cells = _cells.get_or_make(key, functools.partial(_cells_of, lines, statuses, version))
        values[LISTED_COMPOSITION], values[LISTED_STATUS] = cells


def _cells_of(lines: tuple, statuses: dict, version: tuple) -> tuple[SafeString, SafeString]:
    listed = [ListedLine(*line, statuses[line[-1]]) for line in lines]
    summary = _summaries.get_or_make(
        (version, tuple(line[-1] for line in lines)), lambda: status_summary_html(listed)
    )
    return composition_html(listed), summary


def lines_of(order) -> list:
    """The lines `attach_lines` put on the order, or its lines from the database."""
    values = order.__dict__
    lines = values.get(LISTED_LINES)
    if lines is None:
        return list(order.lines.all())
    statuses = values[LISTED_STATUSES]
    return [ListedLine(*line, statuses[line[-1]]) for line in lines]


def status_cell(order) -> SafeString:
    """«Текущий статус» of the order: as `attach_lines` wrote it, or from its lines."""
    summary = order.__dict__.get(LISTED_STATUS)
    return status_summary_html(lines_of(order)) if summary is None else summary


def composition_cell(order) -> SafeString:
    """«Артикул и состав» of the order: as `attach_lines` wrote it, or from its lines."""
    composition = order.__dict__.get(LISTED_COMPOSITION)
    return composition_html(lines_of(order)) if composition is None else composition


def status_summary_html(lines) -> SafeString:
    """«Текущий статус»: a badge per status of the lines (by the statuses' order), « × N» when
    the lines are in several statuses."""
    counts = Counter(line.status_id for line in lines)
    statuses = {line.status_id: line.status for line in lines}
    ordered = sorted(statuses.values(), key=lambda s: (s.sort_order, s.name))
    several = len(counts) > 1
    badges = "<br>".join(
        status_badge(s, counts[s.pk] if several else None, wrap=True) for s in ordered
    )
    return SafeString(  # nosec B703: the badges escape their values
        f'<div style="min-width:120px;max-width:140px">{badges or "—"}</div>'
    )


def composition_html(lines) -> SafeString:
    """«Артикул и состав»: brand, article, name × quantity and the client's comment a line."""
    items = []
    for line in lines:
        item = (
            f'<li style="margin-bottom:2px"><b>{escape(line.brand_name)}</b> '
            f"{escape(line.article)} — {escape(line.product_name)} × {line.quantity}"
        )
        if line.comment:
            item += f' <em style="opacity:.7">«{escape(line.comment)}»</em>'
        items.append(item + "</li>")
    return SafeString(  # nosec B703: every value escaped above
        '<ul style="margin:0;padding:0;min-width:170px;max-width:200px;list-style:none">'
        + "".join(items)
        + "</ul>"
    )
