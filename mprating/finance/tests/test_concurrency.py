"""Concurrent charges on one balance (PostgreSQL row locks; SQLite serializes writers anyway).

The balance row is locked before an entry is written: no lost update, no overdraft beyond the
credit limit, one entry per idempotency key.
"""

from decimal import Decimal

import pytest
from django.db import connection

from mprating.accounts.tests.factories import make_client
from mprating.core.errors import ApplicationError
from mprating.core.testing import run_together
from mprating.finance import selectors, services
from mprating.finance.models import LedgerEntry
from mprating.finance.tests.factories import charge, pay

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_two_charges_for_more_than_the_balance_let_one_through():
    client = make_client()
    pay(client, "100")

    results = run_together(lambda: charge(client, "60"), lambda: charge(client, "60"))

    entries = [r for r in results if isinstance(r, LedgerEntry)]
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert len(entries) == 1 and len(errors) == 1, results
    assert errors[0].code == "insufficient_funds"
    assert selectors.client_balance(client.pk) == Decimal("40.00")
    assert selectors.ledger_sum(client.pk) == Decimal("40.00")


def test_many_charges_at_once_stop_exactly_at_the_credit_limit():
    client = make_client()
    pay(client, "50")
    services.credit_limit_set(client_id=client.pk, limit=Decimal("20"), by=None)

    results = run_together(*[lambda: charge(client, "10") for _ in range(10)])

    assert sum(isinstance(r, LedgerEntry) for r in results) == 7, results
    assert selectors.client_balance(client.pk) == Decimal("-20.00")
    assert selectors.ledger_sum(client.pk) == Decimal("-20.00")


def test_the_same_key_at_once_makes_one_entry():
    client = make_client()
    pay(client, "500")

    first, second = run_together(
        lambda: charge(client, "100", key="order:42:charge"),
        lambda: charge(client, "100", key="order:42:charge"),
    )

    assert isinstance(first, LedgerEntry) and isinstance(second, LedgerEntry)
    assert first.pk == second.pk
    assert selectors.client_balance(client.pk) == Decimal("400.00")


def test_first_entries_of_a_new_client_at_once_are_both_counted():
    client = make_client()

    results = run_together(lambda: pay(client, "70"), lambda: pay(client, "30"))

    assert all(isinstance(r, LedgerEntry) for r in results), results
    assert selectors.client_balance(client.pk) == Decimal("100.00")
