"""Catalog test data, made through the catalog services."""

from decimal import Decimal
from itertools import count

from mprating.catalog import services
from mprating.catalog.models import Offer, Product, Warehouse

_codes = count(1)


def make_warehouse(kind: str = Warehouse.Kind.HOME, **fields) -> Warehouse:
    n = next(_codes)
    defaults = {"code": f"wh{n}", "name": f"Склад {n}", "kind": kind}
    if kind == Warehouse.Kind.MARKETPLACE:
        defaults["marketplace"] = Warehouse.Marketplace.WILDBERRIES
    defaults.update(fields)
    return Warehouse.objects.create(**defaults)


def make_product(brand: str = "BOSCH", article: str | None = None, name: str = "") -> Product:
    article = article or f"TST-{next(_codes):06d}"
    return services.product_upsert(
        brand=services.brand_get_or_create(name=brand),
        article=article,
        name=name or f"Деталь {article}",
    )


def make_offer(
    product: Product | None = None,
    warehouse: Warehouse | None = None,
    price: str | Decimal = "1000.00",
    quantity: int = 10,
    **fields,
) -> Offer:
    return services.offer_upsert(
        product=product or make_product(),
        warehouse=warehouse or make_warehouse(),
        price=Decimal(price),
        quantity=quantity,
        **fields,
    )


def link(first: Product, second: Product, source: str = "тест") -> None:
    services.cross_link_add(product_1=first, product_2=second, source=source)
