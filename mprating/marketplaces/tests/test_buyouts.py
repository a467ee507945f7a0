"""Buyouts: recorded only on marketplace lines with a usable account; the line's status follows
the buyout through the orders gatekeeper, forward only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mprating.catalog.models import Warehouse
from mprating.core.errors import ApplicationError
from mprating.marketplaces import services
from mprating.marketplaces.models import Buyout, BuyoutLineStatus, BuyoutStatus
from mprating.marketplaces.tests.factories import make_account, make_operator, marketplace_lines
from mprating.orders import services as order_services
from mprating.orders.models import OrderStatus, StatusChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return make_operator()


def record(line, account, operator, **fields):
    data = {
        "line_id": line.pk,
        "account_id": account.pk,
        "marketplace_order_number": "  0451-2233 ",
        "amount": "1 499,90",
        "pickup_point_id": line.order.pickup_point_id,
        "actor": operator,
    }
    data.update(fields)
    return services.buyout_create(**data)


def line_status(line) -> str:
    line.refresh_from_db()
    return line.status.name


def test_recording_a_buyout_moves_the_line_to_vykuplen_through_the_gatekeeper(operator):
    [line] = marketplace_lines(marketplace="ozon")
    account = make_account("ozon")

    buyout = record(line, account, operator)

    assert buyout.marketplace_order_number == "0451-2233"
    assert str(buyout.amount) == "1499.90"
    assert buyout.status == BuyoutStatus.PLACED and buyout.created_by == operator
    assert line_status(line) == "Выкуплен"
    change = StatusChange.objects.filter(line=line).latest("id")
    assert change.status.name == "Выкуплен" and change.changed_by == operator
    assert "0451-2233" in change.comment
    assert buyout.history.get().status == BuyoutStatus.PLACED


def test_each_status_of_the_buyout_moves_the_line_along_the_marketplace_chain(operator):
    [line] = marketplace_lines(marketplace="ozon")
    buyout = record(line, make_account("ozon"), operator)

    seen = []
    for status in (BuyoutStatus.IN_TRANSIT, BuyoutStatus.AT_POINT, BuyoutStatus.RECEIVED):
        services.buyout_status_set(buyout_id=buyout.pk, status=status, actor=operator)
        seen.append(line_status(line))

    assert seen == ["В пути в ПВЗ", "В ПВЗ", "Отгружен"]
    assert list(buyout.history.order_by("changed_at", "id").values_list("status", flat=True)) == [
        "placed",
        "in_transit",
        "at_point",
        "received",
    ]


def test_a_step_may_be_skipped_but_never_go_back(operator):
    [line] = marketplace_lines()
    buyout = record(line, make_account(), operator)

    services.buyout_status_set(buyout_id=buyout.pk, status=BuyoutStatus.AT_POINT, actor=operator)
    with pytest.raises(ApplicationError) as error:
        services.buyout_status_set(
            buyout_id=buyout.pk, status=BuyoutStatus.IN_TRANSIT, actor=operator
        )

    assert line_status(line) == "В ПВЗ"
    assert error.value.code == "status_backwards" and "только вперёд" in error.value.message
    buyout.refresh_from_db()
    assert buyout.status == BuyoutStatus.AT_POINT


def test_received_and_cancelled_are_final(operator):
    first, second = marketplace_lines(count_=2)
    account = make_account()
    received = record(first, account, operator)
    cancelled = record(second, account, operator, marketplace_order_number="2")
    services.buyout_status_set(buyout_id=received.pk, status="received", actor=operator)
    services.buyout_status_set(buyout_id=cancelled.pk, status="cancelled", actor=operator)

    for buyout in (received, cancelled):
        with pytest.raises(ApplicationError) as error:
            services.buyout_status_set(buyout_id=buyout.pk, status="at_point", actor=operator)
        assert "больше не меняется" in error.value.message
    with pytest.raises(ApplicationError):
        services.buyout_status_set(buyout_id=received.pk, status="cancelled", actor=operator)


def test_a_cancelled_buyout_leaves_the_line_and_lets_it_be_bought_again(operator):
    [line] = marketplace_lines()
    account = make_account()
    first = record(line, account, operator)
    with pytest.raises(ApplicationError) as twice:
        record(line, account, operator, marketplace_order_number="again")

    services.buyout_status_set(
        buyout_id=first.pk, status="cancelled", actor=operator, comment="Отменён маркетплейсом"
    )
    second = record(line, make_account(), operator, marketplace_order_number="again")

    assert twice.value.code == "line_has_buyout"
    assert line_status(line) == "Выкуплен"
    assert second.status == BuyoutStatus.PLACED
    assert Buyout.objects.filter(line=line).count() == 2


def test_the_line_is_never_moved_back_or_out_of_a_final_status(operator):
    first, second = marketplace_lines(count_=2)
    manager_move = OrderStatus.objects.get(name="В ПВЗ")
    order_services.line_status_set(line_ids=[first.pk], status_id=manager_move.pk, actor=None)

    ahead = record(first, make_account(), operator)
    services.buyout_status_set(buyout_id=ahead.pk, status="in_transit", actor=operator)
    assert line_status(first) == "В ПВЗ"

    buyout = record(second, make_account(), operator, marketplace_order_number="2")
    order_services.line_refuse(line_ids=[second.pk], actor=operator, reason="Клиент отказался")
    services.buyout_status_set(buyout_id=buyout.pk, status="at_point", actor=operator)
    assert line_status(second) == "Отказ"


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("home_line", "line_not_marketplace"),
        ("other_marketplace", "wrong_marketplace"),
        ("refused_line", "line_final"),
        ("inactive_account", "account_inactive"),
        ("expired_account", "account_inactive"),
        ("busy_account", "account_busy"),
        ("closed_point", "pickup_point_required"),
        ("zero_amount", "amount_invalid"),
        ("no_number", "number_required"),
    ],
)
def test_a_buyout_is_refused_with_a_russian_message_and_nothing_changes(operator, setup, code):
    kind = Warehouse.Kind.HOME if setup == "home_line" else Warehouse.Kind.MARKETPLACE
    [line] = marketplace_lines(marketplace="ozon", kind=kind)
    account = make_account("wildberries" if setup == "other_marketplace" else "ozon")
    extra = {}
    if setup == "refused_line":
        order_services.line_refuse(line_ids=[line.pk], actor=operator, reason="Нет в наличии")
    if setup == "inactive_account":
        services.account_deactivate(account_id=account.pk, actor=None, reason="Заблокирован")
    if setup == "expired_account":
        type(account).objects.filter(pk=account.pk).update(
            service_until=timezone.localdate() - timedelta(days=1)
        )
    if setup == "busy_account":
        services.account_take(account_id=account.pk, actor=make_operator())
    if setup == "closed_point":
        line.order.pickup_point.is_active = False
        line.order.pickup_point.save()
    if setup == "zero_amount":
        extra["amount"] = "0"
    if setup == "no_number":
        extra["marketplace_order_number"] = "  "
    before = line_status(line)

    with pytest.raises(ApplicationError) as error:
        record(line, account, operator, **extra)

    assert error.value.code == code
    assert error.value.message and error.value.message[0].isupper()
    assert not Buyout.objects.exists()
    assert line_status(line) == before


def test_the_holder_may_record_a_buyout_with_the_account_he_took(operator):
    [line] = marketplace_lines(marketplace="ozon")
    account = make_account("ozon")
    services.account_take(account_id=account.pk, actor=operator)

    buyout = record(line, account, operator)

    assert buyout.account == account


def test_a_missing_line_status_in_the_table_is_a_clear_error(operator):
    [line] = marketplace_lines()
    BuyoutLineStatus.objects.filter(buyout_status="placed").update(line_status=None)

    with pytest.raises(ApplicationError) as error:
        record(line, make_account(), operator)

    assert error.value.code == "line_status_missing"
    assert "Оформлен" in error.value.message and "Статусы позиций для выкупов" in (
        error.value.message
    )
    assert not Buyout.objects.exists()


def test_the_table_follows_a_renamed_status(operator):
    OrderStatus.objects.filter(name="Выкуплен").update(name="Выкуплен на маркетплейсе")
    [line] = marketplace_lines()

    record(line, make_account(), operator)

    assert line_status(line) == "Выкуплен на маркетплейсе"


def test_the_default_table_is_the_marketplace_chain():
    table = dict(BuyoutLineStatus.objects.values_list("buyout_status", "line_status__name"))

    assert table == {
        "placed": "Выкуплен",
        "in_transit": "В пути в ПВЗ",
        "at_point": "В ПВЗ",
        "received": "Отгружен",
    }


def test_the_marketplace_of_an_account_with_buyouts_never_changes(operator):
    [line] = marketplace_lines(marketplace="ozon")
    account = make_account("ozon")
    record(line, account, operator)

    with pytest.raises(ApplicationError) as error:
        services.account_update(
            account_id=account.pk,
            marketplace="wildberries",
            name=account.name,
            login=account.login,
            service_until=account.service_until,
            actor=operator,
        )

    assert error.value.code == "marketplace_locked"
