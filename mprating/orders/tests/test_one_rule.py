"""One rule, one message: «can this offer be ordered in this quantity» is the catalog's
`offer_orderable_check`; adding to the cart (cabinet and API), «Загрузить в корзину», the
checkout page, checkout and «Перезаказ» all say what it says.

The rule phrases two situations: a request (adding, changing, reordering, importing: «Можно
заказать не больше 3 шт.») and a cart line as it stands (the checkout page and checkout:
«В наличии осталось 3 шт., в корзине 4 шт.»). Every entry point in the same situation gives
the same code and the same words; the orders' pages put the article in front.
"""

import io
import json

import pytest

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.cart import imports
from mprating.cart import services as cart_services
from mprating.cart.models import CartImportRow
from mprating.cart.tests.files import xlsx_bytes
from mprating.catalog.models import Offer, Warehouse
from mprating.catalog.services import OfferNotOrderable, offer_orderable_problem
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.errors import ApplicationError
from mprating.orders import hooks, selectors, services
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = pytest.mark.django_db
LABEL = "BOSCH 0 986 452 041"


@pytest.fixture(autouse=True)
def no_mail(monkeypatch):
    monkeypatch.setattr(hooks, "line_status_changed", lambda ids: None)


@pytest.fixture
def offer():
    product = make_product("BOSCH", "0 986 452 041", "Фильтр масляный")
    return make_offer(product, make_warehouse(Warehouse.Kind.HOME), quantity=3)


def _fresh(offer) -> Offer:
    return Offer.objects.select_related("warehouse", "product__brand").get(pk=offer.pk)


def _labelled(message: str) -> str:
    return f"{LABEL}: {message[0].lower()}{message[1:]}"


def _cart_add_error(client, offer, quantity) -> ApplicationError:
    with pytest.raises(ApplicationError) as error:
        cart_services.cart_add(client=client, offer_id=offer.pk, quantity=quantity)
    return error.value


def _import_row(client, quantity) -> CartImportRow:
    data = xlsx_bytes([["BOSCH", "0986452041", quantity, ""]])
    cart_import = imports.cart_import_file(
        client=client, file=io.BytesIO(data), filename="zakaz.xlsx"
    )
    return cart_import.rows.get()


def test_more_than_stock_reads_the_same_in_cart_api_import_and_reorder(client, offer):
    # given: the rule's own words for «4 pieces, nothing in the cart» and «1 more to 3»
    rule = offer_orderable_problem(offer=_fresh(offer), quantity=4)
    rule_full = offer_orderable_problem(offer=_fresh(offer), quantity=4, in_cart=3)

    # when: the cabinet's cart, the API, the import
    cabinet = _cart_add_error(make_client(), offer, 4)
    signed_in = make_client()
    client.force_login(signed_in.user)
    api = client.post(
        "/api/v1/cart/lines",
        data=json.dumps({"offer_id": offer.pk, "quantity": 4}),
        content_type="application/json",
    ).json()
    row = _import_row(make_client(), 4)

    # and: «Перезаказ» when the cart already holds all 3 pieces
    buyer, manager = make_client(), make_staff("Менеджеры магазина", email="m@example.ru")
    add_to_cart(buyer, offer, 1)
    line = place_order(buyer).lines.get()
    services.line_refuse(line_ids=[line.pk], actor=manager, reason="Нет в наличии")
    cart_services.cart_add(client=buyer, offer_id=offer.pk, quantity=3)
    cabinet_full = _cart_add_error(buyer, offer, 1)
    with pytest.raises(ApplicationError) as reorder:
        services.line_reorder(client=buyer, line_id=line.pk)

    # then
    assert (cabinet.code, cabinet.message) == (rule.code, rule.message)
    assert cabinet.message == "Можно заказать не больше 3 шт."
    assert (api["code"], api["message"]) == (rule.code, rule.message)
    assert (row.outcome, row.reason) == (CartImportRow.Outcome.NOT_ENOUGH, rule.short)
    assert (cabinet_full.code, cabinet_full.message) == (rule_full.code, rule_full.message)
    assert reorder.value.code == rule_full.code
    assert reorder.value.message == _labelled(cabinet_full.message)


def test_below_minimum_reads_the_same_in_cart_import_and_checkout(offer):
    # given: a minimum order of 2; a cart line of 1 left from before the minimum was raised
    Offer.objects.filter(pk=offer.pk).update(quantity=10, min_order_quantity=2)
    holder = make_client()
    add_to_cart(holder, offer, 1)
    request = offer_orderable_problem(offer=_fresh(offer), quantity=1)
    held = offer_orderable_problem(offer=_fresh(offer), quantity=1, in_cart=1)

    # when
    cabinet = _cart_add_error(make_client(), offer, 1)
    row = _import_row(make_client(), 1)
    page = selectors.checkout_summary(client=holder).lines[0].problem
    with pytest.raises(ApplicationError) as checkout:
        place_order(holder)

    # then
    assert (cabinet.code, cabinet.message) == ("below_min_order", request.message)
    assert (row.outcome, row.reason) == (CartImportRow.Outcome.BELOW_MIN, request.short)
    assert page == checkout.value.message == _labelled(held.message)
    assert checkout.value.message == f"{LABEL}: минимальный заказ — 2 шт., в корзине 1 шт."


def test_a_cart_line_over_stock_reads_the_same_on_the_checkout_page_and_at_checkout(offer):
    # given: the cart holds 4 while 3 are left
    buyer = make_client()
    add_to_cart(buyer, offer, 4)
    held = offer_orderable_problem(offer=_fresh(offer), quantity=4, in_cart=4)

    # when
    page = selectors.checkout_summary(client=buyer).lines[0].problem
    with pytest.raises(ApplicationError) as checkout:
        place_order(buyer)

    # then
    assert held.code == "not_enough_stock"
    assert page == checkout.value.message == _labelled(held.message)
    assert "в наличии осталось 3 шт., в корзине 4 шт." in page


def test_cart_change_uses_the_same_rule(offer):
    buyer = make_client()
    line = cart_services.cart_add(client=buyer, offer_id=offer.pk, quantity=2)

    with pytest.raises(OfferNotOrderable) as error:
        cart_services.cart_line_set_quantity(client=buyer, line_id=line.pk, quantity=5)

    rule = offer_orderable_problem(offer=_fresh(offer), quantity=5)
    assert (error.value.code, error.value.message) == (rule.code, rule.message)
