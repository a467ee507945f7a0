"""`{% order_line_rows page %}` and `{% order_line_row line %}`: the rows of the cabinet
«Заказы» / «Архив» table, written by `orders.cabinet_rows` (one source for a row)."""

from django import template
from django.utils.safestring import SafeString

from mprating.core.fast_widgets import field_html
from mprating.core.kept import Kept
from mprating.orders import cabinet_rows

register = template.Library()


def _row_context(context) -> cabinet_rows.RowContext:
    return cabinet_rows.row_context(
        archived=bool(context.get("archived")),
        next_url=context.get("next_url") or "",
        csrf_token=str(context.get("csrf_token") or ""),
    )


@register.simple_tag(takes_context=True)
def order_line_rows(context, page) -> SafeString:
    """Every row of a `cabinet_selectors.LinesPage`."""
    html = cabinet_rows.line_rows(page.lines, _row_context(context), page.first_of_order)
    # cabinet_rows escapes every value it writes.
    return SafeString(html)  # nosec B703


@register.simple_tag(takes_context=True)
def order_line_row(context, line) -> SafeString:
    """One row (the htmx swap after an action), with the context's `first_of_order` and
    `row_error`."""
    html = cabinet_rows.line_row(
        line,
        _row_context(context),
        first_of_order=bool(context.get("first_of_order")),
        row_error=context.get("row_error") or "",
    )
    # cabinet_rows escapes every value it writes.
    return SafeString(html)  # nosec B703


@register.simple_tag
def order_rows_inherited(next_url: str) -> SafeString:
    """The htmx attributes of the table's <tbody> that every row inherits."""
    return cabinet_rows.tbody_attributes(next_url)


# Filter rows written, by exactly what they depend on (see `filter_field_row`); emptied when full.
_field_rows = Kept(limit=4096)


@register.simple_tag
def filter_field_row(field) -> SafeString:
    """`{% field_row %}` of a field of the table's filter form (`LineFilterForm`), kept per
    process by exactly what its HTML depends on: the field, the form's data and the status
    choices (`LineFilterForm.state`; errors follow from them). Issue 13: the nine rows were
    written on every page, the same for every page of a client without filters."""
    key = (field.name, field.form.state())
    html = _field_rows.get_or_make(key, lambda: field_html(field))
    # field_html escapes every value it writes (the widget is Django's safe HTML).
    return SafeString(html)  # nosec B703
