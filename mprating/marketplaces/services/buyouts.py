"""Every write of buyouts («выкуп»): recording one for a marketplace order line and moving it
along Оформлен → В пути → В ПВЗ → Получен (or Отменён).

The order line follows its buyout through THE gatekeeper of line statuses,
`mprating.orders.services.line_status_set`, by the one table `BuyoutLineStatus` (Оформлен →
«Выкуплен», В пути → «В пути в ПВЗ», В ПВЗ → «В ПВЗ», Получен → «Отгружен»). A line is only
ever moved forward along that table: never back, never out of a final status («Отгружен»,
«Отказ»). A cancelled buyout leaves the line where it is; the line may then get a new buyout.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.core.money import to_money
from mprating.marketplaces.models import (
    FORWARD,
    AccountStatus,
    Buyout,
    BuyoutHistory,
    BuyoutLineStatus,
    BuyoutStatus,
)
from mprating.marketplaces.services.accounts import _held_by_message, _locked
from mprating.orders.models import OrderLine, OrderStatus, Source
from mprating.orders.services import line_status_set
from mprating.pickup_points.models import PickupPoint

NUMBER_MAX = 64
AMOUNT_MAX = Decimal("9999999999.99")
COMMENT_MAX = 500
LINE_NOT_FOUND = "Позиция заказа не найдена."
BUYOUT_NOT_FOUND = "Выкуп не найден."
MAPPING_PLACE = "«Аккаунты маркетплейсов → Статусы позиций для выкупов»"


def buyout_line_statuses() -> dict[str, OrderStatus | None]:
    """The table «status of a buyout → status of its line», one query."""
    return {
        row.buyout_status: row.line_status
        for row in BuyoutLineStatus.objects.select_related("line_status")
    }


def _target(status: str, mapping: dict[str, OrderStatus | None]) -> OrderStatus:
    target = mapping.get(status)
    if target is None:
        raise ApplicationError(
            "line_status_missing",
            f"Не задан статус позиции заказа для статуса выкупа «{BuyoutStatus(status).label}». "
            f"Его задаёт суперпользователь: {MAPPING_PLACE}. Ничего не изменено.",
        )
    return target


def next_statuses(current: str) -> list[str]:
    """Where a buyout may go from `current`: any later step, or «Отменён» before «Получен»."""
    if current in (BuyoutStatus.RECEIVED, BuyoutStatus.CANCELLED):
        return []
    later = [status.value for status in FORWARD[FORWARD.index(current) + 1 :]]
    return [*later, BuyoutStatus.CANCELLED.value]


def _lock_line(line_id: object) -> OrderLine:
    try:
        pk = int(line_id)
    except (TypeError, ValueError):
        raise NotFound(LINE_NOT_FOUND) from None
    # Only the line row is locked; the gatekeeper locks it again in this transaction.
    line = (
        OrderLine.objects.select_for_update(of=("self",))
        .select_related("status", "warehouse", "order")
        .filter(pk=pk)
        .first()
    )
    if line is None:
        raise NotFound(LINE_NOT_FOUND)
    return line


def _follow(
    line: OrderLine, status: str, mapping: dict[str, OrderStatus | None], *, actor, comment: str
) -> bool:
    """Move the (locked) line to the status mapped to `status`, forward only; True if moved."""
    target = _target(status, mapping)
    if line.status.is_final:
        return False
    steps = [mapping[s].pk for s in FORWARD if mapping.get(s) is not None]
    if line.status_id in steps and steps.index(line.status_id) >= steps.index(target.pk):
        return False
    line_status_set(line_ids=[line.pk], status_id=target.pk, actor=actor, comment=comment)
    return True


def _clean_number(value: str) -> str:
    number = "".join((value or "").split())
    if not number:
        raise ApplicationError(
            "number_required",
            "Укажите номер заказа на маркетплейсе.",
            field="marketplace_order_number",
        )
    if len(number) > NUMBER_MAX:
        raise ApplicationError(
            "number_too_long",
            f"Номер заказа не длиннее {NUMBER_MAX} символов.",
            field="marketplace_order_number",
        )
    return number


def _clean_amount(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Money must not be a float")
    try:
        amount = to_money(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ApplicationError(
            "amount_invalid", "Сумма — число, например 1234,50.", field="amount"
        ) from None
    if amount <= 0:
        raise ApplicationError("amount_invalid", "Сумма выкупа больше нуля.", field="amount")
    if amount > AMOUNT_MAX:
        raise ApplicationError("amount_invalid", "Слишком большая сумма.", field="amount")
    return amount


def _clean_comment(comment: str) -> str:
    text = " ".join((comment or "").split())
    if len(text) > COMMENT_MAX:
        raise ApplicationError(
            "comment_too_long", f"Комментарий не длиннее {COMMENT_MAX} символов.", field="comment"
        )
    return text


def _label(buyout: Buyout, marketplace_label: str) -> str:
    return f"Выкуп на {marketplace_label}, заказ № {buyout.marketplace_order_number}"


@transaction.atomic
def buyout_create(
    *,
    line_id: int,
    account_id: int,
    marketplace_order_number: str,
    amount,
    pickup_point_id: int | None,
    actor,
    comment: str = "",
) -> Buyout:
    """«Оформить выкуп»: an operator bought a marketplace line with an account.

    Only a line whose source is a marketplace, not in a final status and without another
    buyout that is not cancelled; only with an account of the line's marketplace that is
    «Активен» or held by `actor` himself («Войти вручную»). The line moves to the status mapped
    to «Оформлен» («Выкуплен») through the orders gatekeeper, in the same transaction.
    """
    number = _clean_number(marketplace_order_number)
    money = _clean_amount(amount)
    comment = _clean_comment(comment)
    mapping = buyout_line_statuses()
    _target(BuyoutStatus.PLACED, mapping)

    account = _locked(account_id)
    line = _lock_line(line_id)
    if line.source != Source.MARKETPLACE:
        raise ApplicationError(
            "line_not_marketplace",
            f"Позиция {line.brand_name} {line.article} исполняется не выкупом на маркетплейсе "
            f"(«{line.get_source_display()}»): выкуп для неё не оформляется.",
        )
    if line.warehouse.marketplace != account.marketplace:
        raise ApplicationError(
            "wrong_marketplace",
            f"Позицию заказали на {line.warehouse.get_marketplace_display()}: выберите аккаунт "
            f"{line.warehouse.get_marketplace_display()}.",
            field="account",
        )
    if line.status.is_final:
        raise ApplicationError(
            "line_final",
            f"Позиция уже в статусе «{line.status.name}»: выкуп для неё не оформляется.",
        )
    existing = Buyout.objects.filter(line=line).exclude(status=BuyoutStatus.CANCELLED).first()
    if existing is not None:
        raise ApplicationError(
            "line_has_buyout",
            f"У позиции уже есть выкуп № {existing.marketplace_order_number} "
            f"({existing.get_status_display()}). Отмените его, чтобы оформить новый.",
        )
    if account.effective_status == AccountStatus.INACTIVE:
        raise ApplicationError(
            "account_inactive",
            f"Аккаунт «{account.name}» неактивен: выкуп с него не оформить.",
            field="account",
        )
    if account.effective_status == AccountStatus.BUSY and account.taken_by_id != actor.pk:
        raise ApplicationError("account_busy", _held_by_message(account), field="account")
    point = None
    if pickup_point_id:
        point = PickupPoint.objects.filter(pk=pickup_point_id, is_active=True).first()
    if point is None:
        raise ApplicationError(
            "pickup_point_required",
            "Выберите работающий пункт выдачи, куда придёт выкуп.",
            field="pickup_point",
        )

    now = timezone.now()
    try:
        with transaction.atomic():
            buyout = Buyout.objects.create(
                account=account,
                marketplace=account.marketplace,
                line=line,
                marketplace_order_number=number,
                amount=money,
                pickup_point=point,
                status=BuyoutStatus.PLACED,
                created_at=now,
                created_by=actor,
                status_changed_at=now,
            )
    except IntegrityError:
        raise ApplicationError(
            "line_has_buyout", "У позиции уже есть выкуп: обновите страницу."
        ) from None
    history_record(
        BuyoutHistory,
        by=actor,
        at=now,
        buyout=buyout,
        status=BuyoutStatus.PLACED,
        comment=comment or f"Аккаунт «{account.name}»; пункт выдачи: {point.name}.",
    )
    _follow(
        line,
        BuyoutStatus.PLACED,
        mapping,
        actor=actor,
        comment=_label(buyout, account.get_marketplace_display()),
    )
    return buyout


@transaction.atomic
def buyout_status_set(*, buyout_id: int, status: str, actor, comment: str = "") -> Buyout:
    """Move a buyout forward (Оформлен → В пути → В ПВЗ → Получен; a step may be skipped) or
    cancel it before «Получен». Its line follows through the orders gatekeeper."""
    if status not in BuyoutStatus.values:
        raise ApplicationError("status_invalid", "Выберите статус выкупа.", field="status")
    comment = _clean_comment(comment)
    try:
        pk = int(buyout_id)
    except (TypeError, ValueError):
        raise NotFound(BUYOUT_NOT_FOUND) from None
    buyout = (
        Buyout.objects.select_for_update(of=("self",))
        .select_related("account")
        .filter(pk=pk)
        .first()
    )
    if buyout is None:
        raise NotFound(BUYOUT_NOT_FOUND)
    if buyout.status == status:
        return buyout
    if status not in next_statuses(buyout.status):
        if buyout.status in (BuyoutStatus.RECEIVED, BuyoutStatus.CANCELLED):
            message = f"Выкуп уже {buyout.get_status_display().lower()}: статус больше не меняется."
        else:
            message = (
                "Статус выкупа меняется только вперёд: Оформлен → В пути → В ПВЗ → Получен "
                f"(сейчас «{buyout.get_status_display()}»)."
            )
        raise ApplicationError("status_backwards", message, field="status")
    mapping = buyout_line_statuses()
    if status != BuyoutStatus.CANCELLED:
        _target(status, mapping)
    line = _lock_line(buyout.line_id)
    now = timezone.now()
    buyout.status = status
    buyout.status_changed_at = now
    buyout.save(update_fields=["status", "status_changed_at"])
    history_record(BuyoutHistory, by=actor, at=now, buyout=buyout, status=status, comment=comment)
    if status != BuyoutStatus.CANCELLED:
        text = f"{_label(buyout, buyout.account.get_marketplace_display())}: "
        text += BuyoutStatus(status).label.lower()
        _follow(line, status, mapping, actor=actor, comment=text)
    return buyout
