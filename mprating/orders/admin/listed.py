"""The rows of «Заявки» read for their cells only (issue 13): the page's lines as plain values of
one query (no `OrderLine` object per line, no prefetch machinery), and the cells «текущий
статус» and «артикул и состав» written from them. The order's page and the XLSX export read
`order.lines` as before; both give the cells the same objects' attributes, so the markup is
the same either way (`test_admin_list_cells`)."""

from collections import Counter
from html import escape

from django.http import HttpRequest
from django.utils.safestring import SafeString

from mprating.orders.admin.common import status_badge, statuses_of
from mprating.orders.models import OrderLine, OrderStatus

LISTED_LINES = "_listed_lines"
LISTED_STATUS = "_listed_status"
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


def attach_lines(orders: list, request: HttpRequest) -> None:
    """Put each order's lines (in id order) on it for `lines_of`: one query for the page, the
    statuses taken from the status filter's read (`statuses_of`)."""
    by_order = {order.pk: [] for order in orders}
    if by_order:
        statuses = statuses_of(request)
        rows = (
            OrderLine.objects.filter(order_id__in=list(by_order))
            .order_by("pk")
            .values_list(*LISTED_LINE_FIELDS)
        )
        for order_id, brand, article, name, quantity, comment, status_id in rows:
            status = statuses.get(status_id)
            if status is None:  # a status made after the filter's read: read as Django would
                status = statuses[status_id] = OrderStatus.objects.get(pk=status_id)
            by_order[order_id].append(
                ListedLine(brand, article, name, quantity, comment, status_id, status)
            )
    summaries = {}  # a page shows a few combinations of statuses: each written once
    for order in orders:
        lines = order.__dict__[LISTED_LINES] = by_order[order.pk]
        key = tuple(line.status_id for line in lines)
        summary = summaries.get(key)
        if summary is None:
            summary = summaries[key] = status_summary_html(lines)
        order.__dict__[LISTED_STATUS] = summary


def lines_of(order) -> list:
    """The lines `attach_lines` put on the order, or its lines from the database."""
    lines = order.__dict__.get(LISTED_LINES)
    return list(order.lines.all()) if lines is None else lines


def status_cell(order) -> SafeString:
    """«Текущий статус» of the order: as `attach_lines` wrote it, or from its lines."""
    summary = order.__dict__.get(LISTED_STATUS)
    return status_summary_html(lines_of(order)) if summary is None else summary


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
