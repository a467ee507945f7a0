"""Orders test data: cart lines are made directly (the cart app owns its own services)."""

import uuid
from itertools import count

from mprating.accounts.models import Client
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer
from mprating.orders import services
from mprating.orders.models import Order, PaymentMethod
from mprating.pickup_points.models import PickupPoint

_numbers = count(1)


def make_pickup_point(**fields) -> PickupPoint:
    n = next(_numbers)
    defaults = {"name": f"ПВЗ №{n}", "address": f"г. Москва, ул. Тестовая, д. {n}"}
    defaults.update(fields)
    return PickupPoint.objects.create(**defaults)


def add_to_cart(client: Client, offer: Offer, quantity: int = 1, comment: str = "") -> CartLine:
    return CartLine.objects.create(client=client, offer=offer, quantity=quantity, comment=comment)


def place_order(
    client: Client,
    *,
    pickup_point: PickupPoint | None = None,
    delivery_address: str = "",
    idempotency_key: uuid.UUID | None = None,
    payment_method: str = PaymentMethod.ON_RECEIPT,
    recipient_phone: str = "+7 916 555-44-33",
    comment: str = "",
) -> Order:
    if pickup_point is None and not delivery_address:
        pickup_point = make_pickup_point()
    return services.order_place(
        client=client,
        idempotency_key=idempotency_key or uuid.uuid4(),
        payment_method=payment_method,
        recipient_phone=recipient_phone,
        comment=comment,
        pickup_point_id=pickup_point.pk if pickup_point else None,
        delivery_address=delivery_address,
    )
