"""Returns under real concurrency (PostgreSQL row locks; SQLite serializes writers anyway):
two tabs cannot return the same piece twice; a step submitted twice happens once."""

from decimal import Decimal

import pytest
from django.db import connection

from mprating.accounts.tests.factories import make_client
from mprating.catalog.models import Offer
from mprating.core.errors import ApplicationError
from mprating.core.testing import run_together
from mprating.finance.models import DocumentType, EntryKind, LedgerEntry
from mprating.finance.selectors import client_balance
from mprating.finance.services import Document, balance_credit
from mprating.returns import services
from mprating.returns.models import ReturnRequest, ReturnStatus, ReturnStatusChange
from mprating.returns.tests.factories import advance, make_return, manager, shipped_line

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]
S = ReturnStatus


def test_two_tabs_cannot_return_the_same_pieces_twice():
    buyer = make_client()
    line = shipped_line(buyer, quantity=3)

    results = run_together(
        lambda: make_return(buyer, line, quantity=2),
        lambda: make_return(buyer, line, quantity=2),
    )

    created = [r for r in results if isinstance(r, ReturnRequest)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(created) == 1 and len(refused) == 1, results
    assert refused[0].code == "quantity_too_big"
    assert refused[0].message == "Вернуть можно не больше 1 шт. (ещё 2 шт. уже в возврате)."
    assert sum(ReturnRequest.objects.values_list("quantity", flat=True)) == 2


def test_many_tabs_return_at_most_the_shipped_quantity():
    buyer = make_client()
    line = shipped_line(buyer, quantity=3)

    results = run_together(*[lambda: make_return(buyer, line, quantity=1) for _ in range(5)])

    assert sum(isinstance(r, ReturnRequest) for r in results) == 3
    assert sum(ReturnRequest.objects.values_list("quantity", flat=True)) == 3


def test_receiving_twice_at_once_restocks_once():
    buyer = make_client()
    line = shipped_line(buyer, quantity=2, stock=20)
    request = make_return(buyer, line, quantity=2)
    advance(request, S.REVIEW, S.APPROVED)
    stock = Offer.objects.get(pk=line.offer_id).quantity
    boss = manager()

    def receive():
        return services.return_status_set(return_ids=[request.pk], status=S.RECEIVED, by=boss)

    results = run_together(receive, receive)

    assert sorted(len(r) for r in results) == [0, 1], results
    assert Offer.objects.get(pk=line.offer_id).quantity == stock + 2
    assert ReturnStatusChange.objects.filter(request=request, status=S.RECEIVED).count() == 1


def test_refunding_from_two_tabs_at_once_credits_once():
    buyer = make_client()
    line = shipped_line(buyer, quantity=2, price="5230.00", deduction="10")
    request = make_return(buyer, line, quantity=2)
    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED)
    boss = manager()

    def refund():
        return services.return_status_set(return_ids=[request.pk], status=S.REFUNDED, by=boss)

    results = run_together(refund, refund, refund)

    assert sorted(len(r) for r in results) == [0, 0, 1], results
    assert client_balance(buyer.pk) == Decimal("9414.00")
    assert LedgerEntry.objects.filter(client=buyer).count() == 1
    assert ReturnStatusChange.objects.filter(request=request, status=S.REFUNDED).count() == 1


def test_the_finance_key_alone_also_keeps_the_refund_single():
    # even a caller that bypassed the return's lock could not credit twice: the same key
    # returns the first entry
    buyer = make_client()
    request = make_return(buyer, shipped_line(buyer, quantity=1, price="100.00"))

    def credit():
        return balance_credit(
            client_id=buyer.pk,
            amount=Decimal("100.00"),
            document=Document(DocumentType.RETURN, str(request.pk), f"Возврат № {request.pk}"),
            idempotency_key=services.refund_key(request.pk),
            kind=EntryKind.RETURN_REFUND,
        )

    first, second = run_together(credit, credit)

    assert first.pk == second.pk
    assert client_balance(buyer.pk) == Decimal("100.00")
