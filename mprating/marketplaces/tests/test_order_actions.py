"""«Оформить выкуп» on the back office order page: offered through the orders hook for a
marketplace line without a buyout, to those who may make buyouts, at a fixed query cost."""

import pytest
from django.urls import reverse

from mprating.catalog.models import Warehouse
from mprating.core.testing import count_queries
from mprating.marketplaces import services
from mprating.marketplaces.tests.factories import (
    make_account,
    make_manager,
    make_operator,
    marketplace_lines,
)

pytestmark = pytest.mark.django_db


def _order_page(client, order) -> str:
    response = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _link(line) -> str:
    return f'href="{reverse("admin:marketplaces_buyout_add")}?line={line.pk}"'


def test_a_marketplace_line_offers_a_buyout_and_a_home_line_does_not(client):
    # given two marketplace lines (one already bought out) and a line from the home warehouse
    operator = make_operator()
    fresh, bought = marketplace_lines(count_=2)
    services.buyout_create(
        line_id=bought.pk,
        account_id=make_account("ozon").pk,
        marketplace_order_number="OZ-1",
        amount="1000",
        pickup_point_id=bought.order.pickup_point_id,
        actor=operator,
    )
    [home] = marketplace_lines(kind=Warehouse.Kind.HOME)
    client.force_login(operator)

    # when
    marketplace_page = _order_page(client, fresh.order)
    home_page = _order_page(client, home.order)

    # then
    assert _link(fresh) in marketplace_page and "Оформить выкуп" in marketplace_page
    assert _link(bought) not in marketplace_page
    assert 'data-testid="line-buyout"' not in home_page


def test_a_manager_who_may_not_make_buyouts_is_not_offered_one(client):
    [line] = marketplace_lines()
    client.force_login(make_manager())

    page = _order_page(client, line.order)

    assert _link(line) not in page


def test_the_order_page_costs_the_same_for_2_and_20_marketplace_lines(client):
    client.force_login(make_operator())
    small, large = marketplace_lines(count_=2)[0].order, marketplace_lines(count_=20)[0].order
    _order_page(client, small)  # warm the caches (session, content types)

    counts = [
        count_queries(lambda order=order: _order_page(client, order)) for order in (small, large)
    ]

    assert counts[0] == counts[1], counts


def test_a_finished_line_is_not_offered_a_buyout(client):
    # given a marketplace line already handed out to the client («Отгружен», a final status)
    from mprating.orders.models import OrderStatus
    from mprating.orders.services import line_status_set

    operator = make_operator()
    [line] = marketplace_lines(count_=1)
    shipped = OrderStatus.objects.get(role=OrderStatus.Role.SHIPPED)
    line_status_set(line_ids=[line.pk], status_id=shipped.pk, actor=operator)
    client.force_login(operator)

    # when
    page = _order_page(client, line.order)

    # then
    assert _link(line) not in page
