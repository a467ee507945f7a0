"""The cart pages of the cabinet: add from search, the cart, «Загрузить в корзину».

Views parse input, call one service or selector and render; the rules live in services.py
and imports.py.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from mprating.accounts.decorators import client_required
from mprating.billing.selectors import package_missing
from mprating.cart import imports, selectors, services
from mprating.cart.forms import CartImportForm
from mprating.cart.models import CartImportRow
from mprating.core import ratelimits
from mprating.core.errors import ApplicationError, NotFound


def _safe_back(request: HttpRequest, fallback: str) -> str:
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return fallback


@client_required
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """«В корзину» from a search row: htmx gets the row's cart cell, a plain POST a redirect."""
    offer_id = request.POST.get("offer", "")
    quantity = request.POST.get("quantity", "")
    try:
        line = services.cart_add(client=request.client, offer_id=offer_id, quantity=quantity)
    except ApplicationError as error:
        if request.htmx:
            offer = selectors.offer_for_add_form(offer_id)
            context = {"offer": offer, "error": error.message, "quantity": quantity}
            return render(request, "cart/_offer_cart.html", context, status=422)
        messages.error(request, error.message)
        return redirect(_safe_back(request, "cart:detail"))
    if request.htmx:
        return render(request, "cart/_offer_cart.html", {"offer": line.offer, "line": line})
    product = line.offer.product
    messages.success(
        request,
        f"{product.brand.name} {product.article} — в корзине {line.quantity} шт.",
    )
    return redirect(_safe_back(request, "cart:detail"))


CART_PAGE_SIZE = 100


def _render_cart(
    request: HttpRequest,
    *,
    partial: bool = False,
    error_line_id: int | None = None,
    error: str = "",
    quantity: str = "",
) -> HttpResponse:
    """The cart page, or for htmx its `cart` block (lines, totals) re-rendered in place."""
    client = request.client
    paginator = Paginator(selectors.cart_lines_for_client(client=client), CART_PAGE_SIZE)
    page = paginator.get_page(request.POST.get("page") or request.GET.get("page"))
    context = {
        "page_obj": page,
        "totals": selectors.cart_totals(client=client),
        "error_line_id": error_line_id,
        "line_error": error,
        "error_quantity": quantity,
        "package_missing": package_missing(client=client),
    }
    template = "cart/detail.html#cart" if partial else "cart/detail.html"
    return render(request, template, context, status=422 if error else 200)


@client_required
def cart_detail(request: HttpRequest) -> HttpResponse:
    return _render_cart(request)


@client_required
@require_POST
def cart_line_quantity(request: HttpRequest, line_id: int) -> HttpResponse:
    quantity = request.POST.get("quantity", "")
    try:
        services.cart_line_set_quantity(client=request.client, line_id=line_id, quantity=quantity)
    except NotFound:
        raise  # another client's line: 404 (core.middleware)
    except ApplicationError as error:
        if request.htmx:
            return _render_cart(
                request, partial=True, error_line_id=line_id, error=error.message, quantity=quantity
            )
        messages.error(request, error.message)
        return redirect("cart:detail")
    if request.htmx:
        return _render_cart(request, partial=True)
    messages.success(request, "Количество изменено.")
    return redirect("cart:detail")


@client_required
@require_POST
def cart_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    services.cart_line_remove(client=request.client, line_id=line_id)
    if request.htmx:
        return _render_cart(request, partial=True)
    messages.success(request, "Позиция удалена из корзины.")
    return redirect("cart:detail")


# ---- «Загрузить в корзину» ---------------------------------------------------------------------

IMPORT_PAGE_SIZE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@client_required
@require_http_methods(["GET", "POST"])
@ratelimits.limit("upload", "RATELIMIT_UPLOAD", key=ratelimits.BY_USER)
def cart_import(request: HttpRequest) -> HttpResponse:
    """Upload an order file; a refused file shows why next to the field and adds nothing."""
    form = CartImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                cart_import = imports.cart_import_file(
                    client=request.client, file=upload, filename=upload.name
                )
            except ApplicationError as error:
                form.add_error("file", error.message)
            else:
                return redirect("cart:import_result", import_id=cart_import.pk)
        status = 422
    recent = selectors.cart_imports_for_client(client=request.client)[:5]
    context = {"form": form, "recent": recent}
    return render(request, "cart/import.html", context, status=status)


@client_required
def cart_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(imports.cart_import_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="zakaz-shablon.xlsx"'
    return response


def _render_import_result(
    request: HttpRequest, cart_import, *, partial: bool = False, errors: dict | None = None
) -> HttpResponse:
    counts = selectors.cart_import_counts(cart_import=cart_import)
    tab = request.POST.get("tab") or request.GET.get("tab")
    if tab not in ("added", "problems"):
        tab = "problems" if counts["not_added"] or counts["resolved"] else "added"
    rows = selectors.cart_import_rows(cart_import=cart_import, tab=tab)
    page = Paginator(rows, IMPORT_PAGE_SIZE).get_page(
        request.POST.get("page") or request.GET.get("page")
    )
    candidates = selectors.cart_import_candidates(list(page.object_list))
    errors = errors or {}
    for row in page.object_list:
        row.candidates = candidates.get(row.article_normalized, [])
        row.error = errors.get(row.pk, "")
    context = {
        "cart_import": cart_import,
        "counts": counts,
        "tab": tab,
        "page_obj": page,
    }
    template = "cart/import_result.html#result" if partial else "cart/import_result.html"
    return render(request, template, context, status=422 if errors else 200)


def _own_import(request: HttpRequest, import_id: int):
    cart_import = selectors.cart_import_for_client(client=request.client, import_id=import_id)
    if cart_import is None:
        raise NotFound("Загрузка не найдена.")
    return cart_import


@client_required
def cart_import_result(request: HttpRequest, import_id: int) -> HttpResponse:
    return _render_import_result(request, _own_import(request, import_id))


def _resolve_row(request: HttpRequest, import_id: int, row_id: int, action) -> HttpResponse:
    cart_import = _own_import(request, import_id)
    errors = None
    try:
        row = action()
    except NotFound:
        raise
    except ApplicationError as error:
        errors = {row_id: error.message}
        if not request.htmx:
            messages.error(request, error.message)
    else:
        if not request.htmx and row.outcome == CartImportRow.Outcome.ADDED:
            messages.success(request, f"Строка {row.row_number} добавлена в корзину.")
    if request.htmx:
        return _render_import_result(request, cart_import, partial=True, errors=errors)
    return redirect("cart:import_result", import_id=cart_import.pk)


@client_required
@require_POST
def cart_import_row_choose(request: HttpRequest, import_id: int, row_id: int) -> HttpResponse:
    """«Несколько брендов — выберите»: add the brand the client picked."""
    product_id = request.POST.get("product", "")
    return _resolve_row(
        request,
        import_id,
        row_id,
        lambda: imports.cart_import_row_choose(
            client=request.client,
            import_id=import_id,
            row_id=row_id,
            product_id=int(product_id) if product_id.isdigit() else 0,
        ),
    )


@client_required
@require_POST
def cart_import_row_add_available(
    request: HttpRequest, import_id: int, row_id: int
) -> HttpResponse:
    """«Недостаточно на складе»: add the quantity that is in stock."""
    return _resolve_row(
        request,
        import_id,
        row_id,
        lambda: imports.cart_import_row_add_available(
            client=request.client, import_id=import_id, row_id=row_id
        ),
    )
