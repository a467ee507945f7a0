"""The cabinet frame's counters (`ClientStatusCount`) equal a recount from the lines after any
sequence of changes made through the real services (issue 13: «a test proves the counters
equal a recount after random sequences of changes»).

A hypothesis state machine: up to three clients place orders from three kinds of warehouse, a
manager moves lines to any status (the transition table refuses some: nothing changes then),
clients ask to refuse and the manager confirms, declines or refuses for another reason,
clients tick refusals seen and unseen (seed 004, the 10th column), orders go to the archive by
hand («Убрать в архив») and automatically (seed 004: «…и последний статус менялся больше 2
месяцев тому назад», with the refusals then «не просмотрены»). After every step the stored
counters equal `counts_from_lines`, the frame's `client_positions` equals the old count from
the lines for each client, and at the end `counts_recount` finds nothing to fix.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.errors import ApplicationError
from mprating.orders import services
from mprating.orders.models import ClientStatusCount, Order, OrderLine, OrderStatus
from mprating.orders.selectors import client_positions, client_positions_from_lines
from mprating.orders.services.counters import counts_from_lines, counts_stored
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = pytest.mark.django_db

CLIENTS = 3
picks = st.integers(min_value=0, max_value=10**6)


@pytest.fixture
def world():
    clients = [make_client(email=f"buyer{n}@example.ru") for n in range(CLIENTS)]
    offers = [
        make_offer(make_product(), make_warehouse(kind), quantity=10**6)
        for kind in (Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT, Warehouse.Kind.MARKETPLACE)
    ]
    return clients, offers, make_staff(email="manager@example.ru")


def _pick(queryset, index: int):
    items = list(queryset.order_by("pk"))
    return items[index % len(items)] if items else None


def test_counters_equal_a_recount_after_any_sequence_of_changes(world):
    clients, offers, manager = world
    statuses = list(OrderStatus.objects.order_by("pk"))

    class FrameCounters(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # Each example starts from the same store: its changes are rolled back at the end.
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def teardown(self):
            try:
                assert services.counts_recount() == 0
            finally:
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)

        def _try(self, action) -> None:
            """A move the rules refuse must change nothing (the services roll back whole)."""
            try:
                with transaction.atomic():
                    action()
            except ApplicationError:
                pass

        @initialize(orders=st.lists(st.integers(0, CLIENTS - 1), min_size=1, max_size=4))
        def clients_have_orders(self, orders):
            for who in orders:
                self.checkout(who, [who % 3])

        @rule(
            who=st.integers(0, CLIENTS - 1),
            kinds=st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True),
        )
        def checkout(self, who, kinds):
            for kind in kinds:
                add_to_cart(clients[who], offers[kind], quantity=1)
            place_order(clients[who])

        @rule(line=picks, status=st.sampled_from(statuses))
        def manager_sets_status(self, line, status):
            picked = _pick(OrderLine.objects.all(), line)
            if picked:
                self._try(
                    lambda: services.line_status_set(
                        line_ids=[picked.pk], status_id=status.pk, actor=manager
                    )
                )

        @rule(line=picks, size=st.integers(1, 4))
        def manager_refuses_several(self, line, size):
            ids = list(OrderLine.objects.order_by("pk").values_list("pk", flat=True))
            chosen = ids[line % len(ids) :][:size] if ids else []
            if chosen:
                self._try(
                    lambda: services.line_refuse(line_ids=chosen, actor=manager, reason="Нет")
                )

        @rule(order=picks, refuse=st.booleans(), seen=st.booleans())
        def manager_finishes_an_order(self, order, refuse, seen):
            """Every line of an order shipped or refused (and the refusals maybe seen by the
            client): the order may go to the archive."""
            picked = _pick(Order.objects.filter(archived_at__isnull=True), order)
            if picked is None:
                return
            ids = list(picked.lines.values_list("pk", flat=True))
            if refuse:
                self._try(lambda: services.line_refuse(line_ids=ids, actor=manager, reason="Нет"))
                for pk in ids if seen else ():
                    self._try(
                        lambda pk=pk: services.line_refusal_seen_set(
                            client=picked.client, line_id=pk, seen=True
                        )
                    )
            else:
                shipped = OrderStatus.objects.get(role="shipped")
                self._try(
                    lambda: services.line_status_set(
                        line_ids=ids, status_id=shipped.pk, actor=manager
                    )
                )

        @rule(line=picks, status=st.sampled_from(statuses))
        def manager_moves_an_archived_line(self, line, status):
            """A line of an archived order moved again: it stays out of the positions in work."""
            picked = _pick(OrderLine.objects.filter(order__archived_at__isnull=False), line)
            if picked:
                self._try(
                    lambda: services.line_status_set(
                        line_ids=[picked.pk], status_id=status.pk, actor=manager
                    )
                )

        @rule(line=picks)
        def client_asks_to_refuse(self, line):
            picked = _pick(OrderLine.objects.all(), line)
            if picked:
                self._try(
                    lambda: services.line_refusal_request(client=picked.client, line_id=picked.pk)
                )

        @rule(line=picks, confirm=st.booleans())
        def manager_answers_the_request(self, line, confirm):
            picked = _pick(OrderLine.objects.filter(refusal_state="requested"), line)
            if picked is None:
                return
            if confirm:
                self._try(
                    lambda: services.line_refusal_confirm(line_ids=[picked.pk], actor=manager)
                )
            else:
                self._try(
                    lambda: services.line_refusal_decline(
                        line_ids=[picked.pk], actor=manager, comment="Уже отгружено"
                    )
                )

        @rule(line=picks, seen=st.booleans())
        def client_ticks_seen(self, line, seen):
            picked = _pick(OrderLine.objects.filter(status__role="refused"), line)
            if picked:
                self._try(
                    lambda: services.line_refusal_seen_set(
                        client=picked.client, line_id=picked.pk, seen=seen
                    )
                )

        @rule(order=picks, finished_only=st.booleans())
        def client_archives(self, order, finished_only):
            orders = Order.objects.filter(archived_at__isnull=True)
            if finished_only:  # mostly the orders that may go: every line in a final status
                orders = orders.exclude(lines__status__is_final=False)
            picked = _pick(orders, order)
            if picked:
                self._try(lambda: services.order_archive(client=picked.client, order_id=picked.pk))

        @rule(who=st.one_of(st.none(), st.integers(0, CLIENTS - 1)))
        def time_passes_and_the_archive_runs(self, who):
            later = timezone.now() + timedelta(days=100)
            client = None if who is None else clients[who]
            services.orders_auto_archive(client=client, now=later)

        @invariant()
        def counters_equal_the_recount(self):
            assert counts_stored() == counts_from_lines()
            assert not ClientStatusCount.objects.filter(in_work__lt=0).exists()
            for client in clients:
                assert client_positions(client=client) == client_positions_from_lines(client=client)

    run_state_machine_as_test(
        FrameCounters,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_recount_repairs_counters_written_around_the_services():
    # given: a client's lines moved by a raw UPDATE (what a hand-made SQL fix would do)
    buyer = make_client()
    add_to_cart(buyer, make_offer(quantity=5), quantity=1)
    order = place_order(buyer)
    refused = OrderStatus.objects.get(role="refused")
    OrderLine.objects.filter(order=order).update(status=refused)
    assert client_positions(client=buyer) != client_positions_from_lines(client=buyer)

    # when
    fixed = services.counts_recount(client_ids=[buyer.pk])

    # then: two rows fixed («Новый» emptied, «Отказ» created), the frame right again
    assert fixed == 2
    assert client_positions(client=buyer) == client_positions_from_lines(client=buyer)
    assert services.counts_recount() == 0
