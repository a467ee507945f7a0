"""Cart rules: stock, minimum order, active warehouse, whole quantities, own lines only."""

from decimal import Decimal

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.cart import selectors, services
from mprating.cart.models import CartLine
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_cart_add_creates_then_increases_one_line():
    client = make_client()
    offer = make_offer(quantity=10)

    services.cart_add(client=client, offer_id=offer.pk, quantity=2)
    line = services.cart_add(client=client, offer_id=offer.pk, quantity="3", comment="ТО")

    assert CartLine.objects.filter(client=client).count() == 1
    assert line.quantity == 5
    assert line.comment == "ТО"


def test_cart_add_refuses_more_than_stock_counting_what_is_in_cart():
    client = make_client()
    offer = make_offer(quantity=3)
    services.cart_add(client=client, offer_id=offer.pk, quantity=2)

    with pytest.raises(ApplicationError) as error:
        services.cart_add(client=client, offer_id=offer.pk, quantity=2)

    assert error.value.code == "not_enough_stock"
    assert error.value.message.startswith("Можно заказать не больше 3 шт.")
    assert CartLine.objects.get(client=client).quantity == 2


def test_cart_add_refuses_below_minimum_order():
    client = make_client()
    offer = make_offer(quantity=10, min_order_quantity=4)

    with pytest.raises(ApplicationError) as error:
        services.cart_add(client=client, offer_id=offer.pk, quantity=3)

    assert error.value.message == "Минимальный заказ — 4 шт."
    assert not CartLine.objects.exists()


def test_cart_add_refuses_offer_of_inactive_warehouse():
    client = make_client()
    offer = make_offer(warehouse=make_warehouse(is_active=False))

    with pytest.raises(ApplicationError) as error:
        services.cart_add(client=client, offer_id=offer.pk, quantity=1)

    assert error.value.code == "warehouse_inactive"
    assert not CartLine.objects.exists()


def test_cart_add_refuses_out_of_stock_offer():
    client = make_client()
    offer = make_offer(quantity=0)

    with pytest.raises(ApplicationError) as error:
        services.cart_add(client=client, offer_id=offer.pk, quantity=1)

    assert error.value.message == "Товара нет в наличии."


@pytest.mark.parametrize("quantity", [0, -1, "1.5", "abc", "", None, True, 2.0])
def test_cart_add_refuses_bad_quantity(quantity):
    client = make_client()
    offer = make_offer()

    with pytest.raises(ApplicationError) as error:
        services.cart_add(client=client, offer_id=offer.pk, quantity=quantity)

    assert error.value.code == "bad_quantity"
    assert not CartLine.objects.exists()


def test_cart_add_unknown_offer():
    with pytest.raises(ApplicationError) as error:
        services.cart_add(client=make_client(), offer_id=999999, quantity=1)

    assert error.value.code == "not_found"
    assert error.value.field == "offer"


def test_set_quantity_follows_the_same_rules():
    client = make_client()
    offer = make_offer(quantity=5, min_order_quantity=2)
    line = services.cart_add(client=client, offer_id=offer.pk, quantity=2)

    services.cart_line_set_quantity(client=client, line_id=line.pk, quantity=5)
    with pytest.raises(ApplicationError, match=r"не больше 5 шт\."):
        services.cart_line_set_quantity(client=client, line_id=line.pk, quantity=6)
    with pytest.raises(ApplicationError, match=r"Минимальный заказ — 2 шт\."):
        services.cart_line_set_quantity(client=client, line_id=line.pk, quantity=1)

    line.refresh_from_db()
    assert line.quantity == 5


def test_other_clients_line_cannot_be_changed_or_removed():
    owner, stranger = make_client(), make_client()
    line = services.cart_add(client=owner, offer_id=make_offer().pk, quantity=1)

    with pytest.raises(ApplicationError) as error:
        services.cart_line_set_quantity(client=stranger, line_id=line.pk, quantity=2)
    assert error.value.code == "not_found"
    with pytest.raises(ApplicationError):
        services.cart_line_remove(client=stranger, line_id=line.pk)

    line.refresh_from_db()
    assert line.quantity == 1


def test_remove_line():
    client = make_client()
    line = services.cart_add(client=client, offer_id=make_offer().pk, quantity=1)

    services.cart_line_remove(client=client, line_id=line.pk)

    assert not CartLine.objects.exists()


def test_totals_use_the_real_price_even_with_client_markup():
    client = make_client()
    client.markup_percent = Decimal("25")
    client.save(update_fields=["markup_percent"])
    first = make_offer(price="100.50", quantity=10)
    second = make_offer(product=make_product(brand="MANN"), price="19.99", quantity=10)
    services.cart_add(client=client, offer_id=first.pk, quantity=2)
    services.cart_add(client=client, offer_id=second.pk, quantity=3)

    totals = selectors.cart_totals(client=client)

    assert totals.amount == Decimal("260.97")
    assert totals.lines == 2
    assert totals.pieces == 5


@pytest.mark.parametrize("quantity", [99999999999, "99999999999", "9" * 5000, 100_001])
def test_cart_add_and_change_refuse_a_huge_quantity_in_russian(quantity):
    client = make_client()
    offer = make_offer(quantity=10**9)
    line = services.cart_add(client=client, offer_id=offer.pk, quantity=1)

    with pytest.raises(ApplicationError) as added:
        services.cart_add(client=client, offer_id=offer.pk, quantity=quantity)
    with pytest.raises(ApplicationError) as changed:
        services.cart_line_set_quantity(client=client, line_id=line.pk, quantity=quantity)

    for error in (added.value, changed.value):
        assert error.code == "quantity_too_big"
        assert (
            error.message
            == "Слишком большое количество: не больше 100\u00a0000 шт. в одной позиции."
        )
        assert error.field == "quantity"
    assert CartLine.objects.get().quantity == 1


def test_the_cart_line_total_is_capped_too():
    client = make_client()
    offer = make_offer(quantity=10**9)
    services.cart_add(client=client, offer_id=offer.pk, quantity=60_000)

    with pytest.raises(ApplicationError) as error:
        services.cart_add(client=client, offer_id=offer.pk, quantity=60_000)

    assert error.value.code == "quantity_too_big"
    assert CartLine.objects.get().quantity == 60_000
