"""Checkout (`order_place`): the client's cart becomes an order.

Issue 3 «Checkout»: «Placing the order creates an order (заявка) with one line per cart line,
keeping the article, brand, name, quantity, real price, source warehouse and return policy as
they were; stock is reserved; a double submit creates one order; the cart empties. The new
order gets a number the client and staff can quote.»

One transaction straight downhill, each owner doing its own part: the cart hands its lines
over (`cart.services.cart_lines_hand_over`), the catalog judges and reserves the stock
(`catalog.services.offer_stock_reserve`, offers locked in primary-key order), billing gives
one request of the client's package (`billing.services.package_quota_use`, the client's
purchases locked in primary-key order), orders writes the order, its lines and their first
history rows, and an order paid «С баланса» is charged to the client's balance by finance
(`finance.services.balance_charge`, key `order:<id>:charge`). Rows are always locked in that
order — cart lines, offers, package purchases, the client's balance — so two checkouts never
wait on each other in a circle. Any refusal on the way (stock, no package when one is
required, not enough money within the credit limit) rolls the whole of it back: no order,
the stock, the cart and the package as they were.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.accounts.phones import normalize_phone
from mprating.billing.services import package_quota_use
from mprating.cart.services import cart_lines_hand_over
from mprating.catalog.models import Offer
from mprating.catalog.services import (
    StockNotReserved,
    offer_orderable_problem,
    offer_stock_reserve,
)
from mprating.core.errors import ApplicationError
from mprating.core.history import history_record_many
from mprating.core.money import ZERO
from mprating.finance.models import DocumentType, EntryKind
from mprating.finance.services import Document, balance_charge
from mprating.orders.models import Order, OrderLine, OrderStatus, PaymentMethod, StatusChange
from mprating.orders.services.counters import CountDeltas, counts_add
from mprating.pickup_points.models import PickupPoint

COMMENT_MAX = 1000
ADDRESS_MIN, ADDRESS_MAX = 10, 500
BATCH = 500


def cart_line_problem(*, quantity: int, offer: Offer | None) -> str | None:
    """Why this cart line cannot be ordered now, in Russian, after its article, or None.

    The checkout page shows it next to the line; checkout itself enforces the same rule under
    locks — both ask the catalog's one rule for a cart line holding `quantity` pieces. `offer`
    needs `warehouse` and `product__brand` loaded; None means it left the price list meanwhile.
    """
    problem = offer_orderable_problem(offer=offer, quantity=quantity, in_cart=quantity)
    return problem.labelled if problem else None


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
    """The order a twin submit already placed, read as `selectors.order_for_client` reads it
    (with its lines, their statuses, the pickup point and the package), so a double submit's
    answer needs no second read of it (issue 13: one query less for the repeat)."""
    return (
        Order.objects.filter(client=client, idempotency_key=idempotency_key)
        .select_related("pickup_point", "package_purchase")
        .prefetch_related(Prefetch("lines", queryset=_LINES_WITH_STATUS))
        .first()
    )


# `selectors.order_lines_with_status()` (selectors import this package: not imported here).
_LINES_WITH_STATUS = OrderLine.objects.select_related("status").order_by("id")


def _new_status() -> OrderStatus:
    status = OrderStatus.objects.filter(role=OrderStatus.Role.NEW).first()
    if status is None:
        raise ApplicationError(
            "status_missing",
            "Не настроен статус новых заказов. Сообщите менеджеру магазина.",
        )
    return status


def _charge(order: Order, taken: list, offers: dict[int, Offer]) -> Decimal:
    """Charge the order's total to the client's balance (once per order: the key is the
    order's); finance refuses it below the credit limit. Returns what was charged."""
    total = sum((offers[line.offer_id].price * line.quantity for line in taken), ZERO)
    if total <= 0:
        return ZERO
    try:
        balance_charge(
            client_id=order.client_id,
            amount=total,
            document=Document(DocumentType.ORDER, str(order.pk), f"Заказ {order.number}"),
            idempotency_key=f"order:{order.pk}:charge",
            kind=EntryKind.ORDER_CHARGE,
            by=order.client.user,
        )
    except ApplicationError as error:
        raise ApplicationError(error.code, error.message, field="payment_method") from None
    return total


def _with_lines(order: Order, lines: list[OrderLine]) -> Order:
    """`order` as `selectors.order_for_client` gives it, from lines already in memory
    (checkout's new ones, by id, with their status): `order.lines.all()` is `lines`, no query."""
    # What `prefetch_related` does: the relation's own queryset holding the rows.
    cached = order.lines.get_queryset()
    cached._result_cache = lines
    cached._prefetch_done = True
    order._prefetched_objects_cache = {"lines": cached}
    return order


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

    The cart hands its lines over (locked, removed), the catalog reserves their stock (offers
    locked in primary-key order, every line judged by the one rule; one failing line changes
    nothing), the client's package gives one request (`package_quota_use`: the order records
    which purchase covered it; with `BILLING_PACKAGES_REQUIRED` and no package left the order
    is refused with nothing changed), every line starts in the status with role «new» with its
    first history row (and the frame's counters count them). Paid «С баланса», the order's
    total is charged to the balance in the same transaction; over the credit limit the client
    gets finance's «Недостаточно средств …» (on the payment method) and no order is placed.
    A twin submit of the same form — found after the cart's locks, or stopped by the unique
    key — gets the first order, and whatever it took is put back (savepoint rollback): one
    order, one request, one charge.
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

    before_cart = transaction.savepoint()
    taken = cart_lines_hand_over(client=client)
    # A twin submit may have waited on the cart's locks while the first one committed.
    existing = _existing(client, idempotency_key)
    if existing is None:
        if not taken:
            raise ApplicationError("cart_empty", "Корзина пуста: добавьте товары через поиск.")
        try:
            offers = offer_stock_reserve(
                quantities={line.offer_id: line.quantity for line in taken}
            )
        except StockNotReserved as error:
            raise ApplicationError("cart_line_unavailable", error.message) from None
        new_status = _new_status()
        now = timezone.now()
        try:
            # No savepoint of its own (issue 13): a failed insert is undone by rolling back to
            # `before_cart`, which puts the cart and the stock back as well.
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
            # `save()` marked the transaction as broken on the way out; the rollback to the
            # savepoint mends it (as `atomic` does for its own savepoints).
            transaction.set_rollback(False)
            transaction.savepoint_rollback(before_cart)  # the cart and the stock as they were
            existing = _existing(client, idempotency_key)
            if existing is None:
                raise
            return existing
    if existing is not None:
        transaction.savepoint_rollback(before_cart)  # the cart and the stock as they were
        return existing
    transaction.savepoint_commit(before_cart)
    order.number = Order.number_for(order.pk)
    # One request of the client's package per order (refused here when packages are required
    # and the client has none left: then nothing of this checkout stays).
    order.package_purchase = package_quota_use(client=client, at=now)
    if payment_method == PaymentMethod.BALANCE:
        order.balance_charged = _charge(order, taken, offers)
    order.save(update_fields=["number", "package_purchase", "balance_charged"])

    today = timezone.localdate(now)
    lines = []
    for taken_line in taken:
        offer = offers[taken_line.offer_id]
        lines.append(
            OrderLine(
                order=order,
                client=client,
                product_id=offer.product_id,
                offer=offer,
                brand_name=offer.product.brand.name,
                article=offer.product.article,
                product_name=offer.product.name,
                quantity=taken_line.quantity,
                price=offer.price,
                warehouse_id=offer.warehouse_id,
                source=offer.warehouse.kind,
                delivery_days=offer.delivery_days,
                expected_delivery_date=today + timedelta(days=offer.delivery_days),
                is_returnable=offer.is_returnable,
                return_days=offer.return_days,
                return_deduction_percent=offer.return_deduction_percent,
                comment=taken_line.comment,
                status=new_status,
                status_changed_at=now,
            )
        )
    for start in range(0, len(lines), BATCH):
        batch = OrderLine.objects.bulk_create(lines[start : start + BATCH])
        history_record_many(
            StatusChange,
            [{"line": line, "status": new_status} for line in batch],
            by=None,
            at=now,
        )
    # The cabinet frame's counters, in this transaction: the new lines of an order in work.
    deltas = CountDeltas()
    deltas.lines((client.pk, new_status.pk), archived=False, seen=False, n=len(lines))
    counts_add(deltas)
    # The order as `selectors.order_for_client` reads it, so the answer needs no second read
    # of what was just written.
    return _with_lines(order, lines)
