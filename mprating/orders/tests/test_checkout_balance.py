"""Paying «С баланса» (seed 004 «Финансы»): checkout charges the order's total once, in its
transaction; over the credit limit nothing is placed; a refused line of a charged order is
credited exactly once."""

import uuid
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from openpyxl import load_workbook

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.billing.models import PackagePurchase
from mprating.billing.tests.factories import make_package, make_paid_purchase
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer
from mprating.catalog.tests.factories import make_offer
from mprating.core.errors import ApplicationError
from mprating.finance import services as finance
from mprating.finance.models import EntryKind, LedgerEntry
from mprating.finance.selectors import client_balance
from mprating.finance.tests.factories import pay
from mprating.orders import services
from mprating.orders.models import Order, OrderLine, PaymentMethod
from mprating.orders.tests.factories import add_to_cart, make_pickup_point, place_order
from mprating.orders.tests.status_helpers import role, status

pytestmark = pytest.mark.django_db

BALANCE = PaymentMethod.BALANCE


@pytest.fixture
def buyer():
    return make_client(email="buyer@example.ru")


@pytest.fixture
def manager():
    return make_staff(email="manager@example.ru")


def _state(client):
    return (
        Order.objects.count(),
        OrderLine.objects.count(),
        sorted(CartLine.objects.filter(client=client).values_list("offer_id", "quantity")),
        sorted(Offer.objects.values_list("id", "quantity")),
        sorted(PackagePurchase.objects.values_list("id", "requests_left")),
        LedgerEntry.objects.count(),
        client_balance(client.pk),
    )


def _entries(client, kind):
    return list(LedgerEntry.objects.filter(client=client, kind=kind).order_by("id"))


def test_balance_order_is_charged_its_total_in_the_same_checkout(buyer):
    # given
    pay(buyer, "10000.00")
    add_to_cart(buyer, make_offer(price="1500.00"), 2)
    add_to_cart(buyer, make_offer(price="250.50"), 1)

    # when
    order = place_order(buyer, payment_method=BALANCE)

    # then
    [charge] = _entries(buyer, EntryKind.ORDER_CHARGE)
    assert charge.debit == Decimal("3250.50")
    assert charge.idempotency_key == f"order:{order.pk}:charge"
    assert charge.document_label == f"Заказ {order.number}"
    assert order.balance_charged == Decimal("3250.50")
    assert client_balance(buyer.pk) == Decimal("6749.50")


def test_other_payment_methods_are_not_charged(buyer):
    add_to_cart(buyer, make_offer(price="1500.00"), 1)
    order = place_order(buyer, payment_method=PaymentMethod.INVOICE)
    assert order.balance_charged is None
    assert not LedgerEntry.objects.exists()


def test_double_submit_charges_once(buyer):
    pay(buyer, "10000.00")
    add_to_cart(buyer, make_offer(price="1500.00"), 1)
    key, point = uuid.uuid4(), make_pickup_point()

    first = place_order(buyer, payment_method=BALANCE, idempotency_key=key, pickup_point=point)
    second = place_order(buyer, payment_method=BALANCE, idempotency_key=key, pickup_point=point)

    assert first.pk == second.pk
    assert len(_entries(buyer, EntryKind.ORDER_CHARGE)) == 1
    assert client_balance(buyer.pk) == Decimal("8500.00")


def test_over_the_credit_limit_nothing_is_placed_stock_cart_and_package_untouched(buyer):
    # given: 1 000 ₽ + 500 ₽ credit limit, a package, an order of 2 000 ₽ in the cart
    pay(buyer, "1000.00")
    finance.credit_limit_set(client_id=buyer.pk, limit=Decimal("500.00"), by=None)
    make_paid_purchase(buyer, make_package(requests=5))
    add_to_cart(buyer, make_offer(price="1000.00", quantity=10), 2)
    before = _state(buyer)

    # when
    with pytest.raises(ApplicationError) as error:
        place_order(buyer, payment_method=BALANCE)

    # then
    assert error.value.code == "insufficient_funds"
    assert error.value.field == "payment_method"
    assert error.value.message.startswith("Недостаточно средств")
    assert _state(buyer) == before


def test_within_the_credit_limit_the_balance_may_go_below_zero(buyer):
    finance.credit_limit_set(client_id=buyer.pk, limit=Decimal("5000.00"), by=None)
    add_to_cart(buyer, make_offer(price="1000.00"), 2)

    place_order(buyer, payment_method=BALANCE)

    assert client_balance(buyer.pk) == Decimal("-2000.00")


def test_checkout_page_shows_the_insufficient_funds_message_and_keeps_the_cart(client, buyer):
    # given
    client.force_login(buyer.user)
    offer = make_offer(price="1000.00", quantity=10)
    add_to_cart(buyer, offer, 1)
    point = make_pickup_point()

    # when
    response = client.post(
        "/cabinet/orders/checkout/",
        {
            "idempotency_key": uuid.uuid4(),
            "delivery_method": "pickup",
            "pickup_point": point.pk,
            "payment_method": "balance",
            "recipient_phone": "+7 916 555-44-33",
        },
    )

    # then
    assert response.status_code == 422
    assert "Недостаточно средств" in response.content.decode()
    assert not Order.objects.exists()
    assert CartLine.objects.filter(client=buyer).count() == 1
    offer.refresh_from_db()
    assert offer.quantity == 10


def test_a_refused_line_of_a_charged_order_is_credited_once(buyer, manager):
    # given: an order of two lines paid from the balance
    pay(buyer, "10000.00")
    add_to_cart(buyer, make_offer(price="1200.00"), 2)
    add_to_cart(buyer, make_offer(price="300.00"), 1)
    order = place_order(buyer, payment_method=BALANCE)
    pads, _filter = order.lines.order_by("pk")

    # when: the pads are refused, revived by mistake, refused again
    services.line_refuse(line_ids=[pads.pk], actor=manager, reason="Нет в наличии у поставщика")
    services.line_status_set(line_ids=[pads.pk], status_id=role("new").pk, actor=manager)
    services.line_refuse(line_ids=[pads.pk], actor=manager, reason="Снова нет")

    # then: one credit of 2 × 1 200 ₽, keyed by the line
    [credit] = _entries(buyer, EntryKind.REFUSAL_CREDIT)
    assert credit.credit == Decimal("2400.00")
    assert credit.idempotency_key == f"line:{pads.pk}:refusal-credit"
    assert credit.document_label == f"Заказ {order.number}: {pads.brand_name} {pads.article}"
    assert credit.created_by == manager
    assert client_balance(buyer.pk) == Decimal("10000.00") - Decimal("2700.00") + Decimal("2400.00")


def test_client_refusal_confirmed_and_a_shipped_line_refused_are_credited(buyer, manager):
    # given
    pay(buyer, "10000.00")
    add_to_cart(buyer, make_offer(price="1000.00"), 1)
    add_to_cart(buyer, make_offer(price="500.00"), 1)
    order = place_order(buyer, payment_method=BALANCE)
    asked, shipped = order.lines.order_by("pk")
    services.line_refusal_request(client=buyer, line_id=asked.pk)
    services.line_status_set(line_ids=[shipped.pk], status_id=role("shipped").pk, actor=manager)

    # when
    services.line_refusal_confirm(line_ids=[asked.pk], actor=manager)
    services.line_status_set(
        line_ids=[shipped.pk], status_id=status("Отказ").pk, actor=manager, comment="Не забрал"
    )

    # then
    credits = _entries(buyer, EntryKind.REFUSAL_CREDIT)
    assert [c.credit for c in credits] == [Decimal("1000.00"), Decimal("500.00")]
    assert client_balance(buyer.pk) == Decimal("10000.00")


def test_refusals_of_orders_not_paid_from_the_balance_credit_nothing(buyer, manager):
    add_to_cart(buyer, make_offer(price="1000.00"), 1)
    order = place_order(buyer, payment_method=PaymentMethod.ON_RECEIPT)

    services.line_refuse(line_ids=[order.lines.get().pk], actor=manager, reason="Нет")

    assert not LedgerEntry.objects.exists()


def test_one_bulk_refusal_credits_each_client_for_each_line(manager):
    # given: two clients with orders paid from the balance
    anna, boris = make_client(email="anna@example.ru"), make_client(email="boris@example.ru")
    lines = []
    for person in (anna, boris):
        pay(person, "5000.00")
        add_to_cart(person, make_offer(price="100.00"), 3)
        add_to_cart(person, make_offer(price="200.00"), 1)
        lines += list(place_order(person, payment_method=BALANCE).lines.all())

    # when
    services.line_refuse(line_ids=[line.pk for line in lines], actor=manager, reason="Склад")

    # then
    assert client_balance(anna.pk) == client_balance(boris.pk) == Decimal("5000.00")
    assert LedgerEntry.objects.filter(kind=EntryKind.REFUSAL_CREDIT).count() == 4


def test_order_export_names_the_charge_and_the_package(client, buyer):
    pay(buyer, "5000.00")
    purchase = make_paid_purchase(buyer, make_package())
    add_to_cart(buyer, make_offer(price="1500.00"), 1)
    order = place_order(buyer, payment_method=BALANCE)
    client.force_login(make_staff(superuser=True, email="root@example.ru"))

    response = client.post(
        "/backoffice/orders/order/", {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [order.pk]}
    )

    header, row = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert row[header.index("Списано с баланса, ₽")] == 1500
    assert row[header.index("Пакет")] == purchase.number
