"""Issue 3's whole journey in Chromium: search an article → choose a brand → add an analog to
the cart → upload a file → fix an ambiguous row → place the order."""

import re

import pytest

from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.catalog.tests.factories import link, make_offer, make_product, make_warehouse
from mprating.orders.models import Order
from mprating.orders.tests.factories import make_pickup_point

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def test_search_cart_upload_and_order(live_server, page, screenshot, tmp_path):
    # given a catalog: the article exists under two brands, BOSCH has an analog, and
    # «OC 205» of the order file exists under KNECHT and MAHLE
    home = make_warehouse(name="Склад Москва")
    bosch = make_product("BOSCH", "0 986 452 041", "Фильтр масляный")
    make_offer(make_product("FEBI", "0986452041", "Фильтр топливный"), home, price="300.00")
    make_offer(bosch, home, price="520.00")
    analog = make_product("MANN-FILTER", "W 712/75", "Фильтр масляный")
    make_offer(analog, home, price="480.00", quantity=7)
    link(bosch, analog)
    for brand, price in (("KNECHT", "410.00"), ("MAHLE", "450.00")):
        make_offer(make_product(brand, "OC 205", "Фильтр масляный"), home, price=price)
    make_offer(make_product("NGK", "BKR6E", "Свеча зажигания"), home, price="250.00", quantity=40)
    make_pickup_point(name="ПВЗ «Химки»", address="г. Химки, ул. Ленина, д. 1")
    account = make_client(email="journey@example.ru")

    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill("journey@example.ru")
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/cabinet/**")

    # search in another spelling → choose the brand → add the analog
    page.get_by_role("link", name="Поиск по артикулу").click()
    page.get_by_label("Артикул").fill("0986-452-041")
    page.get_by_role("button", name="Найти").click()
    page.get_by_test_id("brand-choices").get_by_role("link", name=re.compile("BOSCH")).click()
    page.get_by_test_id("offers").wait_for()
    analog_row = page.get_by_test_id("offer-row").filter(has_text="W 712/75")
    assert "аналог 1-го уровня" in analog_row.inner_text()
    screenshot("1-search")
    analog_row.get_by_role("button", name="В корзину").click()
    analog_row.get_by_text("В корзине: 1 шт.").wait_for()

    # upload a file with an ambiguous row → pick KNECHT
    order_file = tmp_path / "заказ.csv"
    order_file.write_text(
        "Бренд;Артикул;Количество;Комментарий\nNGK;BKR6E;4;свечи\n;OC 205;2;\n", encoding="cp1251"
    )
    page.get_by_role("link", name="Загрузить в корзину").click()
    field(page, "Файл заказа").set_input_files(str(order_file))
    page.get_by_role("button", name="Загрузить").click()
    page.wait_for_url(re.compile(r".*/cabinet/cart/import/\d+/$"))
    ambiguous = page.locator("[data-testid=import-row][data-row='3']")
    assert "несколько брендов" in ambiguous.inner_text()
    screenshot("2-upload-result")
    ambiguous.get_by_role("button", name="Выбрать KNECHT").click()
    page.locator("[data-testid=import-row][data-row='3']").get_by_text(
        "Добавлено после выбора"
    ).wait_for()

    # the cart holds the three articles at real prices → place the order at a pickup point
    page.get_by_test_id("go-to-cart").click()
    page.wait_for_url("**/cabinet/cart/")
    assert page.get_by_test_id("cart-line").count() == 3
    assert page.get_by_test_id("cart-total").inner_text() == "2\u202f300,00\u00a0₽"
    screenshot("3-cart")
    page.get_by_test_id("checkout-link").click()
    page.get_by_text("ПВЗ «Химки»").click()
    page.get_by_role("button", name="Оформить заказ").click()
    page.wait_for_url(re.compile(r".*/cabinet/orders/MP-\d{6}/$"))
    screenshot("4-placed")

    order = Order.objects.get(client=account)
    assert page.get_by_test_id("order-title").inner_text() == f"Заказ № {order.number} оформлен"
    assert sorted(order.lines.values_list("article", "quantity")) == [
        ("BKR6E", 4),
        ("OC 205", 2),
        ("W 712/75", 1),
    ]
    assert not account.cart_lines.exists()
