"""`client_positions`: the orders' part of the cabinet frame, in one query on the counters."""

import pytest

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.tests.factories import make_offer
from mprating.core.testing import count_queries
from mprating.orders import services
from mprating.orders.models import Order
from mprating.orders.selectors import client_positions, client_positions_from_lines
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = pytest.mark.django_db


def _order(client, lines: int) -> Order:
    for _ in range(lines):
        add_to_cart(client, make_offer(quantity=5), quantity=1)
    return place_order(client)


def test_positions_in_work_by_status_and_every_refusal_archive_included():
    # given: 2 lines in work, 2 refused lines of which one is seen and one is archived,
    # and another client's order
    buyer = make_client()
    _order(buyer, 2)
    refused = _order(buyer, 1).lines.get()
    archived_order = _order(buyer, 1)
    archived = archived_order.lines.get()
    manager = make_staff(email="manager@example.ru")
    services.line_refuse(line_ids=[refused.pk, archived.pk], actor=manager, reason="Нет")
    services.line_refusal_seen_set(client=buyer, line_id=refused.pk, seen=True)
    services.order_archive(client=buyer, order_id=archived_order.pk)
    _order(make_client(email="stranger@example.ru"), 3)

    # when
    positions = None

    def read():
        nonlocal positions
        positions = client_positions(client=buyer)

    queries = count_queries(read)

    # then
    assert queries == 1
    assert [(row.name, row.count) for row in positions.status_counts] == [
        ("Новый", 2),
        ("Отказ", 1),
    ]
    assert (positions.refusals_total, positions.refusals_unseen) == (2, 1)
    assert positions == client_positions_from_lines(client=buyer)
