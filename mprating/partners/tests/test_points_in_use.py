"""Points that orders refer to (seed 000 «Отключать», «Удалять»): they are never deleted,
the back office says why and offers to switch them off; a switched-off point is not offered at
checkout while the orders placed earlier keep it. Here, not in pickup_points' own tests:
orders live on a higher floor."""

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.catalog.models import Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.errors import ApplicationError
from mprating.orders.tests.factories import add_to_cart, place_order
from mprating.pickup_points import services
from mprating.pickup_points.models import PickupPoint, PickupPointChange
from mprating.pickup_points.selectors import pickup_points_active
from mprating.pickup_points.tests.factories import make_point

pytestmark = pytest.mark.django_db
Action = PickupPointChange.Action
BASE = "/backoffice/pickup_points/pickuppoint/"


@pytest.fixture
def as_operator(client, operator):
    client.force_login(operator)
    return client


def _order_to(point: PickupPoint):
    client = make_client()
    offer = make_offer(make_product(), make_warehouse(Warehouse.Kind.HOME), quantity=10)
    add_to_cart(client, offer)
    return place_order(client, pickup_point=point)


def test_disabled_point_is_not_offered_at_checkout_but_old_orders_keep_it(operator):
    # given: a point with an order
    point = make_point()
    order = _order_to(point)

    # when: the operator disables it with a reason
    services.point_set_active(point_id=point.pk, active=False, by=operator, reason="Ремонт")

    # then: checkout no longer offers it, the order keeps it, the history says why
    assert point not in pickup_points_active()
    order.refresh_from_db()
    assert order.pickup_point_id == point.pk
    client = order.client
    offer = make_offer(make_product(), make_warehouse(Warehouse.Kind.HOME), quantity=10)
    add_to_cart(client, offer)
    with pytest.raises(ApplicationError) as error:
        place_order(client, pickup_point=point)
    assert error.value.code == "pickup_point_unavailable"
    change = point.changes.get(action=Action.DISABLED)
    assert (change.comment, change.changed_by) == ("Ремонт", operator)


def test_point_with_orders_cannot_be_deleted_and_the_reason_says_so(operator):
    point = make_point(name="ПВЗ «Митино»")
    _order_to(point)
    _order_to(point)

    with pytest.raises(ApplicationError) as error:
        services.point_delete(point_id=point.pk, by=operator)

    assert error.value.code == "point_in_use"
    assert error.value.message.startswith(
        "Пункт выдачи «ПВЗ «Митино»» нельзя удалить: на него ссылаются заявки (2)."
    )
    assert "Отключите пункт" in error.value.message
    assert PickupPoint.objects.filter(pk=point.pk).exists()
    assert not point.changes.filter(action=Action.DELETED).exists()
    assert services.point_references(point) == [("заявки", 2)]


def test_a_point_with_orders_explains_why_it_stays_and_offers_to_disable(as_operator):
    point = make_point(name="ПВЗ «Митино»")
    _order_to(point)

    page = as_operator.get(f"{BASE}{point.pk}/delete/").content.decode()
    as_operator.post(f"{BASE}{point.pk}/delete/", {"post": "yes"})

    assert "нельзя удалить: на него ссылаются заявки (1)" in page
    assert f"{BASE}{point.pk}/disable/" in page
    assert PickupPoint.objects.filter(pk=point.pk).exists()
