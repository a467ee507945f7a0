"""Buying a package and paying an order from the balance under real concurrency (PostgreSQL
row locks; SQLite serializes writers anyway): a double submit makes one purchase and one
charge; two purchases at once never take the balance below the credit limit."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection

from mprating.accounts.tests.factories import make_client
from mprating.billing.models import PackagePurchase, PurchaseStatus
from mprating.billing.tests.factories import make_package
from mprating.cabinet import services
from mprating.catalog.tests.factories import make_offer
from mprating.core.errors import ApplicationError
from mprating.core.testing import run_together
from mprating.finance.models import EntryKind, LedgerEntry
from mprating.finance.selectors import client_balance
from mprating.finance.tests.factories import pay
from mprating.orders.models import Order, PaymentMethod
from mprating.orders.tests.factories import add_to_cart, make_pickup_point, place_order

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_two_simultaneous_submits_of_one_buy_form_make_one_purchase_and_one_charge():
    buyer = make_client()
    pay(buyer, "5000.00")
    package = make_package(price="990.00")
    key = uuid.uuid4()

    def buy():
        return services.package_buy(
            client=buyer, package_id=package.pk, method="balance", idempotency_key=key
        )

    first, second = run_together(buy, buy)

    assert isinstance(first, PackagePurchase) and isinstance(second, PackagePurchase)
    assert first.pk == second.pk
    assert PackagePurchase.objects.get().status == PurchaseStatus.PAID
    assert LedgerEntry.objects.filter(kind=EntryKind.PACKAGE_PURCHASE).count() == 1
    assert client_balance(buyer.pk) == Decimal("4010.00")


def test_two_purchases_at_once_cannot_both_spend_the_same_money():
    buyer = make_client()
    pay(buyer, "1000.00")
    package = make_package(price="990.00")

    def buy():
        return services.package_buy(
            client=buyer, package_id=package.pk, method="balance", idempotency_key=uuid.uuid4()
        )

    results = run_together(buy, buy)

    assert sum(isinstance(r, PackagePurchase) for r in results) == 1
    assert sum(isinstance(r, ApplicationError) for r in results) == 1
    assert PackagePurchase.objects.count() == 1  # the refused one left nothing behind
    assert client_balance(buyer.pk) == Decimal("10.00")


def test_two_simultaneous_checkouts_of_one_form_charge_once():
    buyer = make_client()
    pay(buyer, "5000.00")
    add_to_cart(buyer, make_offer(price="1500.00", quantity=5), quantity=1)
    point = make_pickup_point()
    key = uuid.uuid4()

    def place():
        return place_order(
            buyer, pickup_point=point, idempotency_key=key, payment_method=PaymentMethod.BALANCE
        )

    first, second = run_together(place, place)

    assert isinstance(first, Order) and first.pk == second.pk
    assert LedgerEntry.objects.filter(kind=EntryKind.ORDER_CHARGE).count() == 1
    assert client_balance(buyer.pk) == Decimal("3500.00")
