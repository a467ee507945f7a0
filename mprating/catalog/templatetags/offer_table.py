"""`{% offer_cells rows as cells %}`: the cells of the offers table, computed once per row.

Issue 13: a search page has up to ~300 rows of ~30 values each, and the template engine was most
of the server time of a search. Each value of a row is computed here once, as a plain string in
a dict: the engine then finds it with its first (dictionary) lookup instead of failing a
subscript and falling back to the attribute, and prints it without localizing a number; the price
is formatted once («1 234,50 ₽», `core.money.format_rub`) instead of by a filter in the cell,
and every text is escaped here once (the engine then prints it as it is, not escaping it again
for each of the places it appears in).
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString

from mprating.catalog.selectors import OfferRow
from mprating.core.money import format_rub

register = template.Library()


def _digits(number: int) -> SafeString:
    # An int's digits have nothing to escape: safe by construction, not marked blindly.
    return SafeString(int(number))  # nosec B703


def offer_cells(rows: list[OfferRow]) -> list[dict]:
    cells = []
    append = cells.append
    for row in rows:
        append(
            {
                "offer_id": _digits(row.offer_id),
                "depth": _digits(row.depth),
                "is_analog": row.depth > 0,
                "depth_label": escape(row.depth_label),
                "brand": escape(row.brand),
                "article": escape(row.article),
                "name": escape(row.name),
                "warehouse_name": escape(row.warehouse_name),
                "warehouse_kind": escape(row.warehouse_kind),
                "warehouse_kind_label": escape(row.warehouse_kind_label),
                "in_stock": row.in_stock,
                "quantity": _digits(row.quantity),
                "min_order_quantity": _digits(row.min_order_quantity),
                "orderable": row.orderable,
                "delivery_label": escape(row.delivery_label),
                "is_returnable": row.is_returnable,
                "return_label": escape(row.return_label),
                "price": escape(format_rub(row.price)),
                "in_cart": row.in_cart,
            }
        )
    return cells


register.simple_tag(offer_cells, name="offer_cells")
