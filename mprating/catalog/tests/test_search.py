"""The search service: spellings, brand choice, analogs by scheme, display price, sort, filter."""

import json
from decimal import Decimal
from itertools import pairwise

import pytest
from django.db import connection

from mprating.accounts import services as account_services
from mprating.accounts.tests.factories import make_client
from mprating.catalog import search as search_module
from mprating.catalog.models import Warehouse
from mprating.catalog.search import SearchResult, search
from mprating.catalog.selectors import display_price
from mprating.catalog.tests.factories import link, make_offer, make_product, make_warehouse
from mprating.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def client_with(markup: str = "0", scheme: int = 1):
    client = make_client()
    return account_services.client_update_search_settings(
        client=client, markup_percent=Decimal(markup), cross_scheme=scheme
    )


@pytest.fixture
def filter_chain():
    """BOSCH 0 986 452 041 - MANN W 712/75 - MAHLE OC 205 - FILTRON OP 526, each with an offer."""
    warehouse = make_warehouse()
    products = [
        make_product("BOSCH", "0 986 452 041", "Фильтр масляный"),
        make_product("MANN-FILTER", "W 712/75", "Фильтр масляный"),
        make_product("MAHLE", "OC 205", "Фильтр масляный"),
        make_product("FILTRON", "OP 526", "Фильтр масляный"),
    ]
    for first, second in pairwise(products):
        link(first, second)
    for i, product in enumerate(products):
        make_offer(product, warehouse, price=f"{500 + 100 * i}.00")
    return products


@pytest.mark.parametrize(
    "spelling", ["0 986 452 041", "0986-452-041", "0986.452/041", "0986452041"]
)
def test_any_spelling_finds_the_product(filter_chain, spelling):
    result = search(client=client_with(), query=spelling)
    assert result.status == SearchResult.STATUS_FOUND
    assert result.product.id == filter_chain[0].pk


def test_unknown_article_is_not_found():
    result = search(client=client_with(), query="NO-SUCH-1")
    assert result.status == SearchResult.STATUS_NOT_FOUND
    assert result.rows == []


def test_empty_query_and_unknown_sort_are_refused():
    client = client_with()
    with pytest.raises(ApplicationError) as empty:
        search(client=client, query=" - . ")
    assert empty.value.field == "q"
    with pytest.raises(ApplicationError) as bad_sort:
        search(client=client, query="X1", sort="name")
    assert bad_sort.value.field == "sort"


@pytest.mark.parametrize(("scheme", "expected_depths"), [(1, [1]), (2, [1, 2]), (3, [1, 2, 3])])
def test_scheme_sets_the_depth_of_analogs(filter_chain, scheme, expected_depths):
    result = search(client=client_with(scheme=scheme), query="0986452041")
    assert [row.depth for row in result.requested_rows] == [0]
    assert sorted(row.depth for row in result.analog_rows) == expected_depths
    assert result.analogs_shown == result.analogs_total == scheme


def test_article_under_two_brands_asks_for_the_brand_first(filter_chain):
    # given the same article under another brand
    other = make_product("TRIALLI", "0986-452041", "Фильтр масляный")
    make_offer(other, price="300.00")
    client = client_with(scheme=3)

    # when no brand is chosen
    ambiguous = search(client=client, query="0 986 452 041")

    # then
    assert ambiguous.status == SearchResult.STATUS_CHOOSE_BRAND
    assert [c.brand for c in ambiguous.brand_choices] == ["BOSCH", "TRIALLI"]
    assert ambiguous.rows == []

    # when the brand is chosen
    chosen = search(client=client, query="0 986 452 041", brand_id=filter_chain[0].brand_id)

    # then
    assert chosen.status == SearchResult.STATUS_FOUND
    assert chosen.product.brand == "BOSCH"
    assert len(chosen.analog_rows) == 3

    # and a brand that does not make this article is ignored: the choice is offered again
    stranger = search(client=client, query="0986452041", brand_id=filter_chain[2].brand_id)
    assert stranger.status == SearchResult.STATUS_CHOOSE_BRAND


def test_brand_choice_follows_brand_names_not_the_order_products_were_made():
    # given an article made under three brands, added out of alphabetical order
    for brand in ("ZETA", "ALFA", "MIDI"):
        make_offer(make_product(brand, "AB-100", "Фильтр"), price="100.00")

    # when no brand is chosen
    result = search(client=client_with(scheme=3), query="AB100")

    # then the choice lists the brands by name (the statement's lines come in no order)
    assert [choice.brand for choice in result.brand_choices] == ["ALFA", "MIDI", "ZETA"]


def test_display_price_carries_the_markup_rounded_half_up():
    assert display_price(Decimal("1000.00"), Decimal("12.5")) == Decimal("1125.00")
    assert display_price(Decimal("0.99"), Decimal("50")) == Decimal("1.49")  # 1.485 → 1.49
    assert display_price(Decimal("100.01"), Decimal("0")) == Decimal("100.01")


def test_rows_show_the_display_price_never_the_real_one(filter_chain):
    result = search(client=client_with(markup="10", scheme=1), query="0986452041")
    prices = {row.article: row.price for row in result.rows}
    assert prices == {"0 986 452 041": Decimal("550.00"), "W 712/75": Decimal("660.00")}
    assert not any(hasattr(row, "real_price") for row in result.rows)


def test_requested_product_first_then_analogs_sorted_inside_their_group():
    # given a requested product with two offers and three analogs
    home, transit = make_warehouse(), make_warehouse(Warehouse.Kind.TRANSIT)
    product = make_product("BOSCH", "SRT-1")
    make_offer(product, home, price="900.00", delivery_days=0)
    make_offer(product, transit, price="800.00", delivery_days=5)
    for article, price, days in (
        ("SRT-A", "100.00", 7),
        ("SRT-B", "300.00", 1),
        ("SRT-C", "200.00", 3),
    ):
        analog = make_product("FEBI", article)
        link(product, analog)
        make_offer(analog, transit, price=price, delivery_days=days)
    client = client_with()

    # when / then
    by_price = search(client=client, query="SRT-1", sort="price")
    assert [str(r.price) for r in by_price.rows] == [
        "800.00",
        "900.00",
        "100.00",
        "200.00",
        "300.00",
    ]
    by_price_desc = search(client=client, query="SRT-1", sort="price_desc")
    assert [str(r.price) for r in by_price_desc.rows] == [
        "900.00",
        "800.00",
        "300.00",
        "200.00",
        "100.00",
    ]
    by_delivery = search(client=client, query="SRT-1", sort="delivery")
    assert [r.delivery_days for r in by_delivery.rows] == [0, 5, 1, 3, 7]


def test_in_stock_filter_drops_empty_offers_and_analogs_without_stock():
    # given
    warehouse = make_warehouse()
    product = make_product("BOSCH", "STK-1")
    make_offer(product, warehouse, quantity=0)
    make_offer(product, make_warehouse(Warehouse.Kind.MARKETPLACE), quantity=3)
    empty_analog = make_product("ATE", "STK-2")
    link(product, empty_analog)
    make_offer(empty_analog, warehouse, quantity=0)
    client = client_with()

    # when
    everything = search(client=client, query="STK-1")
    in_stock = search(client=client, query="STK-1", in_stock=True)

    # then
    assert len(everything.rows) == 3
    assert [r.quantity for r in in_stock.rows] == [3]
    assert in_stock.analogs_total == 0


def test_inactive_warehouses_are_not_offered():
    product = make_product("BOSCH", "INA-1")
    make_offer(product, make_warehouse(is_active=False))
    assert search(client=client_with(), query="INA-1").rows == []


def test_many_analogs_are_capped_to_the_nearest(monkeypatch, filter_chain):
    # given a cap of two analogs and a chain of three
    monkeypatch.setattr(search_module, "ANALOG_LIMIT", 2)

    # when
    result = search(client=client_with(scheme=3), query="0986452041")

    # then the two nearest are shown and the page can say so
    assert sorted(row.depth for row in result.analog_rows) == [1, 2]
    assert (result.analogs_shown, result.analogs_total) == (2, 3)
    assert result.analogs_truncated


def test_row_labels():
    product = make_product("BOSCH", "LBL-1")
    make_offer(product, make_warehouse(), delivery_days=0, return_days=14)
    make_offer(
        product,
        make_warehouse(Warehouse.Kind.TRANSIT),
        delivery_days=3,
        is_returnable=False,
    )
    rows = {row.warehouse_kind: row for row in search(client=client_with(), query="LBL-1").rows}
    home, transit = rows["home"], rows["transit"]
    assert (home.warehouse_kind_label, home.delivery_label, home.return_label) == (
        "Домашний склад",
        "сегодня",
        "возврат 14 дней",
    )
    assert (transit.warehouse_kind_label, transit.delivery_label, transit.return_label) == (
        "Транзитный склад",
        "3 дня",
        "невозвратный",
    )
    assert home.depth_label == "запрошенный артикул"


def test_query_count_does_not_grow_with_analogs_and_offers(django_assert_num_queries):
    # given two products: one with 5 analogs, one with 50, each analog with two offers
    home, transit = make_warehouse(), make_warehouse(Warehouse.Kind.TRANSIT)
    for article, n in (("QC-FIVE", 5), ("QC-FIFTY", 50)):
        product = make_product("BOSCH", article)
        make_offer(product, home)
        for i in range(n):
            analog = make_product("FEBI", f"{article}-AN{i}")
            link(product, analog)
            make_offer(analog, home)
            make_offer(analog, transit)
    client = client_with(scheme=2)

    # then: one statement (issue 13) — product, the walk, analogs with offers and their offers
    with django_assert_num_queries(1):
        small = search(client=client, query="QC-FIVE")
    with django_assert_num_queries(1):
        large = search(client=client, query="QC-FIFTY")
    assert (len(small.rows), len(large.rows)) == (11, 101)


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
@pytest.mark.parametrize("in_stock", [False, True])
@pytest.mark.parametrize("scheme", [1, 2, 3])
def test_search_statement_binds_only_the_article_and_the_brand(scheme, in_stock, vendor):
    # the scheme, the stock filter and the limits are written into the prepared text (issue 13):
    # a generic plan made without the parameters' values still walks only the scheme's levels
    sql = search_module._search_sql(vendor, scheme, in_stock, 2000, 100)
    assert sql.count("%(") == sql.count("%(article)s") + sql.count("%(brand)s")
    assert f"{scheme} >= 1" in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_search_statement_is_prepared_on_postgresql(filter_chain):
    # when the same search runs twice on one connection
    client = client_with(scheme=3)
    first = search(client=client, query="0986452041")
    second = search(client=client, query="0986452041")

    # then PostgreSQL holds the statement prepared, and the results are the same
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%WITH candidate AS%"],
        )
        assert cursor.fetchone()[0] >= 1
    assert first == second and first.rows


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_search_walk_drops_met_products_by_hash_probe_and_checks_warehouses_in_the_scan(
    filter_chain,
):
    # when PostgreSQL plans the scheme-3 statement
    sql = search_module._search_sql("postgresql", 3, False, 2000, 100)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, {"article": "0986452041", "brand": None})
        plan = cursor.fetchone()[0][0]["Plan"]
    nodes = list(_plan_nodes(plan))

    # then no level of the walk goes through EXCEPT (a SetOp hashing every id it meets: ~25 % of
    # the statement at scheme 3 on the 1M catalog), and an analog's offers are tested against one
    # array of the active warehouses inside the offer scan, not joined with them offer by offer
    assert not [node for node in nodes if node["Node Type"] == "SetOp"]
    # and the ~220 lines are not sorted by brand name at the end (Python orders the rows)
    assert plan["Node Type"] != "Sort"
    offer_scans = [node for node in nodes if node.get("Relation Name") == "catalog_offer"]
    assert "warehouse_id = ANY" in json.dumps(offer_scans)
