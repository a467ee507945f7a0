"""In Chromium: the client buys a package from the balance in «Пакеты», orders another by
invoice, places an order paid from the balance that uses a request of the package, and the
frame shows the lower balance; the pages at 1366 and at 390 px."""

import re
from decimal import Decimal

import pytest

from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.billing.models import PackagePurchase, PurchaseStatus
from mprating.billing.tests.factories import make_package
from mprating.catalog.tests.factories import make_offer, make_product
from mprating.finance.models import EntryKind, LedgerEntry
from mprating.finance.tests.factories import pay
from mprating.orders.models import Order
from mprating.orders.tests.factories import add_to_cart, make_pickup_point

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

NBSP, NNBSP = "\u00a0", "\u202f"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def too_wide(page) -> list[str]:
    """What sticks out on the right, to say why a page scrolls sideways."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 8).map(e => `${e.tagName}.${e.className}`)"""
    )


def balance(page) -> str:
    return page.get_by_test_id("balance").locator("strong").inner_text()


def test_client_buys_a_package_from_the_balance_and_an_order_uses_it(
    live_server, page, screenshot, settings
):
    # given: 10 000 ₽ on the balance, three packages, a cart of 1 500 ₽, requisites set
    settings.BILLING_PAYMENT_DETAILS = [
        "р/с 40702810938000012345 в ПАО Сбербанк, г. Москва",
        "БИК 044525225, к/с 30101810400000000225",
    ]
    buyer = make_client(
        last_name="Соколова", first_name="Анна", email="anna@example.ru", phone="+79161000001"
    )
    pay(buyer, "10000.00")
    make_package(
        name="Старт",
        price="990.00",
        requests=10,
        days=30,
        sort_order=1,
        description="Для знакомства с магазином: десять заказов за месяц.",
    )
    make_package(
        name="Профи",
        price="3990.00",
        requests=50,
        days=90,
        sort_order=2,
        description="Для автосервиса: пятьдесят заказов на квартал.",
    )
    make_package(
        name="Оптовик",
        price="12990.00",
        requests=200,
        days=365,
        sort_order=3,
        description="Для магазинов и перепродажи: двести заказов на год.",
    )
    add_to_cart(
        buyer, make_offer(make_product("BOSCH", "0 986 494 005", "Колодки"), price="1500.00"), 1
    )
    make_pickup_point(name="ПВЗ «Профсоюзная»", address="г. Москва, ул. Профсоюзная, д. 56")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile(r"^E-mail или телефон")).fill("anna@example.ru")
    page.get_by_label(re.compile(r"^Пароль")).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/cabinet/**")

    # when: «Пакеты» from the navigation
    page.get_by_test_id("nav-packages").click()
    page.get_by_role("heading", name="Пакеты заявок").wait_for()
    assert balance(page) == f"10{NNBSP}000,00{NBSP}₽"
    cards = page.get_by_test_id("packages").locator("article")
    assert cards.count() == 3
    start = cards.nth(0)
    assert start.get_by_test_id("package-price").inner_text() == f"990,00{NBSP}₽"
    assert start.get_by_test_id("package-requests").inner_text() == "10 заявок"
    assert "30 дней" in start.get_by_test_id("package-validity").inner_text()
    assert no_sideways_scroll(page)
    screenshot("1-packages-1366")

    # then: «Старт» from the balance — paid at once, the frame shows the lower balance
    start.get_by_label("С баланса").check()
    start.get_by_role("button", name="Купить").click()
    page.get_by_text("Пакет «Старт» оплачен с баланса").wait_for()
    assert balance(page) == f"9{NNBSP}010,00{NBSP}₽"
    assert (
        "Следующий заказ спишет заявку из пакета «Старт»"
        in page.get_by_test_id("package-state").inner_text()
    )

    # and «Профи» by invoice — waiting, with the store's requisites
    profi = page.get_by_test_id("packages").locator("article").nth(1)
    profi.get_by_label("По счёту").check()
    profi.get_by_role("button", name="Купить").click()
    awaiting = page.get_by_test_id("awaiting")
    awaiting.wait_for()
    assert "40702810938000012345" in awaiting.inner_text()
    assert balance(page) == f"9{NNBSP}010,00{NBSP}₽"
    screenshot("2-bought-1366")

    # when: checkout, paid from the balance
    page.goto(f"{live_server.url}/cabinet/orders/checkout/")
    assert (
        "Заказ спишет 1 заявку из пакета «Старт»: в нём 10 заявок"
        in page.get_by_test_id("package-use").inner_text()
    )
    page.get_by_text("ПВЗ «Профсоюзная»").click()
    page.get_by_text("С баланса", exact=True).click()
    screenshot("3-checkout-1366")
    page.get_by_role("button", name="Оформить заказ").click()
    page.get_by_test_id("order-title").wait_for()

    # then: the order took one request of «Старт», the frame shows 1 500 ₽ less
    order = Order.objects.get(client=buyer)
    assert page.get_by_test_id("order-package").inner_text() == (
        "Заявка по пакету «Старт», осталось 9"
    )
    assert balance(page) == f"7{NNBSP}510,00{NBSP}₽"
    screenshot("4-placed-1366")
    assert order.balance_charged == Decimal("1500.00")
    purchases = {p.name: p for p in PackagePurchase.objects.filter(client=buyer)}
    assert purchases["Старт"].requests_left == 9
    assert purchases["Профи"].status == PurchaseStatus.AWAITING_PAYMENT
    kinds = sorted(LedgerEntry.objects.filter(client=buyer).values_list("kind", flat=True))
    assert kinds == sorted([EntryKind.PAYMENT, EntryKind.PACKAGE_PURCHASE, EntryKind.ORDER_CHARGE])

    # the same pages on a phone: nothing runs off the side
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (
        ("/cabinet/packages/", "5-packages-390"),
        (f"/cabinet/orders/{order.number}/", "6-placed-390"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert no_sideways_scroll(page), (path, too_wide(page))
        screenshot(name)
    add_to_cart(buyer, make_offer(price="700.00"), 1)
    page.goto(f"{live_server.url}/cabinet/orders/checkout/")
    assert no_sideways_scroll(page)
    screenshot("7-checkout-390")
