"""Every write of orders: checkout (`order_place`), the line status workflow
(`line_status_set` is the only way a status changes), refusals, «Перезаказ» and the archive.

Issue 3 «Checkout»: «Placing the order creates an order (заявка) with one line per cart line,
keeping the article, brand, name, quantity, real price, source warehouse and return policy as
they were; stock is reserved; a double submit creates one order; the cart empties. The new
order gets a number the client and staff can quote.»
"""

import calendar
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.utils import timezone

from mprating.accounts.models import Client, User
from mprating.accounts.phones import normalize_phone
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer
from mprating.core.errors import ApplicationError
from mprating.core.tasks import enqueue_on_commit
from mprating.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    RefusalState,
    StatusChange,
)
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


# ---- the status workflow, refusals, reorder and the archive (issue 4) ----------------------
#
# Seed 004 «Заказы»: every line has its own status from «Настройки → Статусы»; «Отказаться от
# заказа» is possible «только до момента присвоения позиции статуса “Отгружен”», the last
# column then reads «Отказ от заказа на рассмотрении», and after the manager confirms it reads
# «Отказ клиента». «Статус отказ всегда автоматически снабжается системой кнопкой “Перезаказ”».

COMMENT_LINE_MAX = 500
REFUSAL_REQUESTED_TEXT = "Отказ от заказа на рассмотрении"
REFUSAL_CONFIRMED_TEXT = "Отказ клиента"

LINE_NOT_FOUND = "Позиция заказа не найдена."
ORDER_NOT_FOUND = "Заказ не найден."


def _status_with_role(role: str) -> OrderStatus:
    status = OrderStatus.objects.filter(role=role).first()
    if status is None:
        raise ApplicationError(
            "status_missing",
            f"Не настроен статус с ролью «{OrderStatus.Role(role).label}». "
            "Проверьте «Настройки → Статусы».",
        )
    return status


def status_fits_source(status: OrderStatus, source: str) -> bool:
    """Whether `status` belongs to the chain of lines fulfilled from `source`.

    «Отказ» ends a line in any chain, whatever its source flags say.
    """
    if status.role == OrderStatus.Role.REFUSED:
        return True
    return bool(getattr(status, f"for_{source}", False))


def _clean_ids(values: Iterable[object]) -> list[int]:
    ids = set()
    for value in values or ():
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise ApplicationError("not_found", LINE_NOT_FOUND) from None
    if not ids:
        raise ApplicationError("no_lines", "Выберите хотя бы одну позицию.")
    return sorted(ids)


def _clean_comment(comment: str, *, field: str = "comment", required: str | None = None) -> str:
    text = " ".join((comment or "").split())
    if required and not text:
        raise ApplicationError("comment_required", required, field=field)
    if len(text) > COMMENT_LINE_MAX:
        raise ApplicationError(
            "comment_too_long", f"Не длиннее {COMMENT_LINE_MAX} символов.", field=field
        )
    return text


def _locked_lines(line_ids: list[int], **filters) -> list[OrderLine]:
    """The lines, locked in primary-key order (only the line rows, not the joined status)."""
    return list(
        OrderLine.objects.select_for_update(of=("self",))
        .select_related("status")
        .filter(pk__in=line_ids, **filters)
        .order_by("pk")
    )


def _own_locked_line(*, client: Client, line_id: object) -> OrderLine:
    """The client's line, locked; another client's id reads as «not found» (→ 404)."""
    try:
        pk = int(line_id)
    except (TypeError, ValueError):
        pk = 0
    lines = _locked_lines([pk], client=client)
    if not lines:
        raise ApplicationError("not_found", LINE_NOT_FOUND)
    return lines[0]


def _audit(lines: list[OrderLine], *, actor, comment: str, now) -> None:
    """Record who/when for an action that keeps the status (a manager comment, a declined
    refusal) as a history row in the current status. `notified_at` is set at once: such a
    row never makes an e-mail."""
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                line_id=line.pk,
                status_id=line.status_id,
                changed_by=actor,
                comment=comment[:COMMENT_LINE_MAX],
                created_at=now,
                notified_at=now,
            )
            for line in lines
        ],
        batch_size=BATCH,
    )


def _enqueue_status_emails(change_ids: list[int]) -> None:
    # Imported here: notifications depend on orders, not the other way round.
    from mprating.notifications.tasks import send_status_emails

    enqueue_on_commit(send_status_emails, change_ids=change_ids)


@transaction.atomic
def line_status_set(
    *, line_ids: list[int], status_id: int, actor: User | None, comment: str = ""
) -> list[StatusChange]:
    """Move lines to a status: THE one way a line's status changes.

    Locks the lines in primary-key order, checks the status belongs to each line's source
    chain (or is the «Отказ» one), writes one history row per line and updates the line.
    Lines already in that status are left as they are. Moving a line into «Отказ» when it had
    no refusal yet stores the comment as the manager's comment (the reason the client sees in
    the last column); moving it out of «Отказ» clears the refusal. The clients' e-mails are
    enqueued after commit, so a mail failure never blocks the manager.
    """
    ids = _clean_ids(line_ids)
    comment = _clean_comment(comment)
    try:
        status = OrderStatus.objects.filter(pk=int(status_id)).first()
    except (TypeError, ValueError):
        status = None
    if status is None:
        raise ApplicationError("status_not_found", "Выберите статус.", field="status")
    lines = _locked_lines(ids)
    if len(lines) != len(ids):
        raise ApplicationError("not_found", LINE_NOT_FOUND)
    misfits = [line for line in lines if not status_fits_source(status, line.source)]
    if misfits:
        line = misfits[0]
        more = f" и ещё {len(misfits) - 1}" if len(misfits) > 1 else ""
        raise ApplicationError(
            "status_not_in_chain",
            f"Статус «{status.name}» не входит в цепочку «{line.get_source_display()}»: "
            f"позиция {line.brand_name} {line.article}{more}. Ничего не изменено.",
            field="status",
        )

    now = timezone.now()
    changed = [line for line in lines if line.status_id != status.pk]
    refused = OrderStatus.Role.REFUSED
    for line in changed:
        if status.role == refused and line.refusal_state == RefusalState.REQUESTED:
            # «Отказ» given to a line the client asked to refuse is the confirmation.
            line.refusal_state = RefusalState.CONFIRMED
            line.manager_comment = REFUSAL_CONFIRMED_TEXT
        elif status.role == refused and not line.refusal_state and comment:
            line.manager_comment = comment
        if status.role != refused and line.status.role == refused:
            line.refusal_state = ""
            line.refusal_seen = False
            line.manager_comment = ""
        if status.role == refused:
            line.refusal_seen = False
        line.status = status
        line.status_changed_at = now
    OrderLine.objects.bulk_update(
        changed,
        ["status", "status_changed_at", "refusal_state", "refusal_seen", "manager_comment"],
        batch_size=BATCH,
    )
    changes = StatusChange.objects.bulk_create(
        [
            StatusChange(
                line_id=line.pk, status=status, changed_by=actor, comment=comment, created_at=now
            )
            for line in changed
        ],
        batch_size=BATCH,
    )
    if changes:
        _enqueue_status_emails([change.pk for change in changes])
    return changes


@transaction.atomic
def line_refusal_request(*, client: Client, line_id: int) -> OrderLine:
    """«Отказаться от заказа» (seed 004): only before «Отгружен».

    The request waits for a manager; the last column reads «Отказ от заказа на рассмотрении».
    A second click changes nothing.
    """
    line = _own_locked_line(client=client, line_id=line_id)
    if line.refusal_state == RefusalState.REQUESTED:
        return line
    if line.status.role == OrderStatus.Role.REFUSED:
        raise ApplicationError("already_refused", "По этой позиции уже оформлен отказ.")
    if line.status.role == OrderStatus.Role.SHIPPED or line.status.is_final:
        raise ApplicationError(
            "already_shipped",
            "Позиция уже отгружена: отказаться от неё нельзя. "
            "Если политика возврата позволяет, оформите возврат.",
        )
    if line.refusal_state == RefusalState.DECLINED:
        raise ApplicationError(
            "refusal_declined",
            "Менеджер уже отклонил отказ по этой позиции: "
            f"«{line.manager_comment}». Свяжитесь с менеджером.",
        )
    line.refusal_state = RefusalState.REQUESTED
    line.manager_comment = REFUSAL_REQUESTED_TEXT
    line.save(update_fields=["refusal_state", "manager_comment"])
    return line


@transaction.atomic
def line_refusal_confirm(*, line_ids: list[int], actor: User) -> int:
    """The manager confirms the clients' refusal requests: the lines get «Отказ», the last
    column reads «Отказ клиента», the refusal is not seen yet. Lines without a pending
    request are skipped; returns how many were confirmed."""
    ids = _clean_ids(line_ids)
    requested = [line.pk for line in _locked_lines(ids, refusal_state=RefusalState.REQUESTED)]
    if not requested:
        return 0
    refused = _status_with_role(OrderStatus.Role.REFUSED)
    line_status_set(
        line_ids=requested, status_id=refused.pk, actor=actor, comment=REFUSAL_CONFIRMED_TEXT
    )
    OrderLine.objects.filter(pk__in=requested).update(
        refusal_state=RefusalState.CONFIRMED,
        manager_comment=REFUSAL_CONFIRMED_TEXT,
        refusal_seen=False,
    )
    return len(requested)


@transaction.atomic
def line_refusal_decline(*, line_ids: list[int], actor: User, comment: str) -> int:
    """The manager declines the refusal requests; the comment (required) is what the client
    reads in the last column. Lines without a pending request are skipped."""
    comment = _clean_comment(comment, required="Укажите причину: клиент увидит её в заказе.")
    ids = _clean_ids(line_ids)
    lines = _locked_lines(ids, refusal_state=RefusalState.REQUESTED)
    if not lines:
        return 0
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(
        refusal_state=RefusalState.DECLINED, manager_comment=comment
    )
    _audit(lines, actor=actor, comment=f"Отказ отклонён: {comment}", now=timezone.now())
    return len(lines)


@transaction.atomic
def line_refuse(*, line_ids: list[int], actor: User, reason: str) -> int:
    """A refusal for another reason (seed 004: «Нет в наличии у поставщика»): the lines get
    «Отказ» with the reason as the manager's comment. Lines already in «Отказ» are skipped;
    a pending client request is answered by this refusal."""
    reason = _clean_comment(reason, field="reason", required="Укажите причину отказа.")
    ids = _clean_ids(line_ids)
    lines = _locked_lines(ids)
    if len(lines) != len(ids):
        raise ApplicationError("not_found", LINE_NOT_FOUND)
    todo = [line.pk for line in lines if line.status.role != OrderStatus.Role.REFUSED]
    if not todo:
        return 0
    refused = _status_with_role(OrderStatus.Role.REFUSED)
    line_status_set(line_ids=todo, status_id=refused.pk, actor=actor, comment=reason)
    OrderLine.objects.filter(pk__in=todo).update(
        refusal_state="", manager_comment=reason, refusal_seen=False
    )
    return len(todo)


@transaction.atomic
def line_manager_comment_set(*, line_id: int, actor: User, comment: str) -> OrderLine:
    """The manager's comment on a line (the last column of the client's table); the history
    keeps who wrote what and when."""
    comment = _clean_comment(comment)
    lines = _locked_lines(_clean_ids([line_id]))
    if not lines:
        raise ApplicationError("not_found", LINE_NOT_FOUND)
    line = lines[0]
    if line.manager_comment == comment:
        return line
    line.manager_comment = comment
    line.save(update_fields=["manager_comment"])
    _audit(
        [line],
        actor=actor,
        comment=f"Комментарий менеджера: {comment}" if comment else "Комментарий менеджера убран",
        now=timezone.now(),
    )
    return line


@transaction.atomic
def line_refusal_seen_set(*, client: Client, line_id: int, seen: bool) -> OrderLine:
    """Seed 004, the 10th column: the client ticks that a refusal was seen."""
    line = _own_locked_line(client=client, line_id=line_id)
    if line.status.role != OrderStatus.Role.REFUSED:
        raise ApplicationError(
            "not_refused", "Отметить просмотр можно только у позиции в статусе «Отказ»."
        )
    if line.refusal_seen != bool(seen):
        line.refusal_seen = bool(seen)
        line.save(update_fields=["refusal_seen"])
    return line


@transaction.atomic
def line_reorder(*, client: Client, line_id: int) -> CartLine:
    """«Перезаказ» (seed 004): the same product's current best offer goes to the cart.

    The quantity is the line's, raised to the offer's minimum order and cut to its stock
    (counting what the cart already holds of that offer).
    """
    # Imported here: catalog selectors are not needed by checkout.
    from mprating.cart.services import cart_add
    from mprating.catalog.selectors import best_offers_for_products

    line = _own_locked_line(client=client, line_id=line_id)
    label = f"{line.brand_name} {line.article}"
    offer = (
        best_offers_for_products([line.product_id]).get(line.product_id)
        if line.product_id
        else None
    )
    if offer is None or offer.quantity <= 0:
        raise ApplicationError(
            "no_offer",
            f"{label}: сейчас нет предложений в наличии. Поищите аналоги в поиске по артикулу.",
        )
    in_cart = (
        CartLine.objects.filter(client=client, offer=offer)
        .values_list("quantity", flat=True)
        .first()
        or 0
    )
    quantity = max(line.quantity, offer.min_order_quantity - in_cart)
    quantity = min(quantity, offer.quantity - in_cart)
    if quantity < 1:
        raise ApplicationError(
            "not_enough_stock",
            f"{label}: в корзине уже {in_cart} шт. — это всё, что есть в наличии.",
        )
    return cart_add(client=client, offer_id=offer.pk, quantity=quantity, comment=line.comment)


@transaction.atomic
def order_archive(*, client: Client, order_id: int) -> Order:
    """«Убрать в архив» (seed 004): only when every line has a final status."""
    try:
        pk = int(order_id)
    except (TypeError, ValueError):
        pk = 0
    order = Order.objects.select_for_update().filter(client=client, pk=pk).first()
    if order is None:
        raise ApplicationError("not_found", ORDER_NOT_FOUND)
    if order.archived_at is not None:
        return order
    if order.lines.filter(status__is_final=False).exists():
        raise ApplicationError(
            "order_not_finished",
            "В архив можно убрать заказ, когда все его позиции в завершающих статусах "
            "(например, «Отгружен» или «Отказ»).",
        )
    order.archived_at = timezone.now()
    order.save(update_fields=["archived_at"])
    return order


def months_before(moment, months: int):
    """The same wall-clock moment `months` calendar months earlier (31 March − 1 → 28/29 Feb)."""
    local = timezone.localtime(moment)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    days = calendar.monthrange(year, month)[1]
    return local.replace(year=year, month=month, day=min(local.day, days))


@transaction.atomic
def orders_auto_archive(*, client: Client | None = None, now=None) -> int:
    """Seed 004: an order goes to the archive by itself «если статусы по всем его позициям имеют
    признак завершения “Истина”… и последний статус менялся больше 2 месяцев тому назад»
    (`settings.ORDERS_AUTO_ARCHIVE_MONTHS` calendar months; a line changed exactly that long
    ago counts). «В том случае если заказ автоматически попал в архив, то там уже нужно будет
    наоборот указывать, что отказ не был просмотрен»: its refusals become not seen.

    For one client (when the cabinet opens) or everyone (the periodic task). Set-based: one
    select of ids and two updates per 500 orders; running it again changes nothing.
    Returns how many orders were archived.
    """
    now = now or timezone.now()
    cutoff = months_before(now, settings.ORDERS_AUTO_ARCHIVE_MONTHS)
    lines = OrderLine.objects.filter(order=OuterRef("pk"))
    candidates = Order.objects.filter(archived_at__isnull=True)
    if client is not None:
        candidates = candidates.filter(client=client)
    ids = list(
        candidates.filter(Exists(lines))
        .exclude(Exists(lines.filter(status__is_final=False)))
        .exclude(Exists(lines.filter(status_changed_at__gt=cutoff)))
        .values_list("pk", flat=True)
    )
    for batch in _batches(ids):
        archived = Order.objects.filter(pk__in=batch, archived_at__isnull=True).update(
            archived_at=now
        )
        if archived:
            OrderLine.objects.filter(
                order_id__in=batch, status__role=OrderStatus.Role.REFUSED
            ).update(refusal_seen=False)
    return len(ids)
