"""The cabinet search page `catalog:search`: states, prices, cart forms, query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from mprating.accounts import services as account_services
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.catalog.tests.factories import link, make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db

URL = reverse("catalog:search")


@pytest.fixture
def signed_in(client):
    account = make_client()
    account = account_services.client_update_search_settings(
        client=account, markup_percent=Decimal("15"), cross_scheme=2
    )
    client.force_login(account.user)
    return account


@pytest.fixture
def catalog():
    home = make_warehouse(name="Склад Москва")
    transit = make_warehouse(Warehouse.Kind.TRANSIT, name="Поставщик Север")
    bosch = make_product("BOSCH", "0 986 452 041", "Фильтр масляный")
    mann = make_product("MANN-FILTER", "W 712/75", "Фильтр масляный")
    mahle = make_product("MAHLE", "OC 205", "Фильтр масляный")
    link(bosch, mann)
    link(mann, mahle)
    own = make_offer(bosch, home, price="1234.56", quantity=4, min_order_quantity=2)
    make_offer(mann, transit, price="777.77", delivery_days=3, is_returnable=False)
    make_offer(mahle, home, price="555.55", quantity=0)
    return {"bosch": bosch, "own_offer": own}


def test_requires_a_client(client):
    assert client.get(URL).status_code == 302
    client.force_login(make_staff(email="manager@example.ru"))
    assert client.get(URL).status_code == 403


def test_empty_page_shows_only_the_form(client, signed_in):
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="search-form"' in page
    assert 'data-testid="offers"' not in page


def test_blank_query_gets_a_russian_message(client, signed_in):
    response = client.get(URL, {"q": "  "})
    assert response.status_code == 422
    assert "Введите артикул для поиска." in response.content.decode()


def test_not_found(client, signed_in):
    response = client.get(URL, {"q": "NOPE-404"})
    page = response.content.decode()
    assert 'data-testid="not-found"' in page
    assert "Ничего не найдено" in page


def test_found_shows_display_prices_depths_and_cart_forms(client, signed_in, catalog):
    # when
    response = client.get(URL, {"q": "0986-452-041"})

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('data-testid="offer-row"') == 3
    assert "аналог 1-го уровня" in page and "аналог 2-го уровня" in page
    # 1234.56 × 1.15 = 1419.744 → 1 419,74 ₽; 777.77 × 1.15 = 894.4355 → 894,44 ₽
    assert "1\u202f419,74\u00a0₽" in page
    assert "894,44\u00a0₽" in page
    assert "невозвратный" in page and "Транзитный склад" in page and "Склад Москва" in page
    offer_id = catalog["own_offer"].pk
    cart_url = reverse("cart:add")
    assert f'id="offer-{offer_id}-cart"' in page
    assert f'hx-post="{cart_url}" hx-target="#offer-{offer_id}-cart" hx-swap="innerHTML"' in page
    assert f'name="offer" value="{offer_id}"' in page
    assert 'name="quantity" value="2"' in page  # the minimum order
    assert "В корзину" in page


def test_the_real_price_is_not_in_the_page(client, signed_in, catalog):
    page = client.get(URL, {"q": "0986452041"}).content.decode()
    for real in ("1234.56", "1234,56", "1\u202f234,56", "777.77", "777,77", "555,55"):
        assert real not in page
    assert "наценк" not in page.lower()  # the markup is never hinted at on the screen


def test_brand_choice_lists_links_with_the_brand(client, signed_in, catalog):
    # given the article under a second brand
    other = make_product("TRIALLI", "0986452041", "Фильтр масляный")

    # when
    page = client.get(URL, {"q": "0 986 452 041"}).content.decode()

    # then
    assert 'data-testid="brand-choices"' in page
    assert f"brand={catalog['bosch'].brand_id}" in page
    assert f"brand={other.brand_id}" in page
    assert 'data-testid="offer-row"' not in page

    # when the brand is chosen
    chosen = client.get(URL, {"q": "0 986 452 041", "brand": catalog["bosch"].brand_id})
    assert chosen.content.decode().count('data-testid="offer-row"') == 3


def test_htmx_request_gets_only_the_results(client, signed_in, catalog):
    response = client.get(URL, {"q": "0986452041"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="search-results"')
    assert "<html" not in page


def test_sort_and_in_stock_from_the_query_string(client, signed_in, catalog):
    page = client.get(URL, {"q": "0986452041", "in_stock": "on", "sort": "price_desc"}).content
    assert page.decode().count('data-testid="offer-row"') == 2  # MAHLE has no stock


def test_unknown_sort_is_an_error_next_to_the_form(client, signed_in, catalog):
    response = client.get(URL, {"q": "0986452041", "sort": "cheapest"})
    assert response.status_code == 422
    assert 'data-testid="search-error"' in response.content.decode()


def test_query_count_is_the_same_for_5_and_50_analogs(client, signed_in):
    # given
    home, transit = make_warehouse(), make_warehouse(Warehouse.Kind.TRANSIT)
    for article, n in (("PG-FIVE", 5), ("PG-FIFTY", 50)):
        product = make_product("BOSCH", article)
        make_offer(product, home)
        for i in range(n):
            analog = make_product("FEBI", f"{article}-AN{i}")
            link(product, analog)
            make_offer(analog, home)
            make_offer(analog, transit)

    # when
    small = count_queries(lambda: client.get(URL, {"q": "PG-FIVE"}))
    large = count_queries(lambda: client.get(URL, {"q": "PG-FIFTY"}))

    # then
    assert small == large
    assert (
        client.get(URL, {"q": "PG-FIFTY"}).content.decode().count('data-testid="offer-row"') == 101
    )


def test_row_texts_are_escaped_exactly_once(client, signed_in):
    # given a brand and a name with HTML in them (issue 13: the cells are escaped in Python once)
    product = make_product("A&B <i>", "ESC-1", 'Фильтр "салонный" <script>x</script> & Co')
    make_offer(product, make_warehouse(name="Склад <1>"), price="1000.00")

    # when
    page = client.get(URL, {"q": "ESC-1"}, headers={"HX-Request": "true"}).content.decode()

    # then
    assert "Фильтр &quot;салонный&quot; &lt;script&gt;x&lt;/script&gt; &amp; Co" in page
    assert "A&amp;B &lt;I&gt;" in page and "Склад &lt;1&gt;" in page
    assert "<script>x" not in page and "&amp;amp;" not in page and "&amp;lt;" not in page
    assert "1\u202f150,00\u00a0₽" in page  # 15 % markup
