"""Cabinet checkout (`orders:checkout`) and the placed order page (`orders:placed`)."""

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from mprating.accounts.tests.factories import make_client
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer
from mprating.catalog.tests.factories import make_offer, make_product
from mprating.core.testing import count_queries
from mprating.orders.models import Order, OrderLine
from mprating.orders.tests.factories import add_to_cart, make_pickup_point, place_order

pytestmark = pytest.mark.django_db

CHECKOUT = "/cabinet/orders/checkout/"


@pytest.fixture
def signed_in(client):
    account = make_client(last_name="Оформляев", phone="+79035550011")
    client.force_login(account.user)
    return account


@pytest.fixture
def cart(signed_in):
    offer = make_offer(
        make_product(brand="SACHS", article="313 484", name="Амортизатор передний"),
        price="5230.00",
        quantity=6,
    )
    add_to_cart(signed_in, offer, quantity=2, comment="левый и правый")
    return offer


def _form(**overrides):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "delivery_method": "pickup",
        "pickup_point": "",
        "delivery_address": "",
        "payment_method": "on_receipt",
        "recipient_phone": "+7 903 555-00-11",
        "comment": "",
    }
    data.update(overrides)
    return data


def test_checkout_url_name():
    assert reverse("orders:checkout") == CHECKOUT


def test_checkout_shows_cart_with_real_prices_points_and_prefilled_phone(client, signed_in, cart):
    # given: a markup that search would add must not reach checkout
    signed_in.markup_percent = Decimal("25")
    signed_in.save()
    make_pickup_point(name="ПВЗ «Химки»", address="Московская обл., г. Химки, ул. Молодёжная, д. 4")
    make_pickup_point(name="ПВЗ закрытый", is_active=False)

    # when
    response = client.get(CHECKOUT)

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "SACHS" in page and "313 484" in page and "Амортизатор передний" in page
    assert "5\u202f230,00\u00a0₽" in page
    assert "10\u202f460,00\u00a0₽" in page
    assert "6\u202f537,50" not in page
    assert "ПВЗ «Химки»" in page and "ул. Молодёжная" in page
    assert "ПВЗ закрытый" not in page
    assert 'value="+7 903 555-00-11"' in page
    assert re.search(r'name="idempotency_key" value="[0-9a-f-]{36}"', page)


def test_empty_cart_gets_a_friendly_message_with_a_link_to_search(client, signed_in):
    response = client.get(CHECKOUT)

    page = response.content.decode()
    assert "В корзине пока ничего нет" in page
    assert reverse("catalog:search") in page


def test_placing_an_order_redirects_to_its_page(client, signed_in, cart):
    point = make_pickup_point(name="ПВЗ «Марьино»")

    response = client.post(CHECKOUT, _form(pickup_point=str(point.pk), comment="До 18:00"))

    order = Order.objects.get(client=signed_in)
    assert response.status_code == 302
    assert response["Location"] == f"/cabinet/orders/{order.number}/"
    assert order.pickup_point == point
    assert order.recipient_phone == "+79035550011"
    assert order.comment == "До 18:00"
    assert not CartLine.objects.filter(client=signed_in).exists()
    page = client.get(response["Location"]).content.decode()
    assert f"Заказ № {order.number} оформлен" in page
    assert "ПВЗ «Марьино»" in page
    assert "При получении" in page
    assert "+7 903 555-00-11" in page
    assert "Новый" in page and "#2563eb" in page


def test_resubmitting_the_same_form_opens_the_same_order(client, signed_in, cart):
    point = make_pickup_point()
    data = _form(pickup_point=str(point.pk))

    first = client.post(CHECKOUT, data)
    second = client.post(CHECKOUT, data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1
    cart.refresh_from_db()
    assert cart.quantity == 4


def test_delivery_to_an_address(client, signed_in, cart):
    response = client.post(
        CHECKOUT,
        _form(delivery_method="address", delivery_address="г. Москва, ул. Арбат, д. 10, кв. 5"),
    )

    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.pickup_point, order.delivery_address) == (
        None,
        "г. Москва, ул. Арбат, д. 10, кв. 5",
    )


@pytest.mark.parametrize(
    ("overrides", "testid", "message"),
    [
        ({}, "error-pickup_point", "Выберите пункт выдачи."),
        ({"pickup_point": "987654"}, "error-pickup_point", "не найден или больше не работает"),
        (
            {"delivery_method": "address"},
            "error-delivery_address",
            "Укажите адрес доставки.",
        ),
        ({"recipient_phone": "555"}, "error-recipient_phone", "Введите номер телефона полностью"),
        ({"payment_method": ""}, "error-payment_method", "Выберите способ оплаты."),
    ],
    ids=["no-point", "unknown-point", "no-address", "bad-phone", "no-payment"],
)
def test_bad_input_is_shown_next_to_its_field_and_changes_nothing(
    client, signed_in, cart, overrides, testid, message
):
    response = client.post(CHECKOUT, _form(**overrides))

    page = response.content.decode()
    assert response.status_code == 422
    assert f'data-testid="{testid}"' in page
    assert message in page
    assert not Order.objects.exists()
    assert CartLine.objects.filter(client=signed_in).count() == 1
    cart.refresh_from_db()
    assert cart.quantity == 6


def test_not_enough_stock_is_explained_on_the_line_and_changes_nothing(client, signed_in, cart):
    Offer.objects.filter(pk=cart.pk).update(quantity=1)
    point = make_pickup_point()

    response = client.post(CHECKOUT, _form(pickup_point=str(point.pk)))

    page = response.content.decode()
    assert response.status_code == 422
    assert "SACHS 313 484: в наличии осталось 1 шт., в корзине 2 шт." in page
    assert 'data-testid="line-problem"' in page
    assert not Order.objects.exists()


def test_posting_with_an_empty_cart_says_so(client, signed_in):
    point = make_pickup_point()

    response = client.post(CHECKOUT, _form(pickup_point=str(point.pk)))

    page = response.content.decode()
    assert response.status_code == 422
    assert "Корзина пуста" in page
    assert "В корзине пока ничего нет" in page


def test_another_clients_order_is_404(client, signed_in):
    stranger = make_client(email="stranger@example.ru")
    add_to_cart(stranger, make_offer(), quantity=1)
    order = place_order(stranger)

    response = client.get(reverse("orders:placed", kwargs={"number": order.number}))

    assert response.status_code == 404


def test_an_unknown_number_is_404(client, signed_in):
    assert client.get("/cabinet/orders/MP-999999/").status_code == 404


def test_checkout_requires_a_login(client):
    response = client.get(CHECKOUT)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _cart_of(client_account, lines: int) -> None:
    for _ in range(lines):
        add_to_cart(client_account, make_offer(quantity=5), quantity=1)


def test_checkout_page_query_count_does_not_grow_with_the_cart(client, signed_in):
    make_pickup_point()
    _cart_of(signed_in, 5)
    small = count_queries(lambda: client.get(CHECKOUT))
    _cart_of(signed_in, 45)

    large = count_queries(lambda: client.get(CHECKOUT))

    assert small == large


def test_order_page_query_count_does_not_grow_with_the_lines(client, signed_in):
    _cart_of(signed_in, 5)
    small_order = place_order(signed_in)
    _cart_of(signed_in, 50)
    large_order = place_order(signed_in)

    small = count_queries(lambda: client.get(f"/cabinet/orders/{small_order.number}/"))
    large = count_queries(lambda: client.get(f"/cabinet/orders/{large_order.number}/"))

    assert small == large
    assert OrderLine.objects.filter(order=large_order).count() == 50
