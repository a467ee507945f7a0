"""The archive (seed 004 «Архив»): by hand when every line is final, automatically when the
last status change is older than 2 calendar months — then refusals become not seen."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.core.errors import ApplicationError
from mprating.orders import hooks, services
from mprating.orders.models import Order, OrderLine
from mprating.orders.tasks import auto_archive_orders
from mprating.orders.tests.status_helpers import order_with_lines, role, status

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
CHANGED = datetime(2026, 3, 15, 12, 0, tzinfo=MSK)


@pytest.fixture(autouse=True)
def mails(monkeypatch):
    monkeypatch.setattr(hooks, "line_status_changed", lambda ids: None)


@pytest.fixture
def manager():
    return make_staff("Менеджеры магазина", email="manager@example.ru")


@pytest.fixture
def buyer():
    return make_client(last_name="Покупатель")


def _finished_order(client, manager, *, at=CHANGED, seen=True):
    """An order with one shipped line and one refused line (seen), last changed at `at`."""
    with time_machine.travel(at, tick=False):
        order, [shipped, refused] = order_with_lines(
            client, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT)
        )
        services.line_status_set(line_ids=[shipped.pk], status_id=role("shipped").pk, actor=manager)
        services.line_refuse(line_ids=[refused.pk], actor=manager, reason="Нет в наличии")
        services.line_refusal_seen_set(client=client, line_id=refused.pk, seen=seen)
    return order, refused


def _archived(order) -> bool:
    return Order.objects.get(pk=order.pk).archived_at is not None


def test_exactly_two_months_after_the_last_change_the_order_is_archived(buyer, manager):
    # given
    order, refused = _finished_order(buyer, manager)
    now = datetime(2026, 5, 15, 12, 0, tzinfo=MSK)

    # when
    with time_machine.travel(now, tick=False):
        archived = services.orders_auto_archive(client=buyer)

    # then
    assert archived == 1
    assert Order.objects.get(pk=order.pk).archived_at == now
    # seed 004: «указывать, что отказ не был просмотрен»
    assert OrderLine.objects.get(pk=refused.pk).refusal_seen is False


def test_one_day_before_two_months_nothing_moves(buyer, manager):
    order, refused = _finished_order(buyer, manager)

    with time_machine.travel(datetime(2026, 5, 14, 12, 0, tzinfo=MSK), tick=False):
        archived = services.orders_auto_archive(client=buyer)

    assert archived == 0
    assert not _archived(order)
    assert OrderLine.objects.get(pk=refused.pk).refusal_seen is True


def test_calendar_months_at_the_end_of_a_month():
    moment = datetime(2026, 4, 30, 12, 0, tzinfo=MSK)

    assert services.months_before(moment, 2) == datetime(2026, 2, 28, 12, 0, tzinfo=MSK)
    assert services.months_before(datetime(2026, 1, 15, tzinfo=MSK), 2).year == 2025


def test_one_line_not_final_keeps_the_order_out(buyer, manager):
    # given: one line shipped long ago, the other still «Принят»
    with time_machine.travel(CHANGED, tick=False):
        order, [shipped, pending] = order_with_lines(
            buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.HOME)
        )
        services.line_status_set(line_ids=[shipped.pk], status_id=role("shipped").pk, actor=manager)
        services.line_status_set(
            line_ids=[pending.pk], status_id=status("Принят").pk, actor=manager
        )

    # when
    with time_machine.travel(datetime(2026, 9, 1, tzinfo=MSK), tick=False):
        archived = services.orders_auto_archive()

    # then
    assert archived == 0
    assert not _archived(order)


def test_the_latest_change_of_any_line_counts(buyer, manager):
    order, _ = _finished_order(buyer, manager)
    with time_machine.travel(datetime(2026, 4, 1, tzinfo=MSK), tick=False):
        line = order.lines.filter(status__role="shipped").get()
        services.line_status_set(line_ids=[line.pk], status_id=role("refused").pk, actor=manager)

    with time_machine.travel(datetime(2026, 5, 20, tzinfo=MSK), tick=False):
        assert services.orders_auto_archive() == 0
    with time_machine.travel(datetime(2026, 6, 1, tzinfo=MSK), tick=False):
        assert services.orders_auto_archive() == 1


def test_auto_archive_is_idempotent_and_per_client(buyer, manager):
    # given: two clients with old finished orders
    other = make_client(last_name="Другой")
    mine, _ = _finished_order(buyer, manager)
    theirs, _ = _finished_order(other, manager)
    later = datetime(2026, 6, 1, tzinfo=MSK)

    # when
    with time_machine.travel(later, tick=False):
        first = services.orders_auto_archive(client=buyer)
        second = services.orders_auto_archive(client=buyer)

    # then
    assert (first, second) == (1, 0)
    assert _archived(mine)
    assert not _archived(theirs)
    assert Order.objects.get(pk=mine.pk).archived_at == later


@pytest.mark.parametrize("orders", [3, 9])
def test_auto_archive_query_count_does_not_grow(
    buyer, manager, orders, django_assert_max_num_queries
):
    for _ in range(orders):
        _finished_order(buyer, manager)

    # the ids; per 500 orders: the orders locked, archived, their lines locked, the final
    # statuses, the «Отказ» status, its seen lines locked and made unseen; the frame's
    # counters: one UPDATE per (client, status) touched — here «Отгружен» and «Отказ» of one
    # client — and the service's savepoint pair, whatever the number of orders
    with (
        time_machine.travel(datetime(2026, 6, 1, tzinfo=MSK), tick=False),
        django_assert_max_num_queries(12),
    ):
        assert services.orders_auto_archive() == orders


def test_manual_archive_only_when_every_line_is_final(buyer, manager):
    # given
    order, [line] = order_with_lines(buyer)

    # when / then: «Новый» is not final
    with pytest.raises(ApplicationError) as error:
        services.order_archive(client=buyer, order_id=order.pk)
    assert error.value.code == "order_not_finished"
    assert not _archived(order)

    services.line_refuse(line_ids=[line.pk], actor=manager, reason="Нет в наличии")
    services.line_refusal_seen_set(client=buyer, line_id=line.pk, seen=True)
    services.order_archive(client=buyer, order_id=order.pk)
    assert _archived(order)
    # a manual archive keeps the seen flag
    assert OrderLine.objects.get(pk=line.pk).refusal_seen is True


def test_command_and_task_archive_everyone(buyer, manager):
    first, _ = _finished_order(buyer, manager)
    second, _ = _finished_order(make_client(last_name="Второй"), manager)

    with time_machine.travel(datetime(2026, 6, 1, tzinfo=MSK), tick=False):
        out = StringIO()
        call_command("archive_orders", stdout=out)
        assert _archived(first) and _archived(second)
        assert "В архив перенесено заказов: 2" in out.getvalue()
        result = auto_archive_orders.enqueue()
    assert result.return_value == 0
