"""Test helpers for the status workflow: placed lines of each source, statuses by name/role."""

from mprating.accounts.models import Client
from mprating.catalog.models import Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.orders.models import Order, OrderLine, OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order


def status(name: str) -> OrderStatus:
    return OrderStatus.objects.get(name=name)


def role(value: str) -> OrderStatus:
    return OrderStatus.objects.get(role=value)


def order_with_lines(
    client: Client, *, kinds: tuple[str, ...] = (Warehouse.Kind.HOME,), quantity: int = 1
) -> tuple[Order, list[OrderLine]]:
    """A placed order with one line per warehouse kind in `kinds` (each a new product)."""
    for kind in kinds:
        offer = make_offer(make_product(), make_warehouse(kind), quantity=50)
        add_to_cart(client, offer, quantity)
    order = place_order(client)
    return order, list(order.lines.select_related("status").order_by("pk"))
