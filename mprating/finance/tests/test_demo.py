"""The finance demo: the demo client's four months of money, the same after a second run."""

from decimal import Decimal
from io import StringIO

import pytest

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.finance import demo, selectors
from mprating.finance.models import EntryKind, LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_demo_ledger_is_posted_once_and_adds_up():
    client = make_client(email=demo.DEMO_CLIENT)
    make_client(email="someone@example.ru")
    manager = make_staff(email=demo.DEMO_MANAGER)

    demo.seed(stdout=StringIO())
    count = LedgerEntry.objects.count()
    out = StringIO()
    demo.seed(stdout=out)

    assert LedgerEntry.objects.count() == count == len(demo.DEMO_LEDGER) + 2
    assert "добавлено 0" in out.getvalue()
    kinds = set(LedgerEntry.objects.filter(client=client).values_list("kind", flat=True))
    assert kinds == {
        EntryKind.PAYMENT,
        EntryKind.ORDER_CHARGE,
        EntryKind.REFUSAL_CREDIT,
        EntryKind.CORRECTION,
    }
    assert selectors.client_balance(client.pk) == Decimal("-1791.80")
    assert selectors.ledger_sum(client.pk) == Decimal("-1791.80")
    info = selectors.balance_info(client.pk)
    assert info.credit_limit == demo.CREDIT_LIMIT
    correction = LedgerEntry.objects.get(kind=EntryKind.CORRECTION)
    assert correction.created_by == manager


def test_without_the_demo_client_nothing_is_posted():
    out = StringIO()

    demo.seed(stdout=out)

    assert not LedgerEntry.objects.exists()
    assert "пропущено" in out.getvalue()
