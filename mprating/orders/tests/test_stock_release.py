"""A refused line not yet shipped gives its reserved stock back — once; a shipped line or a
marketplace buyout gives nothing back (`orders.transitions`, section 3)."""

import pytest

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Offer, Warehouse
from mprating.orders import hooks, services
from mprating.orders.models import OrderLine
from mprating.orders.tests.factories import add_to_cart, place_order
from mprating.orders.tests.status_helpers import order_with_lines, role, status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_mail(monkeypatch):
    monkeypatch.setattr(hooks, "line_status_changed", lambda ids: None)


@pytest.fixture
def manager():
    return make_staff("Менеджеры магазина", email="manager@example.ru")


@pytest.fixture
def buyer():
    return make_client(last_name="Покупатель")


def _stock(line) -> int:
    return Offer.objects.get(pk=line.offer_id).quantity


def _refuse_by(how: str, line, buyer, manager) -> None:
    if how == "confirmed request":
        services.line_refusal_request(client=buyer, line_id=line.pk)
        services.line_refusal_confirm(line_ids=[line.pk], actor=manager)
    elif how == "manager refusal":
        services.line_refuse(line_ids=[line.pk], actor=manager, reason="Нет в наличии")
    else:
        services.line_status_set(line_ids=[line.pk], status_id=role("refused").pk, actor=manager)


@pytest.mark.parametrize("how", ["confirmed request", "manager refusal", "status «Отказ»"])
@pytest.mark.parametrize("kind", [Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT])
def test_refused_unshipped_line_gives_its_stock_back(buyer, manager, how, kind):
    # given: 50 in stock, 3 ordered
    _, [line] = order_with_lines(buyer, kinds=(kind,), quantity=3)
    assert _stock(line) == 47

    # when
    _refuse_by(how, line, buyer, manager)

    # then
    assert _stock(line) == 50
    assert OrderLine.objects.get(pk=line.pk).stock_released_at is not None


def test_stock_comes_back_once_even_when_a_line_is_refused_again(buyer, manager):
    # given: refused (stock back), revived by the manager
    _, [line] = order_with_lines(buyer, quantity=3)
    services.line_refuse(line_ids=[line.pk], actor=manager, reason="Нет в наличии")
    services.line_status_set(line_ids=[line.pk], status_id=status("Принят").pk, actor=manager)

    # when: refused once more, and confirmed twice
    services.line_status_set(line_ids=[line.pk], status_id=role("refused").pk, actor=manager)
    services.line_refusal_confirm(line_ids=[line.pk], actor=manager)

    # then
    assert _stock(line) == 50


def test_shipped_line_refused_gives_nothing_back(buyer, manager):
    _, [line] = order_with_lines(buyer, quantity=3)
    services.line_status_set(line_ids=[line.pk], status_id=role("shipped").pk, actor=manager)

    services.line_status_set(line_ids=[line.pk], status_id=role("refused").pk, actor=manager)

    assert _stock(line) == 47
    assert OrderLine.objects.get(pk=line.pk).stock_released_at is None


@pytest.mark.parametrize("how", ["confirmed request", "manager refusal", "status «Отказ»"])
def test_marketplace_buyout_gives_nothing_back(buyer, manager, how):
    _, [line] = order_with_lines(buyer, kinds=(Warehouse.Kind.MARKETPLACE,), quantity=3)

    _refuse_by(how, line, buyer, manager)

    assert _stock(line) == 47
    assert OrderLine.objects.get(pk=line.pk).status.role == "refused"


def test_a_bulk_refusal_gives_back_each_line_of_one_offer(buyer, manager):
    # given: two orders of the same offer
    _, [first] = order_with_lines(buyer, quantity=2)
    offer = Offer.objects.get(pk=first.offer_id)
    add_to_cart(buyer, offer, 5)
    second = place_order(buyer).lines.get()
    assert _stock(first) == 43

    # when
    refused = services.line_refuse(
        line_ids=[first.pk, second.pk], actor=manager, reason="Поставщик отказал"
    )

    # then
    assert refused == 2
    assert _stock(first) == 50
