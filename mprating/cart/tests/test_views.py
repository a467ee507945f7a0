"""Cart pages: add from search (htmx and plain POST), the cart page, change and remove."""

import pytest
from django.urls import reverse

from mprating.accounts.tests.factories import make_client
from mprating.cart import services
from mprating.cart.models import CartLine
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def shopper(client):
    customer = make_client()
    client.force_login(customer.user)
    return customer


def test_add_htmx_returns_the_cart_cell_of_the_search_row(client, shopper):
    offer = make_offer(quantity=10)

    response = client.post(reverse("cart:add"), {"offer": offer.pk, "quantity": "3"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "В корзине: 3 шт." in html
    assert reverse("cart:detail") in html
    assert CartLine.objects.get(client=shopper).quantity == 3
    # a multi-line {# #} is printed by Django: the cell must show no template markers
    for marker in ("{#", "#}", "{%", "{{"):
        assert marker not in html


def test_add_htmx_error_shows_message_and_the_form_again(client, shopper):
    offer = make_offer(quantity=3)

    response = client.post(reverse("cart:add"), {"offer": offer.pk, "quantity": "5"}, **HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert "Можно заказать не больше 3 шт." in html
    assert 'name="quantity"' in html and 'name="offer"' in html and "В корзину" in html
    assert f'hx-target="#offer-{offer.pk}-cart"' in html
    assert not CartLine.objects.exists()


def test_add_plain_post_redirects_back_with_message(client, shopper):
    offer = make_offer(quantity=10, min_order_quantity=4)
    back = "/cabinet/catalog/?q=0986452041"

    ok = client.post(reverse("cart:add"), {"offer": offer.pk, "quantity": "4", "next": back})
    refused = client.post(
        reverse("cart:add"),
        {"offer": offer.pk, "quantity": "100"},
        HTTP_REFERER="http://testserver/cabinet/cart/?page=1",
        follow=True,
    )

    assert ok.status_code == 302 and ok["Location"] == back
    assert refused.redirect_chain[-1][0] == "http://testserver/cabinet/cart/?page=1"
    assert "Можно заказать не больше 10 шт." in refused.content.decode()


def test_add_never_redirects_to_another_site(client, shopper):
    offer = make_offer()

    response = client.post(
        reverse("cart:add"), {"offer": offer.pk, "quantity": "1", "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("cart:detail")


def test_add_requires_a_client(client):
    response = client.post(reverse("cart:add"), {"offer": 1, "quantity": "1"})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_cart_page_shows_lines_with_real_price_and_total(client, shopper):
    shopper.markup_percent = 50
    shopper.save(update_fields=["markup_percent"])
    product = make_product(brand="BOSCH", article="0 986 452 041", name="Фильтр масляный")
    offer = make_offer(product=product, price="450.00", quantity=10, delivery_days=2)
    services.cart_add(client=shopper, offer_id=offer.pk, quantity=2, comment="ТО-1")

    response = client.get(reverse("cart:detail"))

    html = response.content.decode()
    assert "Фильтр масляный" in html and "0 986 452 041" in html and "BOSCH" in html
    assert "450,00" in html and "900,00" in html and "675,00" not in html
    assert "ТО-1" in html
    assert reverse("orders:checkout") in html
    assert reverse("cart:import") in html


def test_cart_page_empty(client, shopper):
    response = client.get(reverse("cart:detail"))

    assert "Корзина пуста" in response.content.decode()


def _fill_cart(customer, n):
    warehouse = make_warehouse()
    for i in range(n):
        offer = make_offer(product=make_product(article=f"Q{i:05d}"), warehouse=warehouse)
        services.cart_add(client=customer, offer_id=offer.pk, quantity=1)


def test_cart_page_query_count_does_not_grow(client, shopper):
    _fill_cart(shopper, 5)
    five = count_queries(lambda: client.get(reverse("cart:detail")))
    _fill_cart(shopper, 45)
    fifty = count_queries(lambda: client.get(reverse("cart:detail")))

    assert five == fifty


def test_change_quantity_htmx_rerenders_cart_with_new_total(client, shopper):
    offer = make_offer(price="100.00", quantity=5)
    line = services.cart_add(client=shopper, offer_id=offer.pk, quantity=1)

    response = client.post(reverse("cart:line_quantity", args=[line.pk]), {"quantity": "4"}, **HTMX)

    assert response.status_code == 200
    assert "400,00" in response.content.decode()
    line.refresh_from_db()
    assert line.quantity == 4


def test_change_quantity_over_stock_shows_error_next_to_the_line(client, shopper):
    offer = make_offer(quantity=5)
    line = services.cart_add(client=shopper, offer_id=offer.pk, quantity=1)

    response = client.post(reverse("cart:line_quantity", args=[line.pk]), {"quantity": "9"}, **HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert "Можно заказать не больше 5 шт." in html and 'value="9"' in html
    line.refresh_from_db()
    assert line.quantity == 1


def test_remove_line_htmx(client, shopper):
    line = services.cart_add(client=shopper, offer_id=make_offer().pk, quantity=1)

    response = client.post(reverse("cart:line_remove", args=[line.pk]), **HTMX)

    assert response.status_code == 200
    assert "Корзина пуста" in response.content.decode()
    assert not CartLine.objects.exists()


def test_another_clients_line_is_404(client, shopper):
    line = services.cart_add(client=make_client(), offer_id=make_offer().pk, quantity=1)

    changed = client.post(reverse("cart:line_quantity", args=[line.pk]), {"quantity": "2"})
    removed = client.post(reverse("cart:line_remove", args=[line.pk]))

    assert changed.status_code == 404 and removed.status_code == 404
    line.refresh_from_db()
    assert line.quantity == 1


def test_cabinet_add_and_change_with_a_huge_quantity_show_the_russian_message(client, shopper):
    offer = make_offer(quantity=5)
    line = services.cart_add(client=shopper, offer_id=offer.pk, quantity=1)
    message = "Слишком большое количество: не больше 100\u00a0000 шт. в одной позиции."

    added = client.post(reverse("cart:add"), {"offer": offer.pk, "quantity": "99999999999"}, **HTMX)
    changed = client.post(
        reverse("cart:line_quantity", args=[line.pk]), {"quantity": "99999999999"}, **HTMX
    )

    assert message in added.content.decode() and message in changed.content.decode()
    line.refresh_from_db()
    assert line.quantity == 1
