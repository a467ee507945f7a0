"""`/api/v1/orders`: checkout and the client's own orders, over the same service as the cabinet."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from mprating.accounts.models import Client
from mprating.core.api import ErrorOut
from mprating.orders import selectors, services
from mprating.orders.models import Order
from mprating.pickup_points.selectors import pickup_points_active

router = Router(tags=["Заказы"])


class PickupPointOut(Schema):
    id: int
    name: str
    address: str


class OrderIn(Schema):
    idempotency_key: uuid.UUID = Field(
        ...,
        description="Новый UUID на каждое оформление; повтор с тем же ключом вернёт тот же заказ",
    )
    payment_method: str = Field(..., description="balance, invoice или on_receipt")
    recipient_phone: str
    comment: str = ""
    pickup_point_id: int | None = Field(None, description="Пункт выдачи — или delivery_address")
    delivery_address: str = ""


class StatusOut(Schema):
    name: str
    colour: str


class OrderLineOut(Schema):
    brand_name: str
    article: str
    product_name: str
    quantity: int
    price: Decimal
    source: str
    expected_delivery_date: date
    is_returnable: bool
    return_days: int
    comment: str
    status: StatusOut


class OrderOut(Schema):
    number: str
    created_at: datetime
    payment_method: str
    recipient_phone: str
    comment: str
    pickup_point: PickupPointOut | None
    delivery_address: str
    total: Decimal
    lines: list[OrderLineOut]

    @staticmethod
    def from_order(order: Order) -> "OrderOut":
        point = order.pickup_point
        return OrderOut(
            number=order.number,
            created_at=order.created_at,
            payment_method=order.payment_method,
            recipient_phone=order.recipient_phone,
            comment=order.comment,
            pickup_point=(
                PickupPointOut(id=point.pk, name=point.name, address=point.address)
                if point
                else None
            ),
            delivery_address=order.delivery_address,
            total=selectors.order_total(order),
            lines=[
                OrderLineOut(
                    brand_name=line.brand_name,
                    article=line.article,
                    product_name=line.product_name,
                    quantity=line.quantity,
                    price=line.price,
                    source=line.source,
                    expected_delivery_date=line.expected_delivery_date,
                    is_returnable=line.is_returnable,
                    return_days=line.return_days,
                    comment=line.comment,
                    status=StatusOut(name=line.status.name, colour=line.status.colour),
                )
                for line in order.lines.all()
            ],
        )


def _own_client(request: HttpRequest) -> Client:
    return get_object_or_404(Client, user_id=request.user.pk)


@router.get("/pickup-points", response=list[PickupPointOut])
def pickup_points_list(request: HttpRequest):
    return [PickupPointOut(id=p.pk, name=p.name, address=p.address) for p in pickup_points_active()]


@router.post("", response={201: OrderOut, 400: ErrorOut, 404: ErrorOut})
def order_create(request: HttpRequest, payload: OrderIn):
    client = _own_client(request)
    order = services.order_place(
        client=client,
        idempotency_key=payload.idempotency_key,
        payment_method=payload.payment_method,
        recipient_phone=payload.recipient_phone,
        comment=payload.comment,
        pickup_point_id=payload.pickup_point_id,
        delivery_address=payload.delivery_address,
    )
    placed = selectors.order_for_client(client=client, number=order.number)
    return Status(201, OrderOut.from_order(placed))


@router.get("/{number}", response={200: OrderOut, 404: ErrorOut})
def order_get(request: HttpRequest, number: str):
    order = selectors.order_for_client(client=_own_client(request), number=number)
    return OrderOut.from_order(order)
