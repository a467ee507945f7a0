"""In Chromium: an operator opens «Монетизация», confirms an invoice payment from the purchase's
page, reads «Выручка» (charts drawn) and the client's card with purchases, orders, money and
access history."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mprating.accounts import roles
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.billing.models import PackagePurchase, PurchaseStatus
from mprating.billing.tests.factories import make_package, make_paid_purchase, order_by_invoice
from mprating.catalog.tests.factories import make_offer
from mprating.finance.tests.factories import pay
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_confirms_an_invoice_and_reads_revenue_and_the_client_card(
    live_server, page, screenshot
):
    # given
    operator = make_staff(roles.OPERATOR, email="operator@example.ru")
    anna = make_client(last_name="Соколова", first_name="Анна", email="anna@example.ru")
    start = make_package(name="Старт", price="990.00", requests=10, days=30)
    profi = make_package(name="Профи", price="3990.00", requests=50, days=90)
    now = timezone.now()
    for months in range(1, 6):
        make_paid_purchase(make_client(), start, paid_at=now - timedelta(days=30 * months))
        make_paid_purchase(make_client(), profi, paid_at=now - timedelta(days=30 * months + 3))
    make_paid_purchase(anna, start, paid_at=now - timedelta(days=2))
    waiting = order_by_invoice(anna, profi)
    pay(anna, "5000.00")
    add_to_cart(anna, make_offer(price="1200.00"), 1)
    place_order(anna)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile(r"^E-mail или телефон")).fill(operator.email)
    page.get_by_label(re.compile(r"^Пароль")).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/backoffice/**")

    # when: «Покупки пакетов» from the sidebar, the awaiting one
    page.get_by_role("link", name="Покупки пакетов").click()
    page.get_by_role("link", name=waiting.number).wait_for()
    screenshot("1-purchases")
    page.get_by_role("link", name=waiting.number).click()
    page.get_by_role("link", name="Подтвердить оплату").click()
    page.get_by_test_id("confirm-action").wait_for()
    screenshot("2-confirm")
    page.get_by_test_id("confirm-action-submit").click()
    page.get_by_text("Оплата подтверждена: 1").wait_for()

    # then
    waiting.refresh_from_db()
    assert waiting.status == PurchaseStatus.PAID
    assert waiting.confirmed_by == operator

    # «Выручка»: two charts drawn, a row per month
    page.get_by_role("link", name="Выручка").click()
    page.get_by_test_id("revenue-page").wait_for()
    assert page.locator("canvas.chart").count() == 2
    page.wait_for_function("[...document.querySelectorAll('canvas.chart')].every(c => c.width > 0)")
    assert page.get_by_test_id("revenue-months").locator("tbody tr").count() == 12
    assert page.get_by_test_id("sold-total").inner_text() == str(
        PackagePurchase.objects.filter(
            status=PurchaseStatus.PAID, paid_at__gte=now - timedelta(days=365)
        ).count()
    )
    screenshot("3-revenue")

    # the client's card
    page.goto(f"{live_server.url}/backoffice/accounts/client/{anna.pk}/change/")
    page.get_by_test_id("card-packages").wait_for()
    assert page.get_by_test_id("card-balance").inner_text() == "5\u202f000,00\u00a0₽"
    assert page.get_by_test_id("card-orders").is_visible()
    assert page.get_by_test_id("card-access-empty").inner_text() == "Изменений не было"
    screenshot("4-client-card")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("5-client-card-390")
