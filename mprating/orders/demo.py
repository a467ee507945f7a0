"""Demo orders of the demo client (issue 4): lines in every status of the three chains, refusals
seen and unseen, a refusal request waiting for the manager, and old finished orders that the
cabinet moves to the archive by itself when the client opens it.

Everything goes through the real services (cart, checkout, the status gatekeeper, refusals);
only the dates of the «old» orders are moved back afterwards, as time would have done.
"""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mprating.accounts.models import Client, User
from mprating.cart.services import cart_add
from mprating.catalog.models import Offer
from mprating.orders import services
from mprating.orders.models import Order, OrderLine, OrderStatus, StatusChange
from mprating.pickup_points.models import PickupPoint

DEMO_CLIENT = "client@demo.mprating.ru"
MANAGER = "manager@demo.mprating.ru"


def _place(client: Client, offers: list[Offer], point: PickupPoint, comment: str = "") -> Order:
    for offer in offers:
        cart_add(client=client, offer_id=offer.pk, quantity=offer.min_order_quantity)
    return services.order_place(
        client=client,
        idempotency_key=uuid.uuid4(),
        payment_method="on_receipt",
        recipient_phone=client.user.phone,
        comment=comment,
        pickup_point_id=point.pk,
    )


def _move(line: OrderLine, role_or_name: str, manager: User, comment: str = "") -> None:
    status = OrderStatus.objects.filter(role=role_or_name).first() or OrderStatus.objects.get(
        name=role_or_name
    )
    services.line_status_set(
        line_ids=[line.pk], status_id=status.pk, actor=manager, comment=comment
    )


def _chain(source: str) -> list[OrderStatus]:
    flag = {"home": "for_home", "transit": "for_transit", "marketplace": "for_marketplace"}[source]
    return list(OrderStatus.objects.filter(**{flag: True}).exclude(role__in=["new", "refused"]))


@transaction.atomic
def seed(*, stdout) -> None:
    client = Client.objects.select_related("user").filter(user__email=DEMO_CLIENT).first()
    manager = User.objects.filter(email=MANAGER).first()
    point = PickupPoint.objects.filter(is_active=True).order_by("pk").first()
    if client is None or manager is None or point is None:
        return
    if Order.objects.filter(client=client).exists():
        stdout.write("Заказы демо-клиента уже есть.")
        return
    offers = {
        kind: list(
            Offer.objects.filter(warehouse__kind=kind, warehouse__is_active=True, quantity__gte=10)
            .select_related("product")
            .order_by("pk")[:12]
        )
        for kind in ("home", "transit", "marketplace")
    }

    # one order per chain, each line one step further along it
    for kind, comment in (
        ("home", "Забрать после 18:00"),
        ("transit", ""),
        ("marketplace", "Позвонить перед выдачей"),
    ):
        chain = _chain(kind)
        order = _place(client, offers[kind][: len(chain) + 1], point, comment)
        for depth, line in enumerate(order.lines.order_by("pk")):
            for status in chain[:depth]:
                services.line_status_set(line_ids=[line.pk], status_id=status.pk, actor=manager)

    # refusals: one requested by the client and confirmed (not seen yet), one by the manager
    # for another reason (seen), one request still waiting in the back office queue
    order = _place(client, offers["transit"][6:9], point)
    first, second, third = order.lines.order_by("pk")
    services.line_refusal_request(client=client, line_id=first.pk)
    services.line_refusal_confirm(line_ids=[first.pk], actor=manager)
    services.line_refuse(line_ids=[second.pk], actor=manager, reason="Нет в наличии у поставщика")
    services.line_refusal_seen_set(client=client, line_id=second.pk, seen=True)
    services.line_refusal_request(client=client, line_id=third.pk)

    # two finished orders from last season: the cabinet archives them on the next visit
    long_ago = timezone.now() - timedelta(days=95)
    for batch in (offers["home"][8:10], offers["marketplace"][8:10]):
        order = _place(client, batch, point)
        lines = list(order.lines.order_by("pk"))
        _move(lines[0], "shipped", manager)
        services.line_refuse(line_ids=[lines[1].pk], actor=manager, reason="Пересорт на складе")
        Order.objects.filter(pk=order.pk).update(created_at=long_ago)
        OrderLine.objects.filter(order=order).update(status_changed_at=long_ago)
        StatusChange.objects.filter(line__order=order).update(changed_at=long_ago)

    count = OrderLine.objects.filter(client=client).count()
    stdout.write(
        f"Заказы демо-клиента: {Order.objects.filter(client=client).count()}, позиций {count}."
    )
