"""After a reload, the search page shows on each offer how many pieces are already in the cart
(«В корзине: N шт.», as right after «В корзину»): cart answers catalog's hook with one query."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mprating.accounts import services as account_services
from mprating.accounts.tests.factories import make_client
from mprating.cart import services
from mprating.catalog import hooks
from mprating.catalog.models import Offer
from mprating.catalog.search import search
from mprating.catalog.tests.factories import link, make_offer, make_product, make_warehouse
from mprating.catalog.tests.test_search_one_statement import old_search, varied_catalog
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db

SEARCH = reverse("catalog:search")


@pytest.fixture
def shopper(client):
    customer = make_client()
    client.force_login(customer.user)
    return customer


def _cart_cell(html: str, offer_id: int) -> str:
    match = re.search(rf'<div id="offer-{offer_id}-cart">(.*?)</div>\s*</td>', html, re.S)
    assert match, f"no cart cell for offer {offer_id}"
    return match.group(1)


def test_search_after_a_reload_shows_the_pieces_already_in_the_cart(client, shopper):
    # given: two offers of the article and an analog; three pieces of one are in the cart
    home = make_warehouse()
    bosch = make_product("BOSCH", "0 986 452 041", "Фильтр масляный")
    mann = make_product("MANN-FILTER", "W 712/75", "Фильтр масляный")
    link(bosch, mann)
    carted = make_offer(bosch, home, quantity=10)
    other = make_offer(bosch, make_warehouse(), quantity=10)
    analog = make_offer(mann, home, quantity=10)
    services.cart_add(client=shopper, offer_id=carted.pk, quantity=3)
    services.cart_add(client=make_client(), offer_id=other.pk, quantity=5)  # someone else's

    # when: the page is loaded afresh
    html = client.get(SEARCH, {"q": "0986-452-041"}).content.decode()

    # then: the carted offer says so; the others still offer «В корзину»
    cell = _cart_cell(html, carted.pk)
    assert f'data-testid="in-cart-{carted.pk}">В корзине: 3 шт.</span>' in cell
    assert reverse("cart:detail") in cell
    assert "<form" not in cell
    for offer in (other, analog):
        cell = _cart_cell(html, offer.pk)
        assert "В корзине" not in cell
        assert "В корзину</button>" in cell


def test_a_second_add_is_counted_after_the_reload(client, shopper):
    offer = make_offer(quantity=10)
    product = offer.product
    client.post(reverse("cart:add"), {"offer": offer.pk, "quantity": "2"})
    client.post(reverse("cart:add"), {"offer": offer.pk, "quantity": "1"})

    html = client.get(SEARCH, {"q": product.article}).content.decode()

    assert "В корзине: 3 шт." in _cart_cell(html, offer.pk)


def test_the_cart_numbers_cost_one_query_for_5_and_for_50_carted_offers(
    client, shopper, django_assert_max_num_queries
):
    # given: two articles with 5 and 50 analogs, every offer of them in the cart
    home = make_warehouse()
    for article, n in (("PG-FIVE", 5), ("PG-FIFTY", 50)):
        product = make_product("BOSCH", article)
        offers = [make_offer(product, home, quantity=10)]
        for i in range(n):
            analog = make_product("FEBI", f"{article}-AN{i}")
            link(product, analog)
            offers.append(make_offer(analog, home, quantity=10))
        for offer in offers:
            services.cart_add(client=shopper, offer_id=offer.pk, quantity=1)
    empty_cart_page = count_queries(lambda: client.get(SEARCH, {"q": "PG-FIVE"}))

    # when
    small = count_queries(lambda: client.get(SEARCH, {"q": "PG-FIVE"}))
    with django_assert_max_num_queries(small):
        html = client.get(SEARCH, {"q": "PG-FIFTY"}).content.decode()

    # then: the same queries whatever the number of rows, all 51 rows say «В корзине»
    assert small == empty_cart_page
    assert html.count("В корзине: 1 шт.") == 51


def test_search_without_the_cart_numbers_when_the_cart_cannot_answer(client, shopper, monkeypatch):
    offer = make_offer(quantity=10)
    services.cart_add(client=shopper, offer_id=offer.pk, quantity=2)

    def broken(*, client, offer_ids):
        raise RuntimeError("cart is down")

    monkeypatch.setattr(hooks, "_in_cart_providers", [broken])

    response = client.get(SEARCH, {"q": offer.product.article})

    assert response.status_code == 200
    assert "В корзину</button>" in _cart_cell(response.content.decode(), offer.pk)


# ---- issue 13: the search is one statement; the cart's numbers stay one query --------------


@pytest.fixture
def varied():
    return varied_catalog()


def _client_with(markup: str, scheme: int):
    return account_services.client_update_search_settings(
        client=make_client(), markup_percent=Decimal(markup), cross_scheme=scheme
    )


def test_in_cart_numbers_join_the_rows_as_they_did_the_earlier_search(varied):
    # given pieces of two offers of the hub's search in the client's cart
    customer = _client_with("10", 2)
    rows = search(client=customer, query="VAR-024").rows
    carted = [row for row in rows if row.orderable][:2]
    pieces = [carted[0].min_order_quantity, carted[1].min_order_quantity + 1]
    for row, quantity in zip(carted, pieces, strict=True):
        services.cart_add(client=customer, offer_id=row.offer_id, quantity=quantity)

    # when
    new = hooks.rows_with_cart(search(client=customer, query="VAR-024").rows, client=customer)
    old = hooks.rows_with_cart(old_search(client=customer, query="VAR-024").rows, client=customer)

    # then
    assert new == old
    assert [row.in_cart for row in new if row.in_cart] == pieces


def test_the_search_page_costs_a_fixed_number_of_queries(client, varied):
    # given a signed-in client (scheme 3) with something in the cart
    customer = _client_with("10", 3)
    client.force_login(customer.user)
    offer = Offer.objects.filter(product=varied[24], quantity__gt=3).first()
    services.cart_add(client=customer, offer_id=offer.pk, quantity=1)

    def page(query: str) -> int:
        return count_queries(
            lambda: client.get(SEARCH, {"q": query}, headers={"HX-Request": "true"})
        )

    # when / then: user with its client, the search statement, the cart's numbers (the session
    # is read from the cache), whatever the number of analogs
    assert page("VAR-024") == page("VAR-031") == page("VAR-005") == 3


def test_in_cart_numbers_bind_the_shown_offers_as_one_parameter(shopper):
    # given a search page of 30 offers, one of them in the cart
    home = make_warehouse()
    offers = [make_offer(make_product("BOSCH", f"ONE-{i}"), home, quantity=5) for i in range(30)]
    services.cart_add(client=shopper, offer_id=offers[7].pk, quantity=2)
    rows = [
        row for offer in offers for row in search(client=shopper, query=offer.product.article).rows
    ]

    # when the rows get the cart's numbers
    with CaptureQueriesContext(connection) as queries:
        marked = hooks.rows_with_cart(rows, client=shopper)

    # then one query with the client and ONE list of offers, not a placeholder per offer
    # (~200 of them on a scheme-3 page: 3.9 ms of Python to write and quote)
    assert len(queries) == 1
    assert "IN (SELECT" in queries[0]["sql"]  # `any_of`: unnest(array) / json_each(text)
    assert [row.in_cart for row in marked if row.in_cart] == [2]
