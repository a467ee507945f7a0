"""In Chromium: a client with a cart opens checkout, picks a pickup point, places the order."""

import re

import pytest

from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.catalog.models import Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.orders.models import Order
from mprating.orders.tests.factories import add_to_cart, make_pickup_point

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill(email)
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/cabinet/**")


def test_client_places_an_order_to_a_pickup_point(live_server, page, screenshot):
    # given
    buyer = make_client(last_name="Морозова", first_name="Ольга", phone="+79857770011")
    home = make_warehouse(Warehouse.Kind.HOME, name="Склад Москва")
    transit = make_warehouse(Warehouse.Kind.TRANSIT, name="Поставщик «Автоконтинент»")
    pads = make_offer(
        make_product("BOSCH", "0 986 494 005", "Колодки тормозные передние"),
        transit,
        price="2450.50",
        quantity=10,
        delivery_days=3,
    )
    oil_filter = make_offer(
        make_product("MANN-FILTER", "W 712/95", "Фильтр масляный"), home, price="640.00"
    )
    add_to_cart(buyer, pads, quantity=2, comment="на Toyota Camry")
    add_to_cart(buyer, oil_filter, quantity=1)
    make_pickup_point(name="ПВЗ «Профсоюзная»", address="г. Москва, ул. Профсоюзная, д. 56")
    make_pickup_point(name="ПВЗ «Химки»", address="Московская обл., г. Химки, ул. Молодёжная, д. 4")
    _log_in(page, live_server, buyer.user.email)

    # when: the client opens checkout and forgets to choose a point first
    page.goto(f"{live_server.url}/cabinet/orders/checkout/")
    assert page.get_by_test_id("checkout-total").inner_text() == "5\u202f541,00\u00a0₽"
    assert field(page, "Телефон получателя").input_value() == "+7 985 777-00-11"
    screenshot("1-checkout")
    page.get_by_role("button", name="Оформить заказ").click()
    page.get_by_test_id("error-pickup_point").wait_for()
    screenshot("2-no-point-chosen")

    # then they choose a point, a payment method, and place the order
    page.get_by_text("ПВЗ «Химки»").click()
    page.get_by_text("По счёту").click()
    field(page, "Комментарий к заказу").fill("Позвоните за час до доставки в ПВЗ")
    page.get_by_role("button", name="Оформить заказ").click()
    page.wait_for_url(re.compile(r".*/cabinet/orders/MP-\d{6}/$"))

    order = Order.objects.get(client=buyer)
    assert page.get_by_test_id("order-title").inner_text() == f"Заказ № {order.number} оформлен"
    assert page.get_by_test_id("payment-method").inner_text() == "По счёту"
    assert page.get_by_text("ПВЗ «Химки»").is_visible()
    assert page.get_by_test_id("order-total").inner_text() == "5\u202f541,00\u00a0₽"
    assert "Новый" in page.locator(".frame").inner_text()
    screenshot("3-placed")
    assert order.pickup_point.name == "ПВЗ «Химки»"
    assert order.lines.count() == 2

    # and a reload of checkout shows the now empty cart
    page.goto(f"{live_server.url}/cabinet/orders/checkout/")
    page.get_by_test_id("empty-cart").wait_for()
    screenshot("4-empty-cart")


def test_delivery_address_replaces_the_point_list(live_server, page, screenshot):
    buyer = make_client(last_name="Зайцев")
    add_to_cart(buyer, make_offer(price="990.00"), quantity=1)
    make_pickup_point(name="ПВЗ «Марьино»")
    _log_in(page, live_server, buyer.user.email)

    page.goto(f"{live_server.url}/cabinet/orders/checkout/")
    page.get_by_text("Доставка по адресу").click()
    assert not page.get_by_text("ПВЗ «Марьино»").is_visible()
    field(page, "Адрес доставки").fill("г. Москва, ул. Арбат, д. 10, кв. 5")
    screenshot("1-address")
    page.get_by_role("button", name="Оформить заказ").click()
    page.wait_for_url(re.compile(r".*/cabinet/orders/MP-\d{6}/$"))

    assert page.get_by_text("г. Москва, ул. Арбат, д. 10, кв. 5").is_visible()
    screenshot("2-placed")


def test_a_line_sold_out_meanwhile_is_explained_and_nothing_is_ordered(
    live_server, page, screenshot
):
    buyer = make_client(last_name="Орлов")
    shocks = make_offer(
        make_product("SACHS", "313 484", "Амортизатор передний"), price="5230.00", quantity=4
    )
    add_to_cart(buyer, shocks, quantity=2)
    make_pickup_point(name="ПВЗ «Митино»")
    _log_in(page, live_server, buyer.user.email)
    page.goto(f"{live_server.url}/cabinet/orders/checkout/")
    page.get_by_text("ПВЗ «Митино»").click()

    shocks.quantity = 1  # another buyer took the rest while the page was open
    shocks.save(update_fields=["quantity"])
    page.get_by_role("button", name="Оформить заказ").click()

    page.get_by_test_id("line-problem").wait_for()
    assert (
        "в наличии осталось 1 шт., в корзине 2 шт."
        in page.get_by_test_id("line-problem").inner_text()
    )
    assert page.get_by_label(re.compile("ПВЗ «Митино»")).is_checked()
    screenshot("1-sold-out")
    assert not Order.objects.exists()
