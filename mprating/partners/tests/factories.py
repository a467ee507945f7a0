"""Partner test data: orders to a point whose lines are moved through the gatekeeper at given
moments (the clock travels), as the store's staff and the owner would move them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from mprating.accounts.models import Client
from mprating.accounts.tests.factories import make_client
from mprating.catalog.models import Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.orders.models import OrderLine, OrderStatus
from mprating.orders.services import line_status_set
from mprating.orders.tests.factories import add_to_cart, place_order
from mprating.partners.selectors import at_point_status
from mprating.pickup_points.models import PickupPoint

MSK = ZoneInfo("Europe/Moscow")


def msk(*parts: int) -> datetime:
    """A Moscow wall-clock moment: msk(2026, 11, 2, 10) → 02.11.2026 10:00 MSK."""
    return datetime(*parts, tzinfo=MSK)


def line_to(
    point: PickupPoint,
    *,
    source: str = Warehouse.Kind.MARKETPLACE,
    client: Client | None = None,
    placed: datetime | None = None,
    recipient_phone: str = "+7 916 555-44-33",
) -> OrderLine:
    """An order of one line from a `source` warehouse to `point`, placed at `placed`."""
    client = client or make_client()
    offer = make_offer(make_product(), make_warehouse(source), quantity=100)
    with time_machine.travel(placed or msk(2026, 10, 1, 9), tick=False):
        add_to_cart(client, offer)
        order = place_order(client, pickup_point=point, recipient_phone=recipient_phone)
    return order.lines.select_related("order", "status").get()


def move(line: OrderLine, status: OrderStatus, at: datetime, *, actor=None, comment="") -> None:
    with time_machine.travel(at, tick=False):
        line_status_set(line_ids=[line.pk], status_id=status.pk, actor=actor, comment=comment)


def arrive(line: OrderLine, at: datetime) -> OrderLine:
    move(line, at_point_status(), at)
    return line


def role(value: str) -> OrderStatus:
    return OrderStatus.objects.get(role=value)
