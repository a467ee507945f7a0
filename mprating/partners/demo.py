"""The partner side of the demo (wired into `seed_demo`, after the orders demo).

- a second owner, «Савельева Ирина» (partner2@demo.mprating.ru), owns «ПВЗ «Химки»» and has
  not opened her invitation yet (the letter is in the outbox);
- «Стать партнёром»: one application waiting for an operator, one declined with a reason;
- orders of demo clients at the demo owner's points (pvz@demo.mprating.ru): lines waiting
  there now (two of them longer than `PARTNER_OVERDUE_DAYS`), lines handed out over the last
  twelve weeks, one returned «Не забран из ПВЗ» — so «Ждут выдачи» and the statistics have
  something to show.

Everything goes through the services (checkout, the status gatekeeper); afterwards the moments
of the status changes are moved back, as time would have done (as the orders demo does).
Deterministic, and a second run changes nothing.
"""

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mprating.accounts.models import Client, User
from mprating.cart.services import cart_add
from mprating.catalog.models import Offer
from mprating.orders.models import Order, OrderLine, OrderStatus, StatusChange
from mprating.orders.services import line_status_set, order_place
from mprating.partners import services
from mprating.partners.events import point_events_sync
from mprating.partners.models import PartnerApplication
from mprating.partners.selectors import at_point_status
from mprating.partners.services import ApplicationData
from mprating.pickup_points import owners
from mprating.pickup_points.demo import DEMO_OWNER_EMAIL, OPERATOR_EMAIL
from mprating.pickup_points.models import PickupPoint
from mprating.pickup_points.owners import OwnerData

SECOND_OWNER = OwnerData(
    last_name="Савельева",
    first_name="Ирина",
    middle_name="Викторовна",
    email="partner2@demo.mprating.ru",
    phone="+79161000014",
    company_name="ИП Савельева И. В.",
    inn="500100732259",
)
APPLICATIONS = [
    (
        ApplicationData(
            company_name="ООО «Северный пункт»",
            inn="7736207543",
            contact_name="Корнилов Денис Андреевич",
            phone="+79262003040",
            email="kornilov@severpunkt.ru",
            point_address="г. Москва, ул. Дыбенко, д. 7, корп. 1, пом. 4",
            comment="Помещение 35 м² у метро «Ховрино», работаем с Ozon и Wildberries.",
        ),
        "",
    ),
    (
        ApplicationData(
            company_name="ИП Яковлев С. П.",
            inn="7702070139",
            contact_name="Яковлев Степан Петрович",
            phone="+79035556677",
            email="yakovlev.sp@mail.ru",
            point_address="Московская обл., г. Дмитров, ул. Загорская, д. 12",
        ),
        "Нет клиентов MP Rating в этом районе; вернёмся к заявке через полгода.",
    ),
]

# (point, days ago it arrived, then: None = waits, ("shipped"|"refused", days ago))
LINES = [
    ("ПВЗ «Профсоюзная»", 1, None),
    ("ПВЗ «Профсоюзная»", 3, None),
    ("ПВЗ «Профсоюзная»", 9, None),
    ("ПВЗ «Профсоюзная»", 12, None),
    ("ПВЗ «Митино»", 2, None),
    ("ПВЗ «Профсоюзная»", 25, ("refused", 17)),
    *[
        ("ПВЗ «Профсоюзная»", days, ("shipped", days - gap))
        for days, gap in [(80, 2), (74, 1), (66, 3), (59, 1), (52, 4), (45, 2), (40, 1)]
    ],
    *[
        ("ПВЗ «Профсоюзная»", days, ("shipped", days - gap))
        for days, gap in [(33, 2), (29, 1), (22, 5), (16, 2), (11, 1), (8, 3), (5, 1)]
    ],
    *[
        ("ПВЗ «Митино»", days, ("shipped", days - gap))
        for days, gap in [(70, 3), (50, 1), (35, 2), (20, 2), (6, 1)]
    ],
]
RETURN_COMMENT = services.RETURN_COMMENT


def _second_owner(operator: User | None) -> None:
    if User.objects.filter(email=SECOND_OWNER.email).exists():
        return
    point = PickupPoint.objects.filter(name="ПВЗ «Химки»", owner__isnull=True).first()
    owners.owner_register(data=SECOND_OWNER, by=operator, point_id=point.pk if point else None)


def _applications(operator: User | None) -> None:
    for data, decline_reason in APPLICATIONS:
        if PartnerApplication.objects.filter(email=data.email).exists():
            continue
        application = services.application_submit(data=data, consent_given=True)
        if decline_reason and operator is not None:
            services.application_decline(
                application_id=application.pk, by=operator, reason=decline_reason
            )


def _key(index: int) -> uuid.UUID:
    """The checkout key of the demo's n-th order: a second run finds the first and stops."""
    return uuid.UUID(int=0x9F2_0000 + index)


def _back(changes: list[StatusChange], line: OrderLine, moment) -> None:
    StatusChange.objects.filter(pk__in=[c.pk for c in changes]).update(changed_at=moment)
    OrderLine.objects.filter(pk=line.pk).update(status_changed_at=moment)


def _lines(owner: User, manager: User | None, status: OrderStatus) -> int:
    points = {p.name: p for p in PickupPoint.objects.filter(owner=owner)}
    if not points or Order.objects.filter(idempotency_key=_key(0)).exists():
        return 0
    chain = list(
        OrderStatus.objects.filter(for_marketplace=True, sort_order__lt=status.sort_order)
        .exclude(role__in=[OrderStatus.Role.NEW, OrderStatus.Role.REFUSED])
        .order_by("sort_order", "name")
    )
    ends = {role: OrderStatus.objects.get(role=role) for role in ("shipped", "refused")}
    buyers = list(
        Client.objects.filter(user__is_active=True).select_related("user").order_by("pk")[:8]
    )
    offers = list(
        Offer.objects.filter(
            warehouse__kind="marketplace", warehouse__is_active=True, quantity__gte=20
        ).order_by("pk")[20 : 20 + len(LINES)]
    )
    if not buyers or len(offers) < len(LINES):
        return 0
    now = timezone.now()
    for index, (point_name, arrived_days, then) in enumerate(LINES):
        point = points.get(point_name)
        if point is None:
            continue
        buyer = buyers[index % len(buyers)]
        offer = offers[index]
        cart_add(client=buyer, offer_id=offer.pk, quantity=offer.min_order_quantity)
        order = order_place(
            client=buyer,
            idempotency_key=_key(index),
            payment_method="on_receipt",
            recipient_phone=buyer.user.phone,
            comment="",
            pickup_point_id=point.pk,
        )
        line = order.lines.get()
        arrived = now - timedelta(days=arrived_days, hours=index % 7)
        for step, middle in enumerate(chain):
            changes = line_status_set(line_ids=[line.pk], status_id=middle.pk, actor=manager)
            _back(changes, line, arrived - timedelta(days=len(chain) - step))
        changes = line_status_set(line_ids=[line.pk], status_id=status.pk, actor=manager)
        _back(changes, line, arrived)
        if then is not None:
            role, days = then
            changes = line_status_set(
                line_ids=[line.pk],
                status_id=ends[role].pk,
                actor=owner,
                comment=RETURN_COMMENT if role == "refused" else f"Выдан клиенту в {point_name}",
            )
            _back(changes, line, now - timedelta(days=days, hours=index % 5))
        first = arrived - timedelta(days=len(chain) + 1)
        Order.objects.filter(pk=order.pk).update(created_at=first)
        StatusChange.objects.filter(line=line, status__role="new").update(changed_at=first)
    return len(LINES)


@transaction.atomic
def seed(*, stdout) -> None:
    operator = User.objects.filter(email=OPERATOR_EMAIL).first()
    manager = User.objects.filter(email="manager@demo.mprating.ru").first()
    owner = User.objects.filter(email=DEMO_OWNER_EMAIL).first()
    status = at_point_status()
    _second_owner(operator)
    _applications(operator)
    made = _lines(owner, manager, status) if owner is not None and status is not None else 0
    point_events_sync()
    waiting = OrderLine.objects.filter(order__pickup_point__owner=owner, status=status).count()
    stdout.write(
        f"Партнёры: позиций в пунктах демо-владельца добавлено {made}, ждут выдачи {waiting}; "
        f"заявок партнёров {PartnerApplication.objects.count()}."
    )
