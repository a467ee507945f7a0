"""`/api/v1/catalog`: the article search of the cabinet as JSON (same service, same prices)."""

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from mprating.accounts.models import Client
from mprating.catalog.search import SearchResult, search
from mprating.core.api import ErrorOut, ValidationErrorOut

router = Router(tags=["Каталог"])


class SearchQuery(Schema):
    q: str = ""
    brand: int | None = None
    sort: str = "price"
    in_stock: bool = False


class ProductOut(Schema):
    id: int
    brand_id: int
    brand: str
    article: str
    name: str


class OfferRowOut(Schema):
    offer_id: int
    product_id: int
    brand: str
    article: str
    name: str
    depth: int
    depth_label: str
    warehouse_name: str
    warehouse_kind: str
    warehouse_kind_label: str
    quantity: int
    min_order_quantity: int
    delivery_days: int
    return_label: str
    is_returnable: bool
    return_days: int
    price: str


class SearchOut(Schema):
    status: str
    query: str
    article: str
    cross_scheme: int
    sort: str
    in_stock: bool
    product: ProductOut | None
    brand_choices: list[ProductOut]
    rows: list[OfferRowOut]
    analogs_total: int
    analogs_shown: int


def _product(card) -> dict:
    return {
        "id": card.id,
        "brand_id": card.brand_id,
        "brand": card.brand,
        "article": card.article,
        "name": card.name,
    }


def _search_out(result: SearchResult) -> dict:
    return {
        "status": result.status,
        "query": result.query,
        "article": result.article,
        "cross_scheme": result.cross_scheme,
        "sort": result.sort,
        "in_stock": result.in_stock,
        "product": _product(result.product) if result.product else None,
        "brand_choices": [_product(card) for card in result.brand_choices],
        "rows": [
            {
                "offer_id": row.offer_id,
                "product_id": row.product_id,
                "brand": row.brand,
                "article": row.article,
                "name": row.name,
                "depth": row.depth,
                "depth_label": row.depth_label,
                "warehouse_name": row.warehouse_name,
                "warehouse_kind": row.warehouse_kind,
                "warehouse_kind_label": row.warehouse_kind_label,
                "quantity": row.quantity,
                "min_order_quantity": row.min_order_quantity,
                "delivery_days": row.delivery_days,
                "return_label": row.return_label,
                "is_returnable": row.is_returnable,
                "return_days": row.return_days,
                "price": f"{row.price:.2f}",
            }
            for row in result.rows
        ],
        "analogs_total": result.analogs_total,
        "analogs_shown": result.analogs_shown,
    }


@router.get(
    "/search",
    response={200: SearchOut, 400: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Поиск по артикулу",
    description=(
        "Артикул в любом написании. Если артикул есть у нескольких брендов и `brand` не указан, "
        "`status` = `choose_brand` и список `brand_choices`. Иначе — предложения по артикулу и "
        "по аналогам до глубины схемы кросс-связей клиента. `price` — цена с индивидуальной "
        "наценкой клиента. Сортировка `sort`: `price`, `price_desc`, `delivery`."
    ),
)
def catalog_search(request: HttpRequest, params: Query[SearchQuery]):
    client = Client.objects.filter(user_id=request.user.pk).first()
    if client is None:
        return Status(
            403,
            {
                "code": "not_a_client",
                "message": "Поиск доступен только клиентам магазина.",
                "field": None,
            },
        )
    # An empty query or an unknown sort raises ApplicationError: 400 with its Russian message.
    result = search(
        client=client,
        query=params.q,
        brand_id=params.brand,
        sort=params.sort,
        in_stock=params.in_stock,
    )
    return Status(200, _search_out(result))
