"""The client's card in «Пользователи → Клиенты» (seed 000: «Видеть их покупки (покупки
пакетов)», «Видеть личные данные пользователя»): every section, constant queries."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext

from mprating.accounts import roles, services
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.billing.tests.factories import make_package, make_paid_purchase, order_by_invoice
from mprating.catalog.tests.factories import make_offer
from mprating.finance import services as finance
from mprating.finance.tests.factories import pay
from mprating.orders.tests.factories import add_to_cart, make_pickup_point, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return make_staff(roles.OPERATOR, email="operator@example.ru")


@pytest.fixture
def browser(operator):
    browser = BrowserClient()
    browser.force_login(operator)
    return browser


def _card(browser, client) -> str:
    response = browser.get(f"/backoffice/accounts/client/{client.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_client_card_says_there_is_nothing_yet(browser):
    client = make_client(last_name="Новиков", email="new@example.ru", phone="+79160001122")

    page = _card(browser, client)

    assert "Новиков" in page and "new@example.ru" in page  # personal data
    assert "Изменений не было" in page
    assert 'data-testid="card-balance">0,00\u00a0₽<' in page
    assert "Пакеты не покупал" in page
    assert "Заявок нет" in page


def test_card_shows_purchases_orders_and_access_history(browser, operator):
    # given
    client = make_client(email="anna@example.ru")
    paid = make_paid_purchase(client, make_package(name="Профи", requests=50))
    waiting = order_by_invoice(client, make_package(name="Старт"))
    add_to_cart(client, make_offer(price="1500.00"), 2)
    order = place_order(client)
    services.client_set_active(
        client_id=client.pk, active=False, reason="Просрочен счёт", actor=operator
    )
    pay(client, "12000.00")
    finance.credit_limit_set(client_id=client.pk, limit=Decimal("5000.00"), by=operator)

    # when
    page = _card(browser, client)

    # then
    assert paid.number in page and waiting.number in page
    assert "осталось 49 из 50" in page
    assert "Ожидает оплаты" in page
    assert order.number in page
    assert "3\u202f000,00\u00a0₽" in page
    assert f"/backoffice/orders/order/?client__id__exact={client.pk}" in page
    assert "Просрочен счёт" in page and "Заблокирован" in page
    assert "Изменений не было" not in page
    assert 'data-testid="card-balance">12\u202f000,00\u00a0₽<' in page
    assert 'data-testid="card-credit-limit">5\u202f000,00\u00a0₽<' in page
    assert f"/backoffice/finance/clientaccount/{client.pk}/change/" in page


def _fill(client, operator, rows: int) -> None:
    package = make_package(requests=1000)
    point = make_pickup_point()
    offer = make_offer(quantity=10_000)
    for index in range(rows):
        make_paid_purchase(client, package) if index % 2 else order_by_invoice(client, package)
        add_to_cart(client, offer, 1)
        place_order(client, pickup_point=point)
        services.client_set_active(
            client_id=client.pk, active=bool(index % 2), reason=f"Причина {index}", actor=operator
        )


@pytest.mark.parametrize("rows", [5, 50])
def test_card_query_count_does_not_grow(browser, operator, rows):
    client = make_client()
    _fill(client, operator, rows)

    with CaptureQueriesContext(connection) as queries:
        _card(browser, client)

    # the same budget for 5 and for 50 purchases, orders and access changes
    # (+1 since the sidebar badge of «Отказы на рассмотрении»: one count per page; +4 since
    # issue 12, 152-ФЗ: the card's views of personal data and deletion requests, the badge of
    # waiting deletion requests, and the one INSERT that journals this view)
    assert len(queries) <= 18, len(queries)


def test_links_to_all_orders_and_purchases_show_exactly_the_clients(browser, operator):
    """Seed 000 «Видеть их покупки»: the card lists the latest ten; its links open «Заявки»
    and «Покупки пакетов» filtered to this client, with the count the card names — and a
    client whose e-mail contains this one's is not among them."""
    # given: 12 orders and 11 purchases of the client, and another client with a similar e-mail
    client = make_client(email="anna@example.ru")
    other = make_client(email="xanna@example.ru")
    package = make_package(requests=1000)
    offer = make_offer(quantity=10_000)
    point = make_pickup_point()
    for buyer, count in ((client, 12), (other, 3)):
        for _ in range(count):
            order_by_invoice(buyer, package)
            add_to_cart(buyer, offer, 1)
            place_order(buyer, pickup_point=point)
    order_by_invoice(client, package)  # 13 purchases: more than the card shows

    # when
    page = _card(browser, client)
    orders_url = re.search(r'href="([^"]+)" data-testid="card-orders-all"', page).group(1)
    purchases_url = re.search(r'href="([^"]+)" data-testid="card-packages-all"', page).group(1)
    orders = browser.get(orders_url.replace("&amp;", "&"))
    purchases = browser.get(purchases_url.replace("&amp;", "&"))

    # then
    assert "Все заявки клиента (12)" in page
    assert orders.context["cl"].result_count == 12
    assert {order.client_id for order in orders.context["cl"].result_list} == {client.pk}
    assert purchases.context["cl"].result_count == 13
    assert {p.client_id for p in purchases.context["cl"].result_list} == {client.pk}
