"""`order_place`: snapshots, stock reservation, idempotency, and «bad input changes nothing»."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError

from mprating.accounts.tests.factories import make_client
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer, Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.errors import ApplicationError
from mprating.orders import services
from mprating.orders.models import Order, OrderLine, OrderStatus, PaymentMethod, StatusChange
from mprating.orders.services import checkout
from mprating.orders.tests.factories import add_to_cart, make_pickup_point, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return make_client(last_name="Покупатель")


@pytest.fixture
def bosch_pads():
    product = make_product(brand="BOSCH", article="0 986 494 005", name="Колодки тормозные")
    offer = make_offer(
        product,
        make_warehouse(Warehouse.Kind.TRANSIT, name="Поставщик Север"),
        price="2450.50",
        quantity=10,
        min_order_quantity=2,
        delivery_days=3,
        is_returnable=True,
        return_days=30,
    )
    offer.return_deduction_percent = Decimal("10.00")
    offer.save(update_fields=["return_deduction_percent"])
    return offer


def _snapshot(client):
    """What a failed checkout must leave untouched."""
    return (
        Order.objects.count(),
        OrderLine.objects.count(),
        StatusChange.objects.count(),
        sorted(CartLine.objects.filter(client=client).values_list("id", "quantity")),
        sorted(Offer.objects.values_list("id", "quantity")),
    )


@time_machine.travel("2026-03-10 12:00 +0300", tick=False)
def test_checkout_creates_order_with_snapshots_reserves_stock_and_empties_cart(buyer, bosch_pads):
    # given
    filter_offer = make_offer(
        make_product(brand="MANN-FILTER", article="W 712/95", name="Фильтр масляный"),
        make_warehouse(Warehouse.Kind.HOME, name="Склад Москва"),
        price="640.00",
        quantity=5,
        delivery_days=0,
        is_returnable=False,
        return_days=0,
    )
    add_to_cart(buyer, bosch_pads, quantity=4, comment="на Camry")
    add_to_cart(buyer, filter_offer, quantity=1)
    point = make_pickup_point(name="ПВЗ «Марьино»")

    # when
    order = place_order(
        buyer,
        pickup_point=point,
        payment_method=PaymentMethod.INVOICE,
        recipient_phone="8 (916) 123-45-67",
        comment="Позвонить за час",
    )

    # then
    assert order.number == f"MP-{order.pk:06d}"
    assert (order.client, order.pickup_point, order.delivery_address) == (buyer, point, "")
    assert order.payment_method == "invoice"
    assert order.recipient_phone == "+79161234567"
    assert order.comment == "Позвонить за час"
    pads, oil_filter = order.lines.order_by("id")
    assert (pads.brand_name, pads.article, pads.product_name) == (
        "BOSCH",
        "0 986 494 005",
        "Колодки тормозные",
    )
    assert (pads.quantity, pads.price, pads.comment) == (4, Decimal("2450.50"), "на Camry")
    assert (pads.warehouse, pads.source) == (bosch_pads.warehouse, "transit")
    assert (pads.delivery_days, pads.expected_delivery_date) == (3, date(2026, 3, 13))
    assert (pads.is_returnable, pads.return_days, pads.return_deduction_percent) == (
        True,
        30,
        Decimal("10.00"),
    )
    assert pads.client == buyer
    assert (oil_filter.source, oil_filter.is_returnable) == ("home", False)
    assert oil_filter.expected_delivery_date == date(2026, 3, 10)
    assert {line.status.role for line in (pads, oil_filter)} == {"new"}
    history = list(StatusChange.objects.filter(line__order=order).order_by("line_id"))
    assert [(h.line_id, h.status.name, h.changed_by) for h in history] == [
        (pads.pk, "Новый", None),
        (oil_filter.pk, "Новый", None),
    ]
    bosch_pads.refresh_from_db()
    filter_offer.refresh_from_db()
    assert (bosch_pads.quantity, filter_offer.quantity) == (6, 4)
    assert not CartLine.objects.filter(client=buyer).exists()


def test_lines_keep_their_snapshot_when_the_price_list_changes_later(buyer, bosch_pads):
    add_to_cart(buyer, bosch_pads, quantity=2)
    order = place_order(buyer)

    bosch_pads.price = Decimal("3100.00")
    bosch_pads.is_returnable = False
    bosch_pads.delivery_days = 14
    bosch_pads.save()
    product = bosch_pads.product
    product.name = "Колодки (новое название)"
    product.save()

    line = OrderLine.objects.get(order=order)
    assert (line.price, line.is_returnable, line.delivery_days, line.product_name) == (
        Decimal("2450.50"),
        True,
        3,
        "Колодки тормозные",
    )


def test_a_delivery_address_instead_of_a_pickup_point(buyer, bosch_pads):
    add_to_cart(buyer, bosch_pads, quantity=2)

    order = place_order(buyer, delivery_address="  г. Москва,   ул. Тверская, д. 7, кв. 12 ")

    assert order.pickup_point is None
    assert order.delivery_address == "г. Москва, ул. Тверская, д. 7, кв. 12"


def test_double_submit_with_the_same_key_makes_one_order(buyer, bosch_pads):
    add_to_cart(buyer, bosch_pads, quantity=2)
    point = make_pickup_point()
    key = uuid.uuid4()

    first = place_order(buyer, pickup_point=point, idempotency_key=key)
    second = place_order(buyer, pickup_point=point, idempotency_key=key)

    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 1
    bosch_pads.refresh_from_db()
    assert bosch_pads.quantity == 8


def test_the_same_key_of_another_client_is_a_different_order(buyer, bosch_pads):
    other = make_client(email="other@example.ru")
    add_to_cart(buyer, bosch_pads, quantity=2)
    add_to_cart(other, bosch_pads, quantity=2)
    key = uuid.uuid4()

    mine = place_order(buyer, idempotency_key=key)
    theirs = place_order(other, idempotency_key=key)

    assert mine.pk != theirs.pk
    assert theirs.client == other


def test_a_twin_that_committed_between_check_and_insert_is_returned(buyer, bosch_pads, monkeypatch):
    # given: the twin's order is invisible to the first look-up, as if it had not committed
    add_to_cart(buyer, bosch_pads, quantity=2)
    key = uuid.uuid4()
    twin = place_order(buyer, idempotency_key=key)
    add_to_cart(buyer, bosch_pads, quantity=2)
    calls = []
    real_existing = checkout._existing

    def late_existing(client, idempotency_key):
        calls.append(1)
        return None if len(calls) <= 2 else real_existing(client, idempotency_key)

    monkeypatch.setattr(checkout, "_existing", late_existing)

    # when
    order = place_order(buyer, idempotency_key=key)

    # then: the unique key stopped the insert; the twin is returned and nothing else changed
    assert order.pk == twin.pk
    assert Order.objects.count() == 1
    assert CartLine.objects.filter(client=buyer).count() == 1
    bosch_pads.refresh_from_db()
    assert bosch_pads.quantity == 8


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda offer: setattr(offer, "quantity", 3), "в наличии осталось 3 шт., в корзине 4 шт."),
        (lambda offer: setattr(offer, "quantity", 0), "товар закончился"),
        (lambda offer: setattr(offer, "min_order_quantity", 6), "минимальный заказ — 6 шт."),
    ],
    ids=["not-enough-stock", "sold-out", "below-minimum"],
)
def test_a_line_that_cannot_be_ordered_changes_nothing(buyer, bosch_pads, setup, message):
    # given
    ok_offer = make_offer(quantity=5)
    add_to_cart(buyer, ok_offer, quantity=1)
    add_to_cart(buyer, bosch_pads, quantity=4)
    setup(bosch_pads)
    bosch_pads.save()
    point = make_pickup_point()
    before = _snapshot(buyer)

    # when
    with pytest.raises(ApplicationError) as exc:
        place_order(buyer, pickup_point=point)

    # then
    assert exc.value.code == "cart_line_unavailable"
    assert "BOSCH 0 986 494 005" in exc.value.message
    assert message in exc.value.message
    assert _snapshot(buyer) == before


def test_an_inactive_warehouse_changes_nothing(buyer, bosch_pads):
    add_to_cart(buyer, bosch_pads, quantity=2)
    Warehouse.objects.filter(pk=bosch_pads.warehouse_id).update(is_active=False)
    point = make_pickup_point()
    before = _snapshot(buyer)

    with pytest.raises(ApplicationError) as exc:
        place_order(buyer, pickup_point=point)

    assert "склад «Поставщик Север» сейчас не принимает заказы" in exc.value.message
    assert _snapshot(buyer) == before


def test_all_problem_lines_are_counted_in_the_message(buyer, bosch_pads):
    add_to_cart(buyer, bosch_pads, quantity=40)
    add_to_cart(buyer, make_offer(quantity=1), quantity=5)
    point = make_pickup_point()

    with pytest.raises(ApplicationError) as exc:
        place_order(buyer, pickup_point=point)

    assert exc.value.message.endswith("И ещё позиций с ошибками: 1.")


def _inactive_point():
    return {"pickup_point_id": make_pickup_point(is_active=False).pk}


@pytest.mark.parametrize(
    ("inputs", "field", "message"),
    [
        (_inactive_point, "pickup_point", "больше не работает"),
        (lambda: {"pickup_point_id": 987654}, "pickup_point", "не найден"),
        (lambda: {}, "pickup_point", "Выберите пункт выдачи или укажите адрес"),
        (
            lambda: {"pickup_point_id": make_pickup_point().pk, "delivery_address": "г. Москва"},
            "pickup_point",
            "что-то одно",
        ),
        (lambda: {"delivery_address": "Москва"}, "delivery_address", "Укажите адрес полностью"),
        (
            lambda: {"pickup_point_id": make_pickup_point().pk, "recipient_phone": "12345"},
            "recipient_phone",
            "Введите номер телефона полностью",
        ),
        (
            lambda: {"pickup_point_id": make_pickup_point().pk, "payment_method": "bitcoin"},
            "payment_method",
            "Выберите способ оплаты",
        ),
        (
            lambda: {"pickup_point_id": make_pickup_point().pk, "comment": "x" * 1001},
            "comment",
            "не длиннее 1000",
        ),
    ],
    ids=[
        "inactive-point",
        "unknown-point",
        "no-point-no-address",
        "both",
        "short-address",
        "bad-phone",
        "bad-payment",
        "long-comment",
    ],
)
def test_bad_checkout_input_gets_a_russian_message_on_its_field_and_changes_nothing(
    buyer, bosch_pads, inputs, field, message
):
    # given
    add_to_cart(buyer, bosch_pads, quantity=2)
    arguments = {
        "client": buyer,
        "idempotency_key": uuid.uuid4(),
        "payment_method": PaymentMethod.BALANCE,
        "recipient_phone": "+79161234567",
        "comment": "",
        **inputs(),
    }
    before = _snapshot(buyer)

    # when
    with pytest.raises(ApplicationError) as exc:
        services.order_place(**arguments)

    # then
    assert exc.value.field == field
    assert message in exc.value.message
    assert _snapshot(buyer) == before


def test_an_empty_cart_cannot_be_ordered(buyer):
    point = make_pickup_point()

    with pytest.raises(ApplicationError) as exc:
        place_order(buyer, pickup_point=point)

    assert exc.value.code == "cart_empty"
    assert "Корзина пуста" in exc.value.message
    assert not Order.objects.exists()


def test_only_the_clients_own_cart_is_ordered(buyer, bosch_pads):
    other = make_client(email="neighbour@example.ru")
    add_to_cart(buyer, bosch_pads, quantity=2)
    add_to_cart(other, bosch_pads, quantity=3)

    order = place_order(buyer)

    assert [line.quantity for line in order.lines.all()] == [2]
    assert CartLine.objects.filter(client=other).count() == 1


def test_numbers_are_unique_and_sequential(buyer, bosch_pads):
    add_to_cart(buyer, bosch_pads, quantity=2)
    first = place_order(buyer)
    add_to_cart(buyer, bosch_pads, quantity=2)
    second = place_order(buyer)

    assert first.number < second.number
    assert second.number.startswith("MP-")


def test_a_large_cart_is_placed_in_batches(buyer):
    offers = [make_offer(quantity=3, price="10.00") for _ in range(520)]
    for offer in offers:
        add_to_cart(buyer, offer, quantity=2)

    order = place_order(buyer)

    assert order.lines.count() == 520
    assert StatusChange.objects.filter(line__order=order).count() == 520
    assert set(
        Offer.objects.filter(pk__in=[o.pk for o in offers]).values_list("quantity", flat=True)
    ) == {1}
    assert not CartLine.objects.filter(client=buyer).exists()


def test_database_refuses_an_order_with_both_point_and_address(buyer):
    with pytest.raises(IntegrityError):
        Order.objects.create(
            client=buyer,
            payment_method=PaymentMethod.BALANCE,
            recipient_phone="+79161234567",
            pickup_point=make_pickup_point(),
            delivery_address="г. Москва, ул. Тверская, д. 7",
        )


def test_default_statuses_form_the_three_chains():
    def chain(flag):
        return list(
            OrderStatus.objects.filter(**{flag: True})
            .exclude(role="refused")
            .values_list("name", flat=True)
        )

    assert chain("for_home") == ["Новый", "Принят", "Собран", "Отгружен"]
    assert chain("for_transit") == [
        "Новый",
        "Заказан у поставщика",
        "В пути",
        "Поступил на склад",
        "Отгружен",
    ]
    assert chain("for_marketplace") == ["Новый", "Выкуплен", "В пути в ПВЗ", "В ПВЗ", "Отгружен"]
    roles = dict(OrderStatus.objects.exclude(role="").values_list("role", "name"))
    assert roles == {"new": "Новый", "shipped": "Отгружен", "refused": "Отказ"}
    finals = set(OrderStatus.objects.filter(is_final=True).values_list("name", flat=True))
    assert finals == {"Отгружен", "Отказ"}
    colours = list(OrderStatus.objects.values_list("colour", flat=True))
    assert len(set(colours)) == len(colours)


def test_a_role_belongs_to_one_status_only():
    with pytest.raises(IntegrityError):
        OrderStatus.objects.create(name="Отгружен курьером", role="shipped", is_final=True)
