"""The one rule «can this offer be ordered in this quantity» and the stock it guards."""

import pytest
from django.db import connection

from mprating.catalog.models import Offer
from mprating.catalog.services import (
    OfferNotOrderable,
    StockNotReserved,
    offer_orderable_check,
    offer_orderable_problem,
    offer_quantity_fit,
    offer_stock_release,
    offer_stock_reserve,
)
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries, run_together

pytestmark = pytest.mark.django_db


def _offer(**fields) -> Offer:
    offer = make_offer(make_product("BOSCH", "0 986 452 041"), **fields)
    return Offer.objects.select_related("warehouse", "product__brand").get(pk=offer.pk)


@pytest.mark.parametrize(
    ("fields", "quantity", "in_cart", "code", "message", "short"),
    [
        ({"quantity": 3}, 4, 0, "not_enough_stock", "Можно заказать не больше 3 шт.", None),
        (
            {"quantity": 3},
            4,
            2,
            "not_enough_stock",
            "Можно заказать не больше 3 шт. (в корзине уже 2 шт.)",
            "недостаточно на складе (есть 1)",
        ),
        (
            {"quantity": 3},
            4,
            4,
            "not_enough_stock",
            "В наличии осталось 3 шт., в корзине 4 шт. Уменьшите количество.",
            "недостаточно на складе (есть 0)",
        ),
        ({"quantity": 0}, 1, 0, "out_of_stock", "Товара нет в наличии.", "нет в наличии"),
        (
            {"quantity": 0},
            2,
            2,
            "out_of_stock",
            "Товар закончился, в корзине 2 шт. Удалите позицию из корзины.",
            "нет в наличии",
        ),
        (
            {"quantity": 10, "min_order_quantity": 4},
            3,
            0,
            "below_min_order",
            "Минимальный заказ — 4 шт.",
            "ниже минимального заказа (4 шт.)",
        ),
        (
            {"quantity": 10, "min_order_quantity": 6},
            4,
            4,
            "below_min_order",
            "Минимальный заказ — 6 шт., в корзине 4 шт.",
            "ниже минимального заказа (6 шт.)",
        ),
    ],
    ids=[
        "more-than-stock",
        "more-than-stock-with-cart",
        "cart-line-over-stock",
        "sold-out",
        "cart-line-sold-out",
        "below-minimum",
        "cart-line-below-minimum",
    ],
)
def test_one_message_and_code_per_problem(fields, quantity, in_cart, code, message, short):
    offer = _offer(**fields)

    with pytest.raises(OfferNotOrderable) as error:
        offer_orderable_check(offer=offer, quantity=quantity, in_cart=in_cart)

    assert (error.value.code, error.value.message) == (code, message)
    if short:
        assert error.value.short == short
    assert error.value.labelled.startswith("BOSCH 0 986 452 041: ")
    assert error.value.labelled.endswith(message[1:])


def test_inactive_warehouse_and_removed_offer():
    offer = _offer(warehouse=make_warehouse(name="Поставщик Север", is_active=False))

    inactive = offer_orderable_problem(offer=offer, quantity=1)
    gone = offer_orderable_problem(offer=None, quantity=1)

    assert inactive.code == "warehouse_inactive" and inactive.field == "offer"
    assert "Склад «Поставщик Север» сейчас не принимает заказы" in inactive.message
    assert gone.code == "offer_not_found"


def test_an_orderable_quantity_passes_without_a_query():
    offer = _offer(quantity=5, min_order_quantity=2)

    assert count_queries(lambda: offer_orderable_check(offer=offer, quantity=5, in_cart=3)) == 0
    assert offer_orderable_problem(offer=offer, quantity=2) is None


@pytest.mark.parametrize(
    ("stock", "minimum", "wanted", "in_cart", "fits"),
    [(7, 5, 3, 0, 5), (7, 5, 3, 5, 2), (10, 1, 3, 2, 3), (4, 1, 9, 1, 3)],
)
def test_quantity_fit_raises_to_minimum_and_cuts_to_stock(stock, minimum, wanted, in_cart, fits):
    offer = _offer(quantity=stock, min_order_quantity=minimum)

    assert offer_quantity_fit(offer=offer, wanted=wanted, in_cart=in_cart) == fits


def test_quantity_fit_raises_the_rule_when_nothing_fits():
    offer = _offer(quantity=7)

    with pytest.raises(OfferNotOrderable) as error:
        offer_quantity_fit(offer=offer, wanted=3, in_cart=7)

    assert error.value.code == "not_enough_stock"
    assert error.value.message == "Можно заказать не больше 7 шт. (в корзине уже 7 шт.)"


def test_reserve_takes_stock_of_every_offer_at_once():
    first, second = _offer(quantity=5), make_offer(quantity=2)

    offers = offer_stock_reserve(quantities={first.pk: 3, second.pk: 2})

    assert offers[first.pk].quantity == 2 and offers[second.pk].quantity == 0
    assert dict(Offer.objects.values_list("pk", "quantity")) == {first.pk: 2, second.pk: 0}


def test_reserve_is_all_or_nothing_and_names_every_problem():
    fine, short, sold_out = _offer(quantity=5), make_offer(quantity=1), make_offer(quantity=0)

    with pytest.raises(StockNotReserved) as error:
        offer_stock_reserve(quantities={fine.pk: 1, short.pk: 2, sold_out.pk: 1})

    assert [p.code for p in error.value.problems] == ["not_enough_stock", "out_of_stock"]
    assert error.value.message.endswith("И ещё позиций с ошибками: 1.")
    assert "в наличии осталось 1 шт., в корзине 2 шт." in error.value.message
    assert dict(Offer.objects.values_list("pk", "quantity")) == {
        fine.pk: 5,
        short.pk: 1,
        sold_out.pk: 0,
    }


def test_release_gives_pieces_back_and_ignores_a_removed_offer():
    offer = _offer(quantity=1)

    assert offer_stock_release(offer_id=offer.pk, quantity=3) is True
    assert offer_stock_release(offer_id=None, quantity=3) is False
    assert offer_stock_release(offer_id=999_999, quantity=3) is False

    offer.refresh_from_db()
    assert offer.quantity == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_reservations_of_the_last_piece_one_wins():
    offer = make_offer(quantity=1)

    results = run_together(
        lambda: offer_stock_reserve(quantities={offer.pk: 1}),
        lambda: offer_stock_reserve(quantities={offer.pk: 1}),
    )

    assert sorted(type(result).__name__ for result in results) == ["StockNotReserved", "dict"]
    offer.refresh_from_db()
    assert offer.quantity == 0
