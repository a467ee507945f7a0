"""Issue 13: the search is one SQL statement and gives what the earlier search gave.

The earlier implementation (one ORM query per level of the walk, then the analogs with offers,
then their offers as values) is kept here as the oracle; the new statement must return equal
`SearchResult`s on a varied catalog: brands, cycles and hubs in the cross links, equal prices,
markups that round, out-of-stock offers, minimum orders, non-returnable offers with deductions,
an inactive warehouse, an article under two brands, cross schemes 1–3, every sort, the stock
filter, and the limits of the walk and of the analogs shown.
"""

import random
from decimal import Decimal

import pytest

from mprating.accounts import services as account_services
from mprating.accounts.tests.factories import make_client
from mprating.catalog import search as search_module
from mprating.catalog.models import CrossLink, Offer, Product, Warehouse
from mprating.catalog.normalize import normalize_article
from mprating.catalog.search import ProductCard, SearchResult, search
from mprating.catalog.selectors import SORT_CHOICES, OfferRow, display_price, sort_rows
from mprating.catalog.tests.factories import link, make_offer, make_product, make_warehouse

pytestmark = pytest.mark.django_db

SORTS = [value for value, _ in SORT_CHOICES]


# ---- the earlier implementation (before issue 13), as the oracle ------------------------------


def _old_neighbours(frontier: list[int]) -> set[int]:
    forward = CrossLink.objects.filter(product_a_id__in=frontier).values_list(
        "product_b_id", flat=True
    )
    backward = CrossLink.objects.filter(product_b_id__in=frontier).values_list(
        "product_a_id", flat=True
    )
    return set(forward.union(backward))


def _old_analogs_of(product_id: int, depth: int, limit: int) -> dict[int, int]:
    found: dict[int, int] = {}
    seen = {product_id}
    frontier = [product_id]
    for level in range(1, depth + 1):
        if not frontier:
            break
        fresh = sorted(pk for pk in _old_neighbours(frontier) if pk not in seen)
        fresh = fresh[: max(limit - len(found), 0)]
        for pk in fresh:
            found[pk] = level
        seen.update(fresh)
        frontier = fresh
        if len(found) >= limit:
            break
    return found


def _old_nearest_with_offers(depths, *, in_stock, limit):
    if not depths:
        return {}, 0
    offers = Offer.objects.filter(product_id__in=list(depths), warehouse__is_active=True)
    if in_stock:
        offers = offers.filter(quantity__gt=0)
    with_offers = set(offers.order_by().values_list("product_id", flat=True).distinct())
    nearest = sorted(with_offers, key=lambda pk: (depths[pk], pk))[:limit]
    return {pk: depths[pk] for pk in nearest}, len(with_offers)


_OLD_ROW_FIELDS = (
    "id",
    "product_id",
    "product__brand__name",
    "product__article",
    "product__name",
    "warehouse__name",
    "warehouse__kind",
    "price",
    "quantity",
    "min_order_quantity",
    "delivery_days",
    "is_returnable",
    "return_days",
    "return_deduction_percent",
)


def _old_offer_rows(depths, markup_percent, in_stock):
    offers = Offer.objects.filter(product_id__in=list(depths), warehouse__is_active=True)
    if in_stock:
        offers = offers.filter(quantity__gt=0)
    return [
        OfferRow(
            offer_id=values["id"],
            product_id=values["product_id"],
            brand=values["product__brand__name"],
            article=values["product__article"],
            name=values["product__name"],
            depth=depths[values["product_id"]],
            warehouse_name=values["warehouse__name"],
            warehouse_kind=values["warehouse__kind"],
            quantity=values["quantity"],
            min_order_quantity=values["min_order_quantity"],
            delivery_days=values["delivery_days"],
            is_returnable=values["is_returnable"],
            return_days=values["return_days"],
            return_deduction_percent=values["return_deduction_percent"],
            price=display_price(values["price"], markup_percent),
        )
        for values in offers.values(*_OLD_ROW_FIELDS)
    ]


def _card(product: Product) -> ProductCard:
    return ProductCard(
        id=product.pk,
        brand_id=product.brand_id,
        brand=product.brand.name,
        article=product.article,
        name=product.name,
    )


def old_search(*, client, query, brand_id=None, sort="price", in_stock=False) -> SearchResult:
    article = normalize_article(query)
    base = {
        "query": query.strip(),
        "article": article,
        "sort": sort,
        "in_stock": in_stock,
        "cross_scheme": client.cross_scheme,
    }
    candidates = list(
        Product.objects.filter(article_normalized=article)
        .select_related("brand")
        .order_by("brand__name")
    )
    if not candidates:
        return SearchResult(**base)
    chosen = [p for p in candidates if brand_id is not None and p.brand_id == brand_id]
    if not chosen and len(candidates) > 1:
        return SearchResult(**base, brand_choices=[_card(p) for p in candidates])
    product = (chosen or candidates)[0]
    analogs = _old_analogs_of(product.pk, client.cross_scheme, search_module.TRAVERSAL_LIMIT)
    shown, total = _old_nearest_with_offers(
        analogs, in_stock=in_stock, limit=search_module.ANALOG_LIMIT
    )
    rows = _old_offer_rows({product.pk: 0, **shown}, client.markup_percent, in_stock)
    return SearchResult(
        **base,
        product=_card(product),
        rows=sort_rows(rows, sort),
        analogs_total=total,
        analogs_shown=len(shown),
    )


# ---- a varied catalog -------------------------------------------------------------------------


@pytest.fixture
def catalog():
    return varied_catalog()


def varied_catalog() -> list[Product]:
    """60 products of 6 brands in clusters with cycles, a hub, bridges between clusters; offers
    on two home warehouses, a transit one and an inactive marketplace (fixed seed)."""
    rng = random.Random(13)
    warehouses = [
        make_warehouse(name="Склад Москва"),
        make_warehouse(name="Склад Казань"),
        make_warehouse(Warehouse.Kind.TRANSIT, name="Поставщик Север"),
        make_warehouse(Warehouse.Kind.MARKETPLACE, name="WB", is_active=False),
    ]
    brands = ["BOSCH", "MANN-FILTER", "MAHLE", "FILTRON", "FEBI", "ATE"]
    products = [
        make_product(brands[i % len(brands)], f"VAR-{i:03d}", f"Деталь {i}") for i in range(60)
    ]
    # the same article under a second brand
    products.append(make_product("TRIALLI", "VAR 000", "Деталь 0 другого бренда"))
    for start in range(0, 60, 12):  # five clusters of 12: a ring plus random chords
        cluster = products[start : start + 12]
        for first, second in zip(cluster, cluster[1:] + cluster[:1], strict=True):
            link(first, second)
        for _ in range(8):
            first, second = rng.sample(cluster, 2)
            link(first, second)
    for start in range(0, 48, 12):  # bridges to the next cluster
        link(products[start + 5], products[start + 12])
    for product in products[25:59:3]:  # a hub
        link(products[24], product)
    prices = ["100.00", "100.00", "99.99", "1234.56", "0.99", "777.77", "500.00", "100.01"]
    for i, product in enumerate(products):
        if i % 11 == 7:
            continue  # a product without offers
        for j, warehouse in enumerate(warehouses):
            if rng.random() < 0.35:
                continue
            offer = make_offer(
                product,
                warehouse,
                price=rng.choice(prices),
                quantity=rng.choice([0, 0, 1, 3, 10]),
                delivery_days=rng.choice([0, 1, 3, 3, 7]) if j else 0,
                min_order_quantity=rng.choice([1, 1, 2, 4]),
                is_returnable=rng.random() < 0.8,
                return_days=rng.choice([7, 14, 30]),
            )
            if rng.random() < 0.3:
                Offer.objects.filter(pk=offer.pk).update(
                    return_deduction_percent=Decimal(rng.choice(["5.00", "12.50", "0.75"]))
                )
    return products


def client_with(markup: str, scheme: int):
    return account_services.client_update_search_settings(
        client=make_client(), markup_percent=Decimal(markup), cross_scheme=scheme
    )


QUERIES = [
    ("VAR-000", None),  # under two brands: the choice
    ("var 000", "first"),  # the chosen brand
    ("VAR000", "stranger"),  # a brand that does not make it: the choice again
    ("VAR-024", None),  # the hub
    ("VAR-005", None),  # a bridge
    ("VAR-018", None),  # a product without offers
    ("VAR-031", None),
    ("VAR-059", None),
    ("NO-SUCH", None),
]


@pytest.mark.parametrize("scheme", [1, 2, 3])
@pytest.mark.parametrize("markup", ["0", "12.5", "7.77"])
def test_equal_to_the_earlier_search(catalog, scheme, markup):
    client = client_with(markup, scheme)
    brand_of = {"first": catalog[0].brand_id, "stranger": catalog[3].brand_id, None: None}
    compared = 0
    for query, brand in QUERIES:
        for sort in SORTS:
            for in_stock in (False, True):
                kwargs = {
                    "client": client,
                    "query": query,
                    "brand_id": brand_of[brand],
                    "sort": sort,
                    "in_stock": in_stock,
                }
                assert search(**kwargs) == old_search(**kwargs), kwargs
                compared += 1
    assert compared == len(QUERIES) * len(SORTS) * 2


@pytest.mark.parametrize(("traversal", "analogs"), [(5, 100), (13, 4), (2000, 3), (1, 1)])
def test_equal_to_the_earlier_search_at_the_limits(catalog, monkeypatch, traversal, analogs):
    # given small limits, so that the walk stops on a level and the analogs are cut
    monkeypatch.setattr(search_module, "TRAVERSAL_LIMIT", traversal)
    monkeypatch.setattr(search_module, "ANALOG_LIMIT", analogs)
    client = client_with("10", 3)

    for query in ("VAR-024", "VAR-005", "VAR-031"):
        for in_stock in (False, True):
            new = search(client=client, query=query, in_stock=in_stock)
            assert new == old_search(client=client, query=query, in_stock=in_stock)
            assert new.analogs_shown <= analogs


def test_the_fixture_is_varied_enough(catalog):
    # the comparison above means something only if the results have all of this
    result = search(client=client_with("12.5", 3), query="VAR-024")
    rows = result.rows
    assert {row.depth for row in rows} == {0, 1, 2, 3}
    assert result.analogs_total > 20
    assert any(row.quantity == 0 for row in rows)
    assert any(not row.is_returnable for row in rows)
    assert any(row.return_deduction_percent for row in rows)
    assert any(row.min_order_quantity > row.quantity > 0 for row in rows)
    assert len({row.price for row in rows}) < len(rows)  # equal prices: the ties are sorted
    assert {row.warehouse_kind for row in rows} == {"home", "transit"}  # WB is inactive
    assert search(client=client_with("0", 1), query="VAR-000").status == "choose_brand"


@pytest.mark.parametrize("scheme", [1, 2, 3])
def test_one_statement_per_search(catalog, django_assert_num_queries, scheme):
    client = client_with("10", scheme)
    for query in ("VAR-024", "VAR-000", "NO-SUCH", "VAR-018"):
        with django_assert_num_queries(1):
            search(client=client, query=query)
