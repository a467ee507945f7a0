"""Every write of orders: checkout (`order_place`) for now.

Issue 3 «Checkout»: «Placing the order creates an order (заявка) with one line per cart line,
keeping the article, brand, name, quantity, real price, source warehouse and return policy as
they were; stock is reserved; a double submit creates one order; the cart empties. The new
order gets a number the client and staff can quote.»
"""

import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.accounts.phones import normalize_phone
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer
from mprating.core.errors import ApplicationError
from mprating.orders.models import Order, OrderLine, OrderStatus, PaymentMethod, StatusChange
from mprating.pickup_points.models import PickupPoint

COMMENT_MAX = 1000
ADDRESS_MIN, ADDRESS_MAX = 10, 500
BATCH = 500


def offer_label(offer: Offer) -> str:
    """«BOSCH 0 986 452 041»: how a message names an article."""
    return f"{offer.product.brand.name} {offer.product.article}"


def cart_line_problem(*, quantity: int, offer: Offer | None) -> str | None:
    """Why this cart line cannot be ordered now, in Russian, or None.

    The one place for the rule: checkout enforces it under locks, the checkout page shows it
    next to the line. `offer` needs `warehouse` and `product__brand` loaded; None means the
    offer was removed from the price list meanwhile.
    """
    if offer is None:
        return "Предложение из корзины больше не продаётся. Обновите страницу корзины."
    label = offer_label(offer)
    if not offer.warehouse.is_active:
        return (
            f"{label}: склад «{offer.warehouse.name}» сейчас не принимает заказы. "
            "Удалите позицию из корзины и выберите другое предложение в поиске."
        )
    if quantity < offer.min_order_quantity:
        return (
            f"{label}: минимальный заказ — {offer.min_order_quantity} шт., в корзине {quantity} шт."
        )
    if quantity > offer.quantity:
        if offer.quantity == 0:
            return f"{label}: товар закончился, осталось 0 шт. Удалите позицию из корзины."
        return (
            f"{label}: в наличии осталось {offer.quantity} шт., в корзине {quantity} шт. "
            "Уменьшите количество."
        )
    return None


def _clean_inputs(
    *,
    payment_method: str,
    recipient_phone: str,
    comment: str,
    pickup_point_id: int | None,
    delivery_address: str,
) -> tuple[str, str, PickupPoint | None, str]:
    """The checkout fields checked the same way for the cabinet and the API."""
    if payment_method not in PaymentMethod.values:
        raise ApplicationError(
            "invalid_payment_method", "Выберите способ оплаты.", field="payment_method"
        )
    try:
        phone = normalize_phone(recipient_phone)
    except ValidationError as exc:
        raise ApplicationError("invalid_phone", exc.messages[0], field="recipient_phone") from None
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ApplicationError(
            "comment_too_long",
            f"Комментарий не длиннее {COMMENT_MAX} символов.",
            field="comment",
        )
    address = " ".join((delivery_address or "").split())
    if pickup_point_id is not None and address:
        raise ApplicationError(
            "delivery_ambiguous",
            "Выберите что-то одно: пункт выдачи или доставку по адресу.",
            field="pickup_point",
        )
    if pickup_point_id is None and not address:
        raise ApplicationError(
            "delivery_missing",
            "Выберите пункт выдачи или укажите адрес доставки.",
            field="pickup_point",
        )
    point = None
    if pickup_point_id is not None:
        point = PickupPoint.objects.filter(pk=pickup_point_id, is_active=True).first()
        if point is None:
            raise ApplicationError(
                "pickup_point_unavailable",
                "Этот пункт выдачи не найден или больше не работает. Выберите другой.",
                field="pickup_point",
            )
    elif len(address) < ADDRESS_MIN:
        raise ApplicationError(
            "address_too_short",
            "Укажите адрес полностью: город, улица, дом, квартира или офис.",
            field="delivery_address",
        )
    elif len(address) > ADDRESS_MAX:
        raise ApplicationError(
            "address_too_long",
            f"Адрес не длиннее {ADDRESS_MAX} символов.",
            field="delivery_address",
        )
    return phone, comment, point, address


def _existing(client: Client, idempotency_key: uuid.UUID) -> Order | None:
    return Order.objects.filter(client=client, idempotency_key=idempotency_key).first()


def _batches(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def order_place(
    *,
    client: Client,
    idempotency_key: uuid.UUID,
    payment_method: str,
    recipient_phone: str,
    comment: str,
    pickup_point_id: int | None = None,
    delivery_address: str = "",
) -> Order:
    """Turn the client's cart into an order; the same `idempotency_key` gives the same order.

    Locks the client's cart lines, then their offers, each in primary-key order; re-checks
    every line (warehouse active, minimum order, stock) and changes nothing when one fails.
    The offers' stock is decreased by the ordered quantities (the reservation), every line
    starts in the status with role «new» with its first history row, the cart lines are
    deleted. Paying «С баланса» is recorded only: the ledger comes with the finance part.
    """
    existing = _existing(client, idempotency_key)
    if existing is not None:
        return existing
    phone, comment, point, address = _clean_inputs(
        payment_method=payment_method,
        recipient_phone=recipient_phone,
        comment=comment,
        pickup_point_id=pickup_point_id,
        delivery_address=delivery_address,
    )

    cart_lines = list(
        CartLine.objects.select_for_update(of=("self",)).filter(client=client).order_by("pk")
    )
    # A twin submit may have waited on these locks while the first one committed.
    existing = _existing(client, idempotency_key)
    if existing is not None:
        return existing
    if not cart_lines:
        raise ApplicationError("cart_empty", "Корзина пуста: добавьте товары через поиск.")

    offers = {
        offer.pk: offer
        for offer in Offer.objects.select_for_update(of=("self",))
        .filter(pk__in={line.offer_id for line in cart_lines})
        .select_related("warehouse", "product__brand")
        .order_by("pk")
    }
    problems = [
        problem
        for line in cart_lines
        if (problem := cart_line_problem(quantity=line.quantity, offer=offers.get(line.offer_id)))
    ]
    if problems:
        more = f" И ещё позиций с ошибками: {len(problems) - 1}." if len(problems) > 1 else ""
        raise ApplicationError("cart_line_unavailable", problems[0] + more)

    new_status = OrderStatus.objects.filter(role=OrderStatus.Role.NEW).first()
    if new_status is None:
        raise ApplicationError(
            "status_missing",
            "Не настроен статус новых заказов. Сообщите менеджеру магазина.",
        )

    now = timezone.now()
    try:
        with transaction.atomic():
            order = Order.objects.create(
                client=client,
                idempotency_key=idempotency_key,
                created_at=now,
                comment=comment,
                payment_method=payment_method,
                recipient_phone=phone,
                pickup_point=point,
                delivery_address=address,
            )
    except IntegrityError:
        # The twin submit committed between our check and our insert.
        existing = _existing(client, idempotency_key)
        if existing is None:
            raise
        return existing
    order.number = Order.number_for(order.pk)
    order.save(update_fields=["number"])

    today = timezone.localdate(now)
    lines = []
    for cart_line in cart_lines:
        offer = offers[cart_line.offer_id]
        lines.append(
            OrderLine(
                order=order,
                client=client,
                product_id=offer.product_id,
                offer=offer,
                brand_name=offer.product.brand.name,
                article=offer.product.article,
                product_name=offer.product.name,
                quantity=cart_line.quantity,
                price=offer.price,
                warehouse_id=offer.warehouse_id,
                source=offer.warehouse.kind,
                delivery_days=offer.delivery_days,
                expected_delivery_date=today + timedelta(days=offer.delivery_days),
                is_returnable=offer.is_returnable,
                return_days=offer.return_days,
                return_deduction_percent=offer.return_deduction_percent,
                comment=cart_line.comment,
                status=new_status,
                status_changed_at=now,
            )
        )
    OrderLine.objects.bulk_create(lines, batch_size=BATCH)
    StatusChange.objects.bulk_create(
        [StatusChange(line=line, status=new_status, created_at=now) for line in lines],
        batch_size=BATCH,
    )

    _reserve_stock(cart_lines)
    for batch in _batches([line.pk for line in cart_lines]):
        CartLine.objects.filter(pk__in=batch).delete()
    return order


def _reserve_stock(cart_lines: list[CartLine]) -> None:
    """Take the ordered quantities off the offers' stock: one UPDATE per 500 offers."""
    for batch in _batches(cart_lines):
        taken = Case(
            *(When(pk=line.offer_id, then=Value(line.quantity)) for line in batch),
            default=Value(0),
        )
        Offer.objects.filter(pk__in=[line.offer_id for line in batch]).update(
            quantity=F("quantity") - taken
        )
