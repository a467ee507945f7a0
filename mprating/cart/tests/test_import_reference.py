"""The batched cart import stores exactly what judging the file row by row would (issue 13).

`cart_import_file` reads brands, products and best offers for the whole file at once, as plain
values, and writes with one statement per table. The reference below judges each row alone
through the catalog's model-instance path (`brand_resolve`, `best_offers_for_products`,
`offer_orderable_problem`); every stored column of every row, and the cart lines after, must be
the same — for an empty cart and for the same file again (lines already in the cart).
"""

import io

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.cart import imports
from mprating.cart.models import CartImport, CartImportRow, CartLine
from mprating.cart.tests.files import xlsx_bytes
from mprating.catalog import services as catalog_services
from mprating.catalog.models import Product
from mprating.catalog.selectors import best_offers_for_products
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse

pytestmark = pytest.mark.django_db
Outcome = CartImportRow.Outcome
# Every column a stored row has (the import's own key aside): nothing can be left out of the
# comparison by a list kept by hand.
STORED = tuple(
    field.attname
    for field in CartImportRow._meta.concrete_fields
    if field.name not in ("id", "cart_import")
)


def _catalog() -> None:
    closed = make_warehouse(is_active=False)
    bosch = make_product(brand="BOSCH", article="0 986 452 041")
    make_offer(product=bosch, price="450.00", quantity=10)
    make_offer(product=bosch, price="300.00", quantity=0)  # cheaper, but none in stock
    mann = make_product(brand="MANN-FILTER", article="W 712/95")
    catalog_services.brand_alias_add(brand=mann.brand, alias="MANN")
    make_offer(product=mann, price="120.00", quantity=3, delivery_days=2)
    make_offer(product=mann, price="120.00", quantity=3, delivery_days=1)  # as cheap, faster
    make_offer(product=make_product(brand="SACHS", article="315 678"), quantity=1)
    make_offer(product=make_product(brand="NGK", article="BKR6E"), min_order_quantity=4)
    make_offer(product=make_product(brand="FEBI", article="AMB-1"), quantity=5)
    make_offer(product=make_product(brand="TRW", article="AMB-1"), quantity=5)
    make_offer(product=make_product(brand="LUK", article="EMPTY-1"), quantity=0)
    make_offer(product=make_product(brand="INA", article="CLOSED-1"), warehouse=closed)
    make_product(brand="SKF", article="NO-OFFER-1")
    make_offer(product=make_product(brand="VALEO", article="UNIQ-1"), quantity=8)


FILE = [
    ["BOSCH", "0 986 452 041", 2, "ТО-1"],
    ["bosch", "0986-452-041", 9, ""],  # the same offer again: more than is left
    ["MANN", "w712/95", 1, "алиас"],
    ["", "W71295", 2, ""],
    ["", "NOPE-1", 1, ""],
    ["", "AMB1", 1, "какой?"],
    ["TRW", "AMB-1", 1, ""],
    ["BOSCH", "AMB-1", 1, ""],  # known brand without that article
    ["NONAME", "UNIQ-1", 3, "по артикулу"],  # unknown brand, unique article
    ["SACHS", "315678", 3, ""],
    ["NGK", "BKR6E", 2, ""],
    ["LUK", "EMPTY-1", 1, ""],
    ["INA", "CLOSED-1", 1, ""],
    ["SKF", "NO-OFFER-1", 1, ""],
    ["BOSCH", "0986452041", "два", ""],
    ["BOSCH", "0986452041", "0", ""],
    ["BOSCH", "0986452041", "100001", ""],
    ["BOSCH", "", 1, "без артикула"],
    ["VALEO", "UNIQ-1", 5, "последний"],
]


def _reference(client, data: bytes) -> tuple[list[tuple], dict[int, tuple[int, str]]]:
    """The rows and cart lines the import should leave, judged one row at a time."""
    _, rows = imports._read_rows(io.BytesIO(data), "zakaz.xlsx")
    lines = {line.offer_id: line for line in CartLine.objects.filter(client=client)}
    in_cart = {offer_id: line.quantity for offer_id, line in lines.items()}
    comments = {offer_id: line.comment for offer_id, line in lines.items()}
    stored = []
    for row in rows:
        result = CartImportRow(
            row_number=row.number,
            brand=row.brand,
            article=row.article,
            article_normalized=row.article_key,
            quantity_text=row.quantity_text,
            quantity=row.quantity,
            comment=row.comment,
        )
        product = None
        if not row.article_key:
            imports._fail(result, Outcome.NOT_FOUND, "не найден: не указан артикул")
        elif row.quantity is None:
            imports._fail(result, Outcome.BAD_QUANTITY, row.too_big or "некорректное количество")
        else:
            candidates = list(
                Product.objects.filter(article_normalized=row.article_key).select_related("brand")
            )
            brand = catalog_services.brand_resolve(row.brand) if row.brand else None
            if not candidates:
                imports._fail(result, Outcome.NOT_FOUND, "не найден")
            elif brand is not None:
                product = next((p for p in candidates if p.brand_id == brand.pk), None)
                if product is None:
                    names = ", ".join(sorted(p.brand.name for p in candidates))
                    reason = f"не найден у бренда {brand.name} (есть у: {names})"
                    imports._fail(result, Outcome.NOT_FOUND, reason)
            elif len(candidates) == 1:
                product = candidates[0]
            else:
                imports._fail(result, Outcome.AMBIGUOUS, "несколько брендов — выберите")
        if product is not None:
            offer = best_offers_for_products([product.pk]).get(product.pk)
            if offer is None:
                imports._fail(result, Outcome.NOT_FOUND, "не найден: нет в продаже")
            else:
                result.offer_id = offer.pk
                held = in_cart.get(offer.pk, 0)
                if imports._judge(result, offer=offer, quantity=row.quantity, in_cart=held):
                    in_cart[offer.pk] = held + row.quantity
                    if row.comment:
                        comments[offer.pk] = row.comment
        stored.append(tuple(getattr(result, name) for name in STORED))
    cart = {offer_id: (held, comments.get(offer_id, "")) for offer_id, held in in_cart.items()}
    return stored, cart


def _stored(cart_import: CartImport) -> list[tuple]:
    return list(cart_import.rows.order_by("row_number").values_list(*STORED))


def _cart(client) -> dict[int, tuple[int, str]]:
    lines = CartLine.objects.filter(client=client).values_list("offer_id", "quantity", "comment")
    return {offer_id: (quantity, comment) for offer_id, quantity, comment in lines}


def test_import_stores_what_row_by_row_judging_gives():
    _catalog()
    client = make_client()
    data = xlsx_bytes(FILE)
    outcomes_seen = set()

    for _ in ("into an empty cart", "the same file again"):
        expected_rows, expected_cart = _reference(client, data)

        cart_import = imports.cart_import_file(
            client=client, file=io.BytesIO(data), filename="zakaz.xlsx"
        )

        assert _stored(cart_import) == expected_rows
        assert _cart(client) == expected_cart
        outcomes_seen |= {row[STORED.index("outcome")] for row in expected_rows}
    # The file meets every outcome, so no branch of the batched judging goes unchecked.
    assert outcomes_seen == set(Outcome.values)
