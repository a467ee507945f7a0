"""A piece is paid back once: a line whose pieces a return refunds (or is refunding) and that
a manager later moves to «Отказ» gets the refusal credit only for the other pieces. orders
learns of those pieces through its hook (`orders.hooks.on_returned_pieces`), which returns
registers in `ReturnsConfig.ready()`."""

from decimal import Decimal

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.catalog.models import Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.finance.models import DocumentType, EntryKind, LedgerEntry
from mprating.finance.selectors import client_balance
from mprating.finance.services import Document, balance_credit
from mprating.orders import services as order_services
from mprating.orders.models import PaymentMethod
from mprating.orders.tests.factories import add_to_cart, place_order
from mprating.returns.models import ReturnStatus as S
from mprating.returns.tests.factories import advance, make_return, manager, ship

pytestmark = pytest.mark.django_db


def _line_paid_from_balance(buyer, *, quantity: int, price: str):
    balance_credit(
        client_id=buyer.pk,
        amount=Decimal("10000.00"),
        document=Document(DocumentType.PAYMENT, "1", "П/п № 1"),
        idempotency_key=f"payment:{buyer.pk}",
    )
    offer = make_offer(
        make_product("SACHS", None, "Амортизатор"),
        make_warehouse(Warehouse.Kind.HOME),
        price=price,
        quantity=20,
    )
    add_to_cart(buyer, offer, quantity)
    order = place_order(buyer, payment_method=PaymentMethod.BALANCE)
    return ship(order.lines.get())


def test_a_refusal_does_not_pay_again_for_a_piece_a_return_refunded():
    # given: two pieces paid from the balance, shipped, one of them returned and refunded
    buyer = make_client()
    line = _line_paid_from_balance(buyer, quantity=2, price="1000.00")
    request = make_return(buyer, line, quantity=1)
    advance(request, S.REVIEW, S.APPROVED, S.RECEIVED, S.REFUNDED)
    assert client_balance(buyer.pk) == Decimal("9000.00")  # 10 000 − 2 000 + 1 000

    # when: a manager later moves the line to «Отказ»
    order_services.line_refuse(line_ids=[line.pk], actor=manager(), reason="Не забран из ПВЗ")

    # then: only the piece not returned is paid back
    [credit] = LedgerEntry.objects.filter(client=buyer, kind=EntryKind.REFUSAL_CREDIT)
    assert credit.credit == Decimal("1000.00")
    assert client_balance(buyer.pk) == Decimal("10000.00")


def test_a_rejected_return_leaves_the_whole_line_to_the_refusal_credit():
    # given: a return of one piece that the manager rejected
    buyer = make_client()
    line = _line_paid_from_balance(buyer, quantity=2, price="1000.00")
    request = make_return(buyer, line, quantity=1)
    advance(request, S.REVIEW)
    advance(request, S.REJECTED, comment="Следы установки")

    # when
    order_services.line_refuse(line_ids=[line.pk], actor=manager(), reason="Не забран из ПВЗ")

    # then: both pieces are paid back
    [credit] = LedgerEntry.objects.filter(client=buyer, kind=EntryKind.REFUSAL_CREDIT)
    assert credit.credit == Decimal("2000.00")
