"""Checkout under real concurrency (PostgreSQL row locks; SQLite serializes writers anyway)."""

import uuid

import pytest
from django.db import connection

from mprating.accounts.tests.factories import make_client
from mprating.catalog.tests.factories import make_offer
from mprating.core.errors import ApplicationError
from mprating.core.testing import run_together
from mprating.orders.models import Order
from mprating.orders.tests.factories import add_to_cart, make_pickup_point, place_order

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_two_simultaneous_submits_with_one_key_make_one_order():
    buyer = make_client()
    add_to_cart(buyer, make_offer(quantity=5), quantity=2)
    point = make_pickup_point()
    key = uuid.uuid4()

    first, second = run_together(
        lambda: place_order(buyer, pickup_point=point, idempotency_key=key),
        lambda: place_order(buyer, pickup_point=point, idempotency_key=key),
    )

    assert isinstance(first, Order) and isinstance(second, Order)
    assert first.pk == second.pk
    assert Order.objects.count() == 1


def test_two_clients_cannot_both_take_the_last_unit():
    offer = make_offer(quantity=1)
    anna, boris = make_client(email="anna@example.ru"), make_client(email="boris@example.ru")
    add_to_cart(anna, offer, quantity=1)
    add_to_cart(boris, offer, quantity=1)
    point = make_pickup_point()

    results = run_together(
        lambda: place_order(anna, pickup_point=point),
        lambda: place_order(boris, pickup_point=point),
    )

    orders = [r for r in results if isinstance(r, Order)]
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert len(orders) == 1 and len(errors) == 1
    assert "товар закончился" in errors[0].message
    offer.refresh_from_db()
    assert offer.quantity == 0
