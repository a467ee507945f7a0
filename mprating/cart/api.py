"""`/api/v1/cart`: the signed-in client's cart over the same services as the cabinet.

Errors of the cart rules come back as 400 `{code, message, field}` with the Russian message
of the service («Можно заказать не больше 3 шт.»); another client's line or an unknown offer is
404 `not_found`; a malformed body is 422 (see mprating/core/api.py). `POST /cart/import`
is «Загрузить в корзину»: the same file rules and row report as the cabinet (cart/imports.py).
"""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from mprating.accounts.models import Client
from mprating.accounts.selectors import client_of_user
from mprating.cart import imports, selectors, services
from mprating.cart.models import CartImport, CartLine
from mprating.catalog.services import MAX_ORDER_QUANTITY
from mprating.core.api import ErrorOut, ValidationErrorOut
from mprating.core.errors import NotFound

router = Router(tags=["Корзина"])
MAX_LIMIT = 500


class CartLineOut(Schema):
    id: int
    offer_id: int
    brand: str
    article: str
    name: str
    warehouse: str
    delivery_days: int
    price: Decimal = Field(..., description="Цена за штуку без наценки, ₽")
    quantity: int
    line_sum: Decimal
    comment: str

    @staticmethod
    def from_line(line: CartLine) -> "CartLineOut":
        offer = line.offer
        product = offer.product
        return CartLineOut(
            id=line.pk,
            offer_id=offer.pk,
            brand=product.brand.name,
            article=product.article,
            name=product.name,
            warehouse=offer.warehouse.name,
            delivery_days=offer.delivery_days,
            price=offer.price,
            quantity=line.quantity,
            line_sum=offer.price * line.quantity,
            comment=line.comment,
        )


class CartOut(Schema):
    lines: list[CartLineOut]
    lines_count: int
    pieces: int
    total: Decimal


# More than MAX_ORDER_QUANTITY pieces is the cart rule's 400 «quantity_too_big», as in the
# cabinet (not a schema error).
_QUANTITY = Field(..., ge=1, description=f"Штук, от 1 до {MAX_ORDER_QUANTITY}")


class CartLineIn(Schema):
    offer_id: int = Field(..., ge=1)
    quantity: int = _QUANTITY
    comment: str = Field("", max_length=255)


class QuantityIn(Schema):
    quantity: int = _QUANTITY


class CartImportRowOut(Schema):
    row_number: int = Field(..., description="Номер строки в файле, как в Excel")
    brand: str
    article: str
    quantity: str = Field(..., description="Количество, как оно записано в файле")
    outcome: str = Field(
        ..., description="added, not_found, ambiguous, not_enough, bad_quantity, below_min"
    )
    reason: str = Field(..., description="Почему строка не добавлена, по-русски")


class CartImportOut(Schema):
    id: int
    filename: str
    rows_total: int
    added: int
    not_added: int
    rows: list[CartImportRowOut]

    @staticmethod
    def from_import(cart_import: CartImport) -> "CartImportOut":
        counts = selectors.cart_import_counts(cart_import=cart_import)
        rows = cart_import.rows.order_by("row_number", "pk")
        return CartImportOut(
            id=cart_import.pk,
            filename=cart_import.filename,
            rows_total=counts["total"],
            added=counts["added"],
            not_added=counts["not_added"],
            rows=[
                CartImportRowOut(
                    row_number=row.row_number,
                    brand=row.brand,
                    article=row.article,
                    quantity=row.quantity_text,
                    outcome=row.outcome,
                    reason=row.reason or row.get_outcome_display(),
                )
                for row in rows
            ],
        )


class PageIn(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _own_client(request: HttpRequest) -> Client:
    client = client_of_user(request.user)
    if client is None:
        raise NotFound("Корзина есть только у клиентов магазина.")
    return client


def _line_out(client: Client, line_id: int) -> CartLineOut:
    line = selectors.cart_line_for_client(client=client, line_id=line_id)
    if line is None:
        raise NotFound(services.LINE_NOT_FOUND)
    return CartLineOut.from_line(line)


@router.get(
    "",
    response={200: CartOut, 404: ErrorOut},
    summary="Корзина: строки и итог по реальным ценам",
)
def cart_get(request: HttpRequest, page: Query[PageIn]) -> CartOut:
    client = _own_client(request)
    lines = selectors.cart_lines_for_client(client=client)[page.offset : page.offset + page.limit]
    totals = selectors.cart_totals(client=client)
    return CartOut(
        lines=[CartLineOut.from_line(line) for line in lines],
        lines_count=totals.lines,
        pieces=totals.pieces,
        total=totals.amount,
    )


@router.post(
    "/lines",
    response={201: CartLineOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Положить предложение в корзину (или добавить к строке)",
)
def cart_line_add(request: HttpRequest, payload: CartLineIn):
    client = _own_client(request)
    line = services.cart_add(
        client=client,
        offer_id=payload.offer_id,
        quantity=payload.quantity,
        comment=payload.comment,
    )
    # `cart_add` returns the line with its offer, warehouse, product and brand as it wrote
    # them: the answer is built from those, without reading the line again.
    return Status(201, CartLineOut.from_line(line))


@router.patch(
    "/lines/{line_id}",
    response={200: CartLineOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Изменить количество",
)
def cart_line_update(request: HttpRequest, line_id: int, payload: QuantityIn):
    client = _own_client(request)
    services.cart_line_set_quantity(client=client, line_id=line_id, quantity=payload.quantity)
    return Status(200, _line_out(client, line_id))


@router.delete(
    "/lines/{line_id}", response={204: None, 404: ErrorOut}, summary="Удалить строку корзины"
)
def cart_line_delete(request: HttpRequest, line_id: int):
    services.cart_line_remove(client=_own_client(request), line_id=line_id)
    return Status(204, None)


@router.post(
    "/import",
    response={201: CartImportOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Загрузить в корзину: заказ из файла XLSX, XLS или CSV",
    description="Поле формы `file`. Файл целиком отклоняется (400, ничего не добавлено), если "
    "это не таблица, в нём нет нужных столбцов, больше 10 000 строк или он больше 5 МБ; "
    "иначе подходящие строки добавляются, а про остальные ответ называет причину.",
)
def cart_import_upload(request: HttpRequest, file: File[UploadedFile]):
    client = _own_client(request)
    cart_import = imports.cart_import_file(client=client, file=file, filename=file.name or "")
    return Status(201, CartImportOut.from_import(cart_import))
