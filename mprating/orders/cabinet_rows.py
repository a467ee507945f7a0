"""The rows of the cabinet «Заказы» / «Архив» table (seed 004), written in Python.

Issue 13: through the template engine a row cost ~1.5 ms (an include per row, four URL
reversals, a CSRF tag, ~40 variable look-ups and filters) and the 50 rows were most of the
page's server time. Here the URL patterns are reversed once per page, the CSRF token is read
once, each text is escaped once and a row is one string join (~30 µs).

One source for a row: the table (`lines.html`, `{% order_line_rows %}`) and the htmx swap of
one row after an action (`_row.html`, `{% order_line_row %}`) both call `line_row`. What every
row's htmx requests share is said once on the table's `<tbody>` (htmx attribute inheritance,
`tbody_attributes`): the history button's target and swap, and the `next` value (the page to
come back to) that the history popup and the «отказ просмотрен» checkbox send.
"""

import html
from dataclasses import dataclass
from datetime import date, tzinfo
from urllib.parse import quote

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.html import escapejs
from django.utils.safestring import SafeString

from mprating.core.fixed_urls import url_around
from mprating.core.money import format_rub
from mprating.orders.models import OrderLine


def escape(value) -> str:
    """`django.utils.html.escape` as text, without its wrapper that looks for lazy arguments
    (~10 calls a row, 500 a page; tests/test_cabinet_rows.py holds the rows to Django's)."""
    return html.escape(str(value))


_SENTINEL_ID = 987654321
_SENTINEL_NUMBER = "MP-987654321"


def _pattern(name: str, marker: int | str) -> tuple[str, str]:
    """The URL of `name` around its one argument: reversed once, filled in per row."""
    parts = url_around(name, marker)
    if parts is None:  # not with the project's URLs: every one of these has its argument once
        raise ValueError(f"{name}: no single place for the argument")
    return parts


@dataclass(frozen=True)
class RowContext:
    """What every row of one page shares: computed once per page by `row_context`."""

    archived: bool
    next_url: str  # escaped for an attribute
    csrf_input: str
    placed: tuple[str, str]
    history: tuple[str, str]
    refuse: tuple[str, str]
    seen: tuple[str, str]
    reorder: tuple[str, str]
    order_archive: tuple[str, str]
    # The request's time zone (the client's local dates and times), looked up once per page
    # rather than by `timezone.localtime` in every row.
    zone: tzinfo


def row_context(*, archived: bool, next_url: str, csrf_token: str) -> RowContext:
    return RowContext(
        archived=archived,
        next_url=escape(next_url),
        csrf_input=(
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
        ),
        placed=_pattern("orders:placed", _SENTINEL_NUMBER),
        history=_pattern("orders:line_history", _SENTINEL_ID),
        refuse=_pattern("orders:line_refuse", _SENTINEL_ID),
        seen=_pattern("orders:line_refusal_seen", _SENTINEL_ID),
        reorder=_pattern("orders:line_reorder", _SENTINEL_ID),
        order_archive=_pattern("orders:order_archive", _SENTINEL_ID),
        zone=timezone.get_current_timezone(),
    )


def tbody_attributes(next_url: str) -> SafeString:
    """The htmx attributes the rows inherit from the table's <tbody>."""
    vals = escape('{"next": "' + escapejs(next_url) + '"}')
    html = f'hx-target="#line-dialog-body" hx-swap="innerHTML" hx-vals="{vals}"'
    # The one value is escaped above.
    return SafeString(html)  # nosec B703


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _form(action: str, ctx: RowContext, inner: str, extra: str = "") -> str:
    return (
        f'<form method="post" action="{action}" class="oc-inline"{extra}>{ctx.csrf_input}'
        f'<input type="hidden" name="next" value="{ctx.next_url}">{inner}</form>'
    )


def line_row(line: OrderLine, ctx: RowContext, *, first_of_order: bool, row_error: str = "") -> str:
    """One <tr> of the table: `line` comes from `cabinet_selectors` (order, status, the
    `order_all_final` and `is_refused` annotations) with `extra_actions` attached."""
    pk = line.pk
    order = line.order
    status = line.status
    is_refused = line.is_refused
    brand = escape(line.brand_name)
    article = escape(line.article)
    created = order.created_at.astimezone(ctx.zone) if order.created_at else None
    number = escape(order.number)

    archive_form = ""
    if first_of_order and not ctx.archived and line.order_all_final:
        archive_form = _form(
            f"{ctx.order_archive[0]}{order.pk}{ctx.order_archive[1]}",
            ctx,
            '<button type="submit" class="link oc-archive-btn" data-testid="order-archive">'
            "Убрать в архив</button>",
        )

    if is_refused:
        action = _form(
            f"{ctx.reorder[0]}{pk}{ctx.reorder[1]}",
            ctx,
            '<button type="submit" class="btn btn-small oc-action" data-testid="line-reorder">'
            "Перезаказ</button>",
        )
    elif not ctx.archived and not status.is_final and not line.refusal_state:
        refuse = f"{ctx.refuse[0]}{pk}{ctx.refuse[1]}"
        action = _form(
            refuse,
            ctx,
            '<button type="submit" class="btn btn-secondary btn-small oc-action" '
            'data-testid="line-refuse">Отказаться от заказа</button>',
            f' hx-post="{refuse}" hx-target="#line-{pk}" hx-swap="outerHTML" hx-confirm="'
            f'Отказаться от позиции {brand} {article}? Запрос рассмотрит менеджер."',
        )
    else:
        action = ""
    for extra in getattr(line, "extra_actions", ()):
        hint = f' title="{escape(extra.hint)}"' if extra.hint else ""
        name = f' data-testid="{escape(extra.name)}"' if extra.name else ""
        action += (
            '<div class="oc-inline"><a class="btn btn-secondary btn-small oc-action" '
            f'href="{escape(extra.url)}"{hint}{name}>{escape(extra.label)}</a></div>'
        )

    if line.is_returnable:
        returns = f"возврат {line.return_days}&nbsp;дн."
        if line.return_deduction_percent:
            percent = escape(floatformat(line.return_deduction_percent, "-2"))
            returns += f'<br><span class="muted">удержание {percent}&nbsp;%</span>'
    else:
        returns = "невозвратный"

    if is_refused:
        checked = " checked" if line.refusal_seen else ""
        seen = (
            '<td class="oc-col-seen" data-label="Отказ просмотрен">'
            '<label class="oc-seen" title="Отказ просмотрен"><input type="checkbox" name="seen"'
            f'{checked} data-testid="line-seen" hx-post="{ctx.seen[0]}{pk}{ctx.seen[1]}" '
            f'hx-trigger="change" hx-target="#line-{pk}" hx-swap="outerHTML" '
            f'aria-label="Отказ по {brand} {article} просмотрен"></label></td>'
        )
    else:
        seen = '<td class="oc-col-seen"></td>'

    delivery = line.expected_delivery_date
    comment = escape(line.manager_comment)
    error = (
        f'<p class="error" role="alert" data-testid="line-error">{escape(row_error)}</p>'
        if row_error
        else ""
    )
    return "".join(
        (
            f'<tr id="line-{pk}" data-testid="order-line" data-line="{pk}"',
            ' class="oc-unseen">' if is_refused and not line.refusal_seen else ">",
            f'<td class="oc-col-date" data-label="Дата" title="'
            f'{created.strftime("%d.%m.%Y %H:%M") if created else ""}">{_day(created)}</td>',
            f'<td class="oc-col-number" data-label="Заказ"><a href="'
            f'{ctx.placed[0]}{quote(order.number)}{ctx.placed[1]}">{number}</a>{archive_form}</td>',
            f'<td class="oc-col-brand">{brand}</td>',
            f'<td class="oc-col-article">{article}</td>',
            f'<td class="oc-col-name">{escape(line.product_name) or "—"}</td>',
            f'<td class="oc-col-quantity num" data-label="Кол-во">{line.quantity}</td>',
            f'<td class="oc-col-price num" data-label="Цена">{escape(format_rub(line.price))}</td>',
            '<td class="oc-col-status" data-label="Статус"><div class="oc-status-cell">',
            f'<span class="oc-status" data-colour="{escape(status.colour)}" '
            f'data-testid="line-status">{escape(status.name)}</span>',
            '<button type="button" class="oc-icon-btn oc-history-btn" title="Движение заказа" '
            f'aria-label="История позиции {brand} {article}" '
            f'hx-get="{ctx.history[0]}{pk}{ctx.history[1]}" data-testid="line-history-btn">'
            "</button></div>",
            action,
            "</td>",
            f'<td class="oc-col-return" data-label="Обратный выкуп">{returns}</td>',
            seen,
            '<td class="oc-col-delivery"',
            ' data-label="Ожидаемая поставка">' if delivery else ">",
            f"{_day(delivery)}</td>",
            '<td class="oc-col-comment"',
            ' data-label="Комментарий менеджера"' if comment or row_error else "",
            f' data-testid="line-comment">{comment}{error}</td></tr>\n',
        )
    )


def line_rows(lines: list[OrderLine], ctx: RowContext, first_of_order: set[int]) -> str:
    return "".join(line_row(line, ctx, first_of_order=line.pk in first_of_order) for line in lines)


def _th(header: dict) -> str:
    key = escape(header["key"])
    direction = header["direction"]
    sort = ""
    if direction:
        sort = f' aria-sort="{"ascending" if direction == "asc" else "descending"}"'
    icon = "▲" if direction == "asc" else "▼" if direction == "desc" else "⇅"
    hint = "Отказ просмотрен. " if header["key"] == "seen" else ""
    return (
        f'\n        <th scope="col" class="oc-col-{key}"{sort}>\n'
        f'          <a href="?{escape(header["query"])}" class="oc-sort" data-testid="sort-{key}" '
        f'title="{hint}Сортировать">{escape(header["title"])} '
        f'<span class="oc-sort-icon" aria-hidden="true">{icon}</span></a>\n        </th>\n        '
    )


def thead_html(headers: list[dict]) -> str:
    """The table's <thead> with its sort links (`cabinet_views._headers`): what the reference
    template `orders/cabinet/_thead.html` writes, in Python (issue 13: 12 headers of a dozen
    template nodes each on every page)."""
    cells = "".join(_th(header) for header in headers)
    return f"<thead>\n      <tr>\n        {cells}\n      </tr>\n    </thead>"
