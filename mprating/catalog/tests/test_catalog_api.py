"""`GET /api/v1/catalog/search`: the same search as the cabinet, as JSON."""

from decimal import Decimal
from itertools import pairwise

import pytest

from mprating.accounts import services as account_services
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.tests.factories import link, make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/catalog/search"


@pytest.fixture
def signed_in(client):
    account = account_services.client_update_search_settings(
        client=make_client(), markup_percent=Decimal("20"), cross_scheme=2
    )
    client.force_login(account.user)
    return account


@pytest.fixture
def chain():
    warehouse = make_warehouse(name="Склад Москва")
    products = [
        make_product("BOSCH", "0 986 452 041", "Фильтр масляный"),
        make_product("MANN-FILTER", "W 712/75", "Фильтр масляный"),
        make_product("MAHLE", "OC 205", "Фильтр масляный"),
        make_product("FILTRON", "OP 526", "Фильтр масляный"),
    ]
    for first, second in pairwise(products):
        link(first, second)
    for product in products:
        make_offer(product, warehouse, price="100.05")
    return products


def test_requires_a_session(client):
    assert client.get(URL, {"q": "X"}).status_code == 401


def test_staff_without_a_client_profile_is_refused(client):
    client.force_login(make_staff(email="ops@example.ru"))
    response = client.get(URL, {"q": "X"})
    assert response.status_code == 403
    assert response.json()["message"] == "Поиск доступен только клиентам магазина."


def test_found_returns_rows_with_display_prices_as_strings(client, signed_in, chain):
    # when
    response = client.get(URL, {"q": "0986-452-041"})

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "found"
    assert body["product"]["brand"] == "BOSCH"
    assert body["cross_scheme"] == 2
    assert [row["depth"] for row in body["rows"]] == [0, 1, 2]
    assert {row["price"] for row in body["rows"]} == {"120.06"}  # 100.05 × 1.2 = 120.06
    first = body["rows"][0]
    assert first["warehouse_kind_label"] == "Домашний склад"
    assert first["return_label"] == "возврат 14 дней"
    assert first["depth_label"] == "запрошенный артикул"
    assert "100.05" not in response.content.decode()


def test_brand_choices_then_brand(client, signed_in, chain):
    other = make_product("TRIALLI", "0986452041", "Фильтр масляный")

    choices = client.get(URL, {"q": "0986452041"}).json()
    assert choices["status"] == "choose_brand"
    assert [c["brand"] for c in choices["brand_choices"]] == ["BOSCH", "TRIALLI"]
    assert choices["rows"] == []

    chosen = client.get(URL, {"q": "0986452041", "brand": other.brand_id}).json()
    assert chosen["status"] == "found"
    assert chosen["product"]["id"] == other.pk


def test_not_found(client, signed_in):
    body = client.get(URL, {"q": "ZZZ"}).json()
    assert body["status"] == "not_found"
    assert body["product"] is None


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": ""}, "q", "Введите артикул для поиска."),
        ({"q": "X1", "sort": "name"}, "sort", "Неизвестная сортировка"),
    ],
)
def test_bad_query_gets_a_russian_message(client, signed_in, params, field, message):
    response = client.get(URL, params)
    body = response.json()
    assert response.status_code == 400
    assert body["field"] == field
    assert body["message"].startswith(message)


def test_malformed_brand_is_422(client, signed_in):
    response = client.get(URL, {"q": "X1", "brand": "bosch"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "Введите целое число."


def test_sort_and_in_stock(client, signed_in, chain):
    make_offer(chain[1], make_warehouse(), price="1.00", quantity=0)
    rows = client.get(URL, {"q": "0986452041", "sort": "price", "in_stock": "true"}).json()["rows"]
    assert all(row["quantity"] > 0 for row in rows)
    everything = client.get(URL, {"q": "0986452041", "sort": "price"}).json()["rows"]
    assert everything[1]["price"] == "1.20"  # cheapest analog first


def test_query_count_is_constant(client, signed_in):
    warehouse = make_warehouse()
    for article, n in (("API-FIVE", 5), ("API-FIFTY", 50)):
        product = make_product("BOSCH", article)
        make_offer(product, warehouse)
        for i in range(n):
            analog = make_product("FEBI", f"{article}-AN{i}")
            link(product, analog)
            make_offer(analog, warehouse)
    assert count_queries(lambda: client.get(URL, {"q": "API-FIVE"})) == count_queries(
        lambda: client.get(URL, {"q": "API-FIFTY"})
    )
