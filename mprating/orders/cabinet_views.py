"""Cabinet «Заказы» and «Архив» (seed 004): thin views over cabinet_selectors and services.

Every object is looked up through `request.client`: another client's order or line is a 404
(the services raise `core.errors.NotFound`; the views never catch it as a message).
"""

import functools
import time
from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from mprating.accounts.decorators import client_required
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.kept import Kept
from mprating.orders import cabinet_rows, hooks, services
from mprating.orders import cabinet_selectors as selectors
from mprating.orders.cabinet_forms import LineFilterForm
from mprating.orders.models import OrderStatus

# The 12 columns of seed 004 in their order: (sort key, title). The 10th is the flag «отказ
# просмотрен»; its header is short (the full name is its tooltip) so that the table fits.
COLUMNS: list[tuple[str, str]] = [
    ("date", "Дата"),
    ("number", "Номер заказа"),
    ("brand", "Бренд"),
    ("article", "Артикул"),
    ("name", "Наименование"),
    ("quantity", "Кол-во"),
    ("price", "Цена"),
    ("status", "Статус"),
    ("return", "Возможность обратного выкупа"),
    ("seen", "Просм."),
    ("delivery", "Ожидаемая дата поставки"),
    ("comment", "Комментарий менеджера"),
]


T = TypeVar("T")


def not_found_is_404(view):
    """`NotFound` from a service → 404. Until the core middleware that does this for every
    view is in place, the one place for the cabinet's order views."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error

    return wrapped


def _attempt(call: Callable[[], T]) -> tuple[T | None, str]:
    """Run a service call: (its result, "") or (None, the Russian message of its business
    error). `NotFound` is no message: it propagates (→ 404)."""
    try:
        return call(), ""
    except NotFound:
        raise
    except ApplicationError as error:
        return None, error.message


def _back(request: HttpRequest, default: str = "orders:lines") -> str:
    """Where to go after an action: the page (with its filters) the client came from."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _headers(params: QueryDict, sort: str) -> list[dict]:
    """Column headers with their sort links: a click sorts ascending, a second one
    descending; the filters stay, the page goes back to the first."""
    current = sort.removeprefix("-")
    descending = sort.startswith("-")
    headers = []
    for key, title in COLUMNS:
        query = params.copy()
        for name in PAGE_PARAMS:
            query.pop(name, None)
        direction = ""
        if key == current:
            direction = "desc" if descending else "asc"
            query["sort"] = key if descending else f"-{key}"
        else:
            query["sort"] = key
        headers.append(
            {"key": key, "title": title, "query": query.urlencode(), "direction": direction}
        )
    return headers


# The query parameters of a page of the table (not filters): the number shown and the cursors.
PAGE_PARAMS = ("page", "after", "before")

# Table heads written, by exactly what they depend on (see `_table_head`); emptied when full.
_heads = Kept(limit=1024)


def _table_head(params: QueryDict, sort: str) -> SafeString:
    """The <thead> of `_headers(params, sort)` (`cabinet_rows.thead_html`), kept per process
    by exactly what it depends on: the sort and the query's parameters but the page's, in
    their order. The same filters and sort on every page of a walk write it once."""
    key = (
        sort,
        tuple((name, tuple(values)) for name, values in params.lists() if name not in PAGE_PARAMS),
    )
    html = _heads.get_or_make(key, lambda: cabinet_rows.thead_html(_headers(params, sort)))
    # thead_html escapes every value it writes.
    return SafeString(html)  # nosec B703


def _pager(params: QueryDict, page: selectors.LinesPage) -> dict[str, str]:
    """The query strings of «← Назад» / «Вперёд →»: the filters and the sort stay, the cursor
    of the page's first / last row goes along with the number of the page it leads to. Back to
    page 1 is the plain first page (no cursor)."""
    base = params.copy()
    for name in PAGE_PARAMS:
        base.pop(name, None)

    def query(**values) -> str:
        link = base.copy()
        for name, value in values.items():
            link[name] = str(value)
        return link.urlencode()

    links = {"next": "", "previous": ""}
    if page.has_next:
        links["next"] = query(after=page.next_cursor, page=page.next_page_number)
    if page.has_previous:
        if page.previous_page_number <= 1 or not page.previous_cursor:
            links["previous"] = query(page=1)
        else:
            links["previous"] = query(before=page.previous_cursor, page=page.previous_page_number)
    return links


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


AUTO_ARCHIVE_EVERY = 600  # seconds


def _auto_archive(request: HttpRequest) -> None:
    """Seed 004: «Заказ попадает в архив при его открытии автоматически» — the client's
    finished orders older than ORDERS_AUTO_ARCHIVE_MONTHS move to the archive first.

    Once per session every ten minutes: an order cannot become two months old in between,
    and the nightly `archive_orders` covers clients who do not log in."""
    now = time.time()
    if now - request.session.get("orders_auto_archived_at", 0) < AUTO_ARCHIVE_EVERY:
        return
    services.orders_auto_archive(client=request.client)
    request.session["orders_auto_archived_at"] = now


def _table(request: HttpRequest, *, archived: bool) -> HttpResponse:
    client = request.client
    _auto_archive(request)
    params = request.GET.copy()
    form = LineFilterForm(params)
    form.is_valid()
    filters = form.filters()
    page = selectors.lines_page(
        client=client,
        archived=archived,
        filters=filters,
        sort=params.get("sort") or selectors.DEFAULT_SORT,
        page=_page_number(params.get("page")),
        after=params.get("after") or "",
        before=params.get("before") or "",
    )
    # Actions of higher apps on the page's lines («Создать возврат»): one call per page.
    hooks.line_actions_attach(page.lines)
    context = {
        "archived": archived,
        "form": form,
        "filters": filters,
        "page": page,
        "table_head": _table_head(params, page.sort),
        "pager": _pager(params, page),
        "next_url": request.get_full_path(),
        "refused_role": OrderStatus.Role.REFUSED,
    }
    return render(request, "orders/cabinet/lines.html", context)


@client_required
@require_GET
def lines(request: HttpRequest) -> HttpResponse:
    """«Заказы»: lines of the orders in work."""
    return _table(request, archived=False)


@client_required
@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    """«Архив»: the same table and filters over archived orders, with «Перезаказ»."""
    return _table(request, archived=True)


@client_required
@require_GET
def line_history(request: HttpRequest, line_id: int) -> HttpResponse:
    """The movement history of a line (the button next to its status)."""
    line = selectors.line_with_history(client=request.client, line_id=line_id)
    hooks.line_actions_attach([line])
    context = {
        "line": line,
        "refused_role": OrderStatus.Role.REFUSED,
        "next_url": request.GET.get("next") or reverse("orders:lines"),
    }
    template = "orders/cabinet/history.html"
    if request.htmx:
        template += "#history"
    return render(request, template, context)


def _row_response(request: HttpRequest, line_id: int, *, error: str = "") -> HttpResponse:
    line = selectors.line_row(client=request.client, line_id=line_id)
    hooks.line_actions_attach([line])
    archived = line.order.archived_at is not None
    context = {
        "line": line,
        "archived": archived,
        "row_error": error,
        "first_of_order": False,
        "next_url": request.POST.get("next") or "",
        "refused_role": OrderStatus.Role.REFUSED,
        "with_badges": True,
    }
    return render(request, "orders/cabinet/_row.html", context, status=422 if error else 200)


@client_required
@require_POST
@not_found_is_404
def line_refuse(request: HttpRequest, line_id: int) -> HttpResponse:
    """«Отказаться от заказа»: only before «Отгружен» (the service decides)."""
    _, error = _attempt(
        lambda: services.line_refusal_request(client=request.client, line_id=line_id)
    )
    if request.htmx:
        return _row_response(request, line_id, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Запрос на отказ отправлен менеджеру.")
    return redirect(_back(request))


@client_required
@require_POST
@not_found_is_404
def line_seen(request: HttpRequest, line_id: int) -> HttpResponse:
    """The 10th column flag «отказ просмотрен», saved as the client ticks it."""
    seen = request.POST.get("seen") in {"on", "1", "true"}
    _, error = _attempt(
        lambda: services.line_refusal_seen_set(client=request.client, line_id=line_id, seen=seen)
    )
    if request.htmx:
        return _row_response(request, line_id, error=error)
    if error:
        messages.error(request, error)
    return redirect(_back(request))


@client_required
@require_POST
@not_found_is_404
def line_reorder(request: HttpRequest, line_id: int) -> HttpResponse:
    """«Перезаказ»: the same article with its current best offer goes to the cart."""
    cart_line, error = _attempt(
        lambda: services.line_reorder(client=request.client, line_id=line_id)
    )
    if error:
        messages.error(request, error)
        return redirect(_back(request))
    product = cart_line.offer.product
    messages.success(
        request,
        f"{product.brand.name} {product.article} добавлен в корзину: {cart_line.quantity} шт.",
    )
    return redirect("cart:detail")


@client_required
@require_POST
@not_found_is_404
def order_archive(request: HttpRequest, order_id: int) -> HttpResponse:
    """«Убрать в архив»: an order whose lines all have final statuses."""
    order, error = _attempt(
        lambda: services.order_archive(client=request.client, order_id=order_id)
    )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Заказ {order.number} перенесён в архив.")
    return redirect(_back(request))


@client_required
@require_GET
def return_policy(request: HttpRequest) -> HttpResponse:
    """«Имеется ссылка на информацию о политике возврата товаров»."""
    return render(request, "orders/cabinet/return_policy.html")
