"""The frame's counters under real concurrency (PostgreSQL row locks; SQLite serializes
writers anyway): whatever order two transactions commit in, the counters equal the recount."""

import pytest
from django.db import connection

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.testing import run_together
from mprating.orders import services
from mprating.orders.models import ClientStatusCount, OrderStatus
from mprating.orders.services.counters import counts_from_lines, counts_stored
from mprating.orders.tests.status_helpers import order_with_lines

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]


@pytest.mark.parametrize("attempt", range(3))
def test_a_revival_racing_the_archive_leaves_exact_counters(attempt):
    # given: an order whose two lines are refused (so it may go to the archive)
    buyer, manager = make_client(), make_staff(email="manager@example.ru")
    order, lines = order_with_lines(buyer, kinds=("home", "transit"))
    services.line_refuse(line_ids=[line.pk for line in lines], actor=manager, reason="Нет")
    new = OrderStatus.objects.get(role="new")

    # when: the manager revives a line while the client archives the order
    run_together(
        lambda: services.line_status_set(line_ids=[lines[0].pk], status_id=new.pk, actor=manager),
        lambda: services.order_archive(client=buyer, order_id=order.pk),
    )

    # then: archived first (the revived line stays out of the work) or revived first (the
    # archive refused) — either way the counters are the recount
    assert counts_stored() == counts_from_lines()


def test_two_first_refusals_of_a_client_at_once_create_one_row():
    # given: two orders of one client, no refused line yet (no «Отказ» counter row)
    buyer, manager = make_client(), make_staff(email="manager@example.ru")
    _, [first] = order_with_lines(buyer)
    _, [second] = order_with_lines(buyer)
    refused = OrderStatus.objects.get(role="refused")

    # when
    run_together(
        lambda: services.line_refuse(line_ids=[first.pk], actor=manager, reason="Нет"),
        lambda: services.line_refuse(line_ids=[second.pk], actor=manager, reason="Нет"),
    )

    # then: one row, both counted
    row = ClientStatusCount.objects.get(client=buyer, status=refused)
    assert (row.in_work, row.total, row.unseen) == (2, 2, 2)
    assert counts_stored() == counts_from_lines()
