"""In Chromium: upload an order file → result page → pick the brand of an ambiguous row →
see it in the cart, change a quantity, see the total follow."""

import re

import pytest

from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.cart.tests.files import xlsx_bytes
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def test_upload_resolve_ambiguous_row_and_see_cart(live_server, page, screenshot, tmp_path):
    customer = make_client(email="zakaz@example.ru")
    home = make_warehouse(name="Домашний склад, Москва")
    transit = make_warehouse(kind="transit", name="Поставщик «Автодеталь»")
    make_offer(
        product=make_product(brand="BOSCH", article="0 986 452 041", name="Фильтр масляный"),
        warehouse=home,
        price="450.00",
        quantity=12,
    )
    make_offer(
        product=make_product(brand="FEBI", article="27 432", name="Втулка стабилизатора"),
        warehouse=transit,
        price="312.40",
        quantity=8,
        delivery_days=3,
    )
    make_offer(
        product=make_product(brand="TRW", article="27432", name="Втулка стабилизатора"),
        warehouse=home,
        price="389.00",
        quantity=4,
    )
    make_offer(
        product=make_product(brand="SACHS", article="315 678", name="Амортизатор передний"),
        warehouse=transit,
        price="4 150.00".replace(" ", ""),
        quantity=1,
        delivery_days=2,
    )
    order = tmp_path / "zakaz.xlsx"
    order.write_bytes(
        xlsx_bytes(
            [
                ["BOSCH", "0986-452-041", 2, "ТО-1 Kia Rio"],
                ["", "27432", 2, "передние"],
                ["SACHS", "315678", 2, ""],
                ["", "NOPE-404", 1, ""],
            ]
        )
    )

    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill(customer.user.email)
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/cabinet/**")

    page.goto(f"{live_server.url}/cabinet/cart/")
    page.get_by_test_id("cart-empty").wait_for()
    screenshot("1-empty-cart")
    page.get_by_test_id("cart-import-link").click()
    page.wait_for_url("**/cabinet/cart/import/")
    field(page, "Файл заказа").set_input_files(str(order))
    screenshot("2-import-page")
    page.get_by_role("button", name="Загрузить").click()
    page.wait_for_url(re.compile(r".*/cabinet/cart/import/\d+/$"))

    assert page.get_by_test_id("count-added").inner_text() == "1"
    assert page.get_by_test_id("count-not-added").inner_text() == "3"
    ambiguous = page.locator("[data-testid=import-row][data-row='3']")
    assert "несколько брендов" in ambiguous.inner_text()
    screenshot("3-result")

    ambiguous.get_by_role("button", name="Выбрать FEBI").click()
    page.locator("[data-testid=import-row][data-row='3']").get_by_text(
        "Добавлено после выбора"
    ).wait_for()
    assert page.get_by_test_id("count-added").inner_text() == "2"
    page.locator("[data-testid=import-row][data-row='4']").get_by_role(
        "button", name="Добавить 1 шт."
    ).click()
    page.locator("[data-testid=import-row][data-row='4']").get_by_text(
        "добавлено 1 шт. из 2"
    ).wait_for()
    screenshot("4-resolved")

    page.get_by_test_id("go-to-cart").click()
    page.wait_for_url("**/cabinet/cart/")
    lines = page.get_by_test_id("cart-line")
    assert lines.count() == 3
    assert "FEBI" in page.get_by_test_id("cart-table").inner_text()
    assert page.get_by_test_id("cart-total").inner_text() == "5\u202f674,80\u00a0₽"
    screenshot("5-cart")

    febi_quantity = lines.filter(has_text="FEBI").get_by_test_id("line-quantity")
    febi_quantity.fill("9")
    febi_quantity.press("Enter")
    page.get_by_test_id("line-error").wait_for()
    assert "Можно заказать не больше 8 шт." in page.get_by_test_id("line-error").inner_text()
    screenshot("6-quantity-error")
    febi_quantity = (
        page.get_by_test_id("cart-line").filter(has_text="FEBI").get_by_test_id("line-quantity")
    )
    febi_quantity.fill("3")
    febi_quantity.press("Enter")
    page.get_by_test_id("cart-total").filter(has_text="5\u202f987,20").wait_for()
    assert page.get_by_test_id("checkout-link").get_attribute("href") == "/cabinet/orders/checkout/"
