"""Demo returns of the demo client: one in each status of the workflow, each with a photo.

An order of six returnable articles from the home warehouse is placed and shipped through the
orders services; then every return goes through `services.return_create` (with a small picture
drawn by Pillow) and `services.return_status_set`, as a client and the demo manager would.
Deterministic (the same offers, texts and pictures) and idempotent: a client who has returns
already gets nothing new.
"""

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from mprating.accounts.models import Client, User
from mprating.cart.services import cart_add
from mprating.catalog.models import Offer
from mprating.orders import services as order_services
from mprating.orders.models import Order, OrderStatus
from mprating.pickup_points.models import PickupPoint
from mprating.returns import services
from mprating.returns.models import ReturnReason, ReturnRequest, ReturnStatus

DEMO_CLIENT = "client@demo.mprating.ru"
MANAGER = "manager@demo.mprating.ru"
S = ReturnStatus

# (reason, description, the steps after «Новый» with the manager's comment)
PLAN = [
    ("Не подошло", "Не подошло по размеру посадочного места.", []),
    ("Пересорт", "В коробке другой артикул.", [(S.REVIEW, "Проверяем на складе")]),
    (
        "Брак",
        "Трещина на корпусе, видно на фото.",
        [(S.REVIEW, ""), (S.APPROVED, "Брак подтверждён по фото. Привезите деталь в ПВЗ.")],
    ),
    (
        "Другое",
        "Заказал по ошибке, упаковка не вскрыта.",
        [(S.REVIEW, ""), (S.REJECTED, "Деталь со следами установки: возврату не подлежит.")],
    ),
    (
        "Не подошло",
        "Не подходит к моей модификации.",
        [(S.REVIEW, ""), (S.APPROVED, ""), (S.RECEIVED, "Товар принят на складе, целый.")],
    ),
    (
        "Повреждение при доставке",
        "Помята упаковка и корпус.",
        [(S.REVIEW, ""), (S.APPROVED, ""), (S.RECEIVED, ""), (S.REFUNDED, "")],
    ),
]
COLOURS = ["#2563eb", "#0891b2", "#dc2626", "#9333ea", "#16a34a", "#ea580c"]


def demo_photo(index: int) -> SimpleUploadedFile:
    """A small deterministic picture: a «part» on a light background."""
    image = Image.new("RGB", (480, 360), "#f1f5f9")
    draw = ImageDraw.Draw(image)
    colour = COLOURS[index % len(COLOURS)]
    draw.rounded_rectangle((90, 80, 390, 280), radius=36, fill=colour)
    draw.ellipse((190, 130, 290, 230), fill="#f8fafc")
    draw.line((110, 300, 370, 300), fill="#94a3b8", width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(f"demo-{index}.png", buffer.getvalue(), content_type="image/png")


def _shipped_order(client: Client, manager: User, point: PickupPoint) -> Order | None:
    offers = list(
        Offer.objects.filter(
            warehouse__kind="home",
            warehouse__is_active=True,
            quantity__gte=10,
            is_returnable=True,
            return_days__gte=7,
        )
        .select_related("product")
        .order_by("pk")[: len(PLAN)]
    )
    if len(offers) < len(PLAN):
        return None
    for offer in offers:
        cart_add(client=client, offer_id=offer.pk, quantity=offer.min_order_quantity)
    order = order_services.order_place(
        client=client,
        idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-returns-{client.pk}"),
        payment_method="on_receipt",
        recipient_phone=client.user.phone,
        comment="Заказ для демонстрации возвратов",
        pickup_point_id=point.pk,
    )
    order_services.line_status_set(
        line_ids=list(order.lines.values_list("pk", flat=True)),
        status_id=OrderStatus.objects.get(role=OrderStatus.Role.SHIPPED).pk,
        actor=manager,
        comment="Выдано в ПВЗ",
    )
    return order


@transaction.atomic
def seed(*, stdout) -> None:
    client = Client.objects.select_related("user").filter(user__email=DEMO_CLIENT).first()
    manager = User.objects.filter(email=MANAGER).first()
    point = PickupPoint.objects.filter(is_active=True).order_by("pk").first()
    if client is None or manager is None or point is None:
        return
    if ReturnRequest.objects.filter(client=client).exists():
        stdout.write("Возвраты демо-клиента уже есть.")
        return
    order = _shipped_order(client, manager, point)
    if order is None:
        stdout.write("Возвраты демо-клиента: нет подходящих предложений на домашнем складе.")
        return
    reasons = {reason.name: reason for reason in ReturnReason.objects.all()}
    for index, (line, (reason, description, steps)) in enumerate(
        zip(order.lines.order_by("pk"), PLAN, strict=True)
    ):
        request = services.return_create(
            client=client,
            line_id=line.pk,
            quantity=line.quantity,
            reason_id=reasons[reason].pk,
            description=description,
            uploads=[demo_photo(index)],
        )
        for status, comment in steps:
            services.return_status_set(
                return_ids=[request.pk], status=status, by=manager, comment=comment
            )
    stdout.write(f"Возвраты демо-клиента: {len(PLAN)}, по одному в каждом статусе.")
