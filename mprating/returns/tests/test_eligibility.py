"""Seed 004: «При наступлении статуса отгружен возможен только возврат по условиям, описанным в
следующей колонке “Возможность обратного выкупа”» — the window's edges, non-returnable and
not shipped lines, the pieces left."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mprating.accounts.tests.factories import make_client
from mprating.core.errors import ApplicationError
from mprating.orders import hooks
from mprating.returns import eligibility
from mprating.returns.models import ReturnRequest, ReturnStatus
from mprating.returns.tests.factories import (
    advance,
    make_return,
    placed_line,
    ship,
    shipped_line,
)

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
SHIPPED_AT = datetime(2026, 3, 1, 23, 30, tzinfo=MSK)  # late evening: the day counts, not hours


def _shipped_on_first_of_march(client, **policy):
    with time_machine.travel(SHIPPED_AT, tick=False):
        return shipped_line(client, **policy)


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (datetime(2026, 3, 15, 0, 5, tzinfo=MSK), True),  # day N (14): still allowed
        (datetime(2026, 3, 15, 23, 59, tzinfo=MSK), True),  # the whole of day N
        (datetime(2026, 3, 16, 0, 1, tzinfo=MSK), False),  # day N + 1: refused
    ],
)
def test_the_window_is_n_calendar_days_after_the_day_of_shipping(moment, allowed):
    buyer = make_client()
    line = _shipped_on_first_of_march(buyer, return_days=14)

    with time_machine.travel(moment, tick=False):
        verdict = eligibility.eligibility_for(line)
        if allowed:
            created = make_return(buyer, line)
        else:
            with pytest.raises(ApplicationError) as error:
                make_return(buyer, line)

    assert verdict.allowed is allowed
    assert verdict.last_day.isoformat() == "2026-03-15"
    if allowed:
        assert created.status == ReturnStatus.NEW
    else:
        assert error.value.code == "not_returnable"
        assert "Срок возврата истёк 15.03.2026" in error.value.message
        assert "в течение 14 дней после отгрузки (01.03.2026)" in error.value.message
        assert not ReturnRequest.objects.exists()


def test_a_non_returnable_line_is_refused_even_on_the_day_of_shipping():
    buyer = make_client()
    line = shipped_line(buyer, returnable=False, return_days=0)

    with pytest.raises(ApplicationError) as error:
        make_return(buyer, line)

    assert error.value.message == eligibility.NOT_RETURNABLE
    assert not ReturnRequest.objects.exists()


def test_a_line_not_shipped_yet_is_refused():
    buyer = make_client()
    line = placed_line(buyer)

    with pytest.raises(ApplicationError) as error:
        make_return(buyer, line)

    assert error.value.message == eligibility.NOT_SHIPPED


def test_the_window_counts_from_the_latest_shipping():
    buyer = make_client()
    line = _shipped_on_first_of_march(buyer, return_days=3)
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=MSK), tick=False):
        # a manager moved it back by mistake and shipped it again
        from mprating.orders import services as order_services
        from mprating.orders.models import OrderStatus

        back = OrderStatus.objects.get(name="Собран")
        order_services.line_status_set(
            line_ids=[line.pk], status_id=back.pk, actor=None, comment="ошибка"
        )
        line = ship(line)
        verdict = eligibility.eligibility_for(line)

    assert verdict.allowed
    assert verdict.last_day.isoformat() == "2026-03-13"


def test_pieces_of_returns_count_except_rejected_ones():
    buyer = make_client()
    line = shipped_line(buyer, quantity=3)
    first = make_return(buyer, line, quantity=2)

    assert eligibility.eligibility_for(line).available == 1
    with pytest.raises(ApplicationError) as error:
        make_return(buyer, line, quantity=2)
    assert error.value.code == "quantity_too_big"
    assert error.value.message == "Вернуть можно не больше 1 шт. (ещё 2 шт. уже в возврате)."

    advance(first, ReturnStatus.REVIEW)
    advance(first, ReturnStatus.REJECTED, comment="Следы установки")

    assert eligibility.eligibility_for(line).available == 3


def test_all_pieces_returned_closes_the_line():
    buyer = make_client()
    line = shipped_line(buyer, quantity=1)
    make_return(buyer, line)

    verdict = eligibility.eligibility_for(line)

    assert not verdict.allowed
    assert verdict.reason == "Все 1 шт. этой позиции уже возвращены или оформлены в возврат."


def test_another_clients_line_is_not_found():
    owner, stranger = make_client(), make_client()
    line = shipped_line(owner)

    with pytest.raises(ApplicationError) as error:
        make_return(stranger, line)

    assert error.value.code == "not_found"


def test_the_orders_hook_offers_create_return_only_on_eligible_lines(django_assert_num_queries):
    buyer = make_client()
    eligible = shipped_line(buyer)
    open_line = placed_line(buyer)
    no_return = shipped_line(buyer, returnable=False)
    lines = [eligible, open_line, no_return]

    with django_assert_num_queries(1):
        hooks.line_actions_attach(lines)

    [action] = eligible.extra_actions
    assert action.label == "Создать возврат"
    assert action.url == reverse("returns:create", args=[eligible.pk])
    assert open_line.extra_actions == [] and no_return.extra_actions == []


def test_shipped_and_returned_reads_both_facts_of_many_lines_in_one_query(
    django_assert_num_queries,
):
    # Given: a line shipped twice (moved back in between), with a rejected and a held return;
    # a shipped line without returns; a line not shipped
    buyer = make_client()
    twice = _shipped_on_first_of_march(buyer, quantity=5, return_days=30)
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=MSK), tick=False):
        from mprating.orders import services as order_services
        from mprating.orders.models import OrderStatus

        back = OrderStatus.objects.get(name="Собран")
        order_services.line_status_set(
            line_ids=[twice.pk], status_id=back.pk, actor=None, comment="ошибка"
        )
        twice = ship(twice)
        rejected = make_return(buyer, twice, quantity=2)
        advance(rejected, ReturnStatus.REVIEW)
        advance(rejected, ReturnStatus.REJECTED, comment="Следы установки")
        make_return(buyer, twice, quantity=3)
    once = _shipped_on_first_of_march(buyer)
    open_line = placed_line(buyer)

    # When
    with django_assert_num_queries(1):
        facts = eligibility.shipped_and_returned([twice.pk, once.pk, open_line.pk, 0])

    # Then: the latest shipping, the pieces of every return but the rejected one
    assert facts == {
        twice.pk: (datetime(2026, 3, 10, 12, 0, tzinfo=MSK), 3),
        once.pk: (SHIPPED_AT, 0),
        open_line.pk: (None, 0),
    }


def test_the_orders_hook_costs_nothing_when_no_line_is_shipped(django_assert_num_queries):
    buyer = make_client()
    lines = [placed_line(buyer) for _ in range(3)]

    with django_assert_num_queries(0):
        hooks.line_actions_attach(lines)

    assert all(line.extra_actions == [] for line in lines)


def test_a_failing_provider_leaves_the_table_without_its_actions(caplog):
    buyer = make_client()
    line = shipped_line(buyer)

    def broken(lines):
        raise RuntimeError("boom")

    hooks.on_line_actions(broken)
    try:
        hooks.line_actions_attach([line])
    finally:
        hooks._line_action_providers.remove(broken)

    assert [action.label for action in line.extra_actions] == ["Создать возврат"]
    assert "provider" in caplog.text


def test_the_last_day_moves_with_the_shipping_time_zone():
    # 23:30 in Moscow on 01.03 is 20:30 UTC: the day of shipping is the Moscow one
    buyer = make_client()
    line = _shipped_on_first_of_march(buyer, return_days=0)

    with time_machine.travel(SHIPPED_AT + timedelta(minutes=20), tick=False):
        assert eligibility.eligibility_for(line).allowed
    with time_machine.travel(SHIPPED_AT + timedelta(minutes=40), tick=False):
        assert not eligibility.eligibility_for(line).allowed
