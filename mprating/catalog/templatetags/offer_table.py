"""`{% offer_cells rows as cells %}`: the cells of the offers table, computed once per row.

Issue 13: a search page has up to ~300 rows of ~30 values each, and the template engine was most
of the server time of a search. Each value of a row is computed here once, as a plain string in
a dict: the engine then finds it with its first (dictionary) lookup instead of failing a
subscript and falling back to the attribute, and prints it without localizing a number; the price
is formatted once («1 234,50 ₽», `core.money.format_rub`) instead of by a filter in the cell,
and every text is escaped here once (the engine then prints it as it is, not escaping it again
for each of the places it appears in).
"""

import html
from itertools import chain
from operator import itemgetter

from django import template
from django.template import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from mprating.catalog.selectors import OfferRow
from mprating.core.fixed_urls import reverse_fixed
from mprating.core.money import format_rub

register = template.Library()


def escape(text) -> SafeString:
    """`django.utils.html.escape` without its lazy-string wrapper (`keep_lazy` inspected the
    arguments of each of the ~3,000 calls of a search page: most of `offer_cells`' time)."""
    return SafeString(html.escape(str(text)))  # nosec B703: escaped on this line


def _digits(number: int) -> SafeString:
    # An int's digits have nothing to escape: safe by construction, not marked blindly.
    return SafeString(int(number))  # nosec B703


def offer_cells(rows: list[OfferRow]) -> list[dict]:
    cells = []
    append = cells.append
    # A search page's ~300 rows share few distinct texts (brands, product names, warehouses,
    # labels): each is escaped once, and each label computed once per distinct input.
    texts: dict = {}

    def text(value) -> SafeString:
        found = texts.get(value)
        if found is None:
            found = texts[value] = escape(value)
        return found

    def label(key: tuple, make) -> SafeString:
        found = texts.get(key)
        if found is None:
            found = texts[key] = escape(make())
        return found

    for row in rows:
        append(
            {
                "offer_id": _digits(row.offer_id),
                "depth": _digits(row.depth),
                "is_analog": row.depth > 0,
                "depth_label": label(("depth", row.depth), lambda row=row: row.depth_label),
                "brand": text(row.brand),
                "article": text(row.article),
                "name": text(row.name),
                "warehouse_name": text(row.warehouse_name),
                "warehouse_kind": text(row.warehouse_kind),
                "warehouse_kind_label": label(
                    ("kind", row.warehouse_kind), lambda row=row: row.warehouse_kind_label
                ),
                "in_stock": row.in_stock,
                "quantity": _digits(row.quantity),
                "min_order_quantity": _digits(row.min_order_quantity),
                "orderable": row.orderable,
                "delivery_label": label(
                    ("delivery", row.delivery_days), lambda row=row: row.delivery_label
                ),
                "is_returnable": row.is_returnable,
                "return_label": label(
                    ("return", row.is_returnable, row.return_days, row.return_deduction_percent),
                    lambda row=row: row.return_label,
                ),
                "price": escape(format_rub(row.price)),
                "in_cart": row.in_cart,
            }
        )
    return cells


register.simple_tag(offer_cells, name="offer_cells")


# The marks that stand for a row's values while its shape is rendered: NUL never occurs in
# rendered HTML (it is not escaped, so it comes out as it went in).
_MARK = "\x00"
# The cells whose truth decides which branches of the row template render: a row's shape.
_SHAPE_KEYS = ("in_stock", "is_analog", "orderable", "is_returnable", "in_cart")
_shape_flags = itemgetter(*_SHAPE_KEYS)
_shapes: dict[tuple, tuple] = {}


def _shape(template, flags: tuple[bool, ...], with_token: bool) -> tuple:
    """`catalog/_offer_row.html` rendered once for a shape, with a mark in place of each value,
    split into the text before each value, a getter of the values by name, and the last text:
    a row is text, value, text, value, …, last text. Remembered per template object (a changed
    template in development is a new object) and shape: at most 2⁶ of them."""
    key = (template, flags, with_token)
    shape = _shapes.get(key)
    if shape is None:
        row = {name: _mark(name) for name in _CELLS}
        row.update(zip(_SHAPE_KEYS, flags, strict=True))
        if row["in_cart"]:
            row["in_cart"] = _mark("in_cart")
        context = Context(
            {
                "row": row,
                "cart_add_url": reverse_fixed("cart:add"),
                "csrf_token": _mark("csrf_token") if with_token else None,
            }
        )
        parts = template.render(context).split(_MARK)
        # more than one value in any row (itemgetter of one name would not give a tuple)
        shape = _shapes[key] = (tuple(parts[0:-1:2]), itemgetter(*parts[1::2]), parts[-1])
    return shape


def _mark(name: str) -> SafeString:
    return SafeString(f"{_MARK}{name}{_MARK}")  # nosec B703: a constant mark and a name from code


# The cells printed as they are (strings, escaped by `offer_cells`).
_CELLS = (
    "offer_id",
    "depth",
    "depth_label",
    "brand",
    "article",
    "name",
    "warehouse_name",
    "warehouse_kind",
    "warehouse_kind_label",
    "quantity",
    "min_order_quantity",
    "delivery_label",
    "return_label",
    "price",
)


@register.simple_tag(takes_context=True)
def offer_rows(context, rows: list[OfferRow]) -> SafeString:
    """`{% offer_rows rows %}`: the rows of the offers table, as `catalog/_offer_row.html`
    renders them (issue 13: up to ~300 rows of ~30 values, the template engine was most of a
    search page's time).

    The template is rendered once per shape of a row (which of its `{% if %}` branches apply:
    in stock, analog, orderable, returnable, in the cart), with marks for the values; each row
    then fills its shape's marks with its cells, already escaped by `offer_cells`, and the
    page's CSRF token. Same HTML as rendering the template per row, without the engine's
    per-value work."""
    template = context.template.engine.get_template("catalog/_offer_row.html")
    token = context.get("csrf_token")
    # As {% csrf_token %} decides; "NOTPROVIDED" is Django's marker for «no token», not a secret.
    with_token = bool(token) and token != "NOTPROVIDED"  # nosec B105
    values = {"csrf_token": conditional_escape(token) if with_token else ""}
    out = []
    extend, append = out.extend, out.append
    for cells in offer_cells(rows):
        texts, getter, last = _shape(template, tuple(map(bool, _shape_flags(cells))), with_token)
        values.update(cells)
        if cells["in_cart"]:
            values["in_cart"] = _digits(cells["in_cart"])
        extend(chain.from_iterable(zip(texts, getter(values), strict=True)))
        append(last)
    return SafeString("".join(out))  # nosec B703: the row template's output, escaped values
