"""«Создать возврат»: the client's return of pieces of a shipped line (see the package
docstring)."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.core.money import to_money
from mprating.orders.models import OrderLine, Source
from mprating.returns import eligibility, photos
from mprating.returns.models import (
    ReturnPhoto,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    ReturnStatusChange,
)
from mprating.returns.services.letters import letters_write

LINE_NOT_FOUND = "Позиция заказа не найдена."
DESCRIPTION_MAX = 2000


def refund_amount_for(*, unit_price: Decimal, quantity: int, deduction_percent: Decimal) -> Decimal:
    """Price × quantity minus the restocking deduction, rounded to kopecks (half up)."""
    gross = unit_price * quantity
    return to_money(gross - gross * deduction_percent / Decimal(100))


@dataclass(frozen=True)
class RefundQuote:
    """What «Создать возврат» shows for `quantity` pieces: sum, deduction and refund."""

    quantity: int
    gross: Decimal
    deduction: Decimal
    refund: Decimal


def refund_quote(line: OrderLine, *, quantity: int | None, available: int) -> RefundQuote:
    """The refund for `quantity` pieces of `line`, the quantity brought into 1…`available`
    (all that is left when none is given), as the form shows it while the client types."""
    pieces = min(max(available if quantity is None else quantity, 1), max(available, 1))
    gross = line.price * pieces
    refund = refund_amount_for(
        unit_price=line.price, quantity=pieces, deduction_percent=line.return_deduction_percent
    )
    return RefundQuote(quantity=pieces, gross=gross, deduction=gross - refund, refund=refund)


def _quantity(value: object) -> int:
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError):
        raise ApplicationError(
            "quantity_invalid", "Укажите количество целым числом.", field="quantity"
        ) from None
    if quantity < 1:
        raise ApplicationError("quantity_invalid", "Количество — не меньше 1.", field="quantity")
    return quantity


def _reason(reason_id: object) -> ReturnReason:
    try:
        reason = ReturnReason.objects.filter(pk=int(reason_id), is_active=True).first()
    except (TypeError, ValueError):
        reason = None
    if reason is None:
        raise ApplicationError("reason_required", "Выберите причину возврата.", field="reason")
    return reason


def _description(text: str) -> str:
    text = (text or "").strip()
    if len(text) > DESCRIPTION_MAX:
        raise ApplicationError(
            "description_too_long",
            f"Описание — не длиннее {DESCRIPTION_MAX} символов.",
            field="description",
        )
    return text


def _check(line: OrderLine, quantity: int) -> eligibility.Eligibility:
    verdict = eligibility.eligibility_for(line)
    if not verdict.allowed:
        raise ApplicationError("not_returnable", verdict.reason)
    if quantity > verdict.available:
        already = f" (ещё {verdict.returned} шт. уже в возврате)" if verdict.returned else ""
        raise ApplicationError(
            "quantity_too_big",
            f"Вернуть можно не больше {verdict.available} шт.{already}.",
            field="quantity",
        )
    return verdict


def _store(checked: list[photos.CheckedPhoto]) -> list[tuple[str, photos.CheckedPhoto]]:
    stored = []
    try:
        for photo in checked:
            name = ReturnPhoto._meta.get_field("file").generate_filename(
                None, f"photo.{photo.extension}"
            )
            stored.append((default_storage.save(name, ContentFile(photo.data)), photo))
    except Exception:
        _unstore(stored)
        raise
    return stored


def _unstore(stored: list[tuple[str, photos.CheckedPhoto]]) -> None:
    for name, _ in stored:
        default_storage.delete(name)


def return_create(
    *,
    client: Client,
    line_id: int,
    quantity: object,
    reason_id: object,
    description: str = "",
    uploads: list | None = None,
) -> ReturnRequest:
    """«Создать возврат» on the client's own shipped line (another client's line: `NotFound`).

    Checks the input, the photos and the rule without a lock first (so a refused request
    stores nothing), stores the photos, then in one transaction locks the line, checks the
    rule and the quantity again and writes the return, its photos, the first history row
    («Новый») and the client's letter. Returns the new return.
    """
    line = (
        OrderLine.objects.select_related("status", "order")
        .filter(client=client, pk=line_id)
        .first()
    )
    if line is None:
        raise NotFound(LINE_NOT_FOUND)
    quantity = _quantity(quantity)
    reason = _reason(reason_id)
    description = _description(description)
    _check(line, quantity)
    checked = photos.photos_check(uploads or [])
    stored = _store(checked)
    try:
        return _create(client, line.pk, quantity, reason, description, stored)
    except BaseException:
        _unstore(stored)
        raise


@transaction.atomic
def _create(
    client: Client,
    line_id: int,
    quantity: int,
    reason: ReturnReason,
    description: str,
    stored: list[tuple[str, photos.CheckedPhoto]],
) -> ReturnRequest:
    line = (
        OrderLine.objects.select_for_update(of=("self",))
        .select_related("status", "order")
        .get(pk=line_id)
    )
    _check(line, quantity)
    now = timezone.now()
    request = ReturnRequest.objects.create(
        client=client,
        line=line,
        quantity=quantity,
        reason=reason,
        description=description,
        status=ReturnStatus.NEW,
        status_changed_at=now,
        created_at=now,
        unit_price=line.price,
        deduction_percent=line.return_deduction_percent,
        refund_amount=refund_amount_for(
            unit_price=line.price,
            quantity=quantity,
            deduction_percent=line.return_deduction_percent,
        ),
        restock=reason.restock_default and line.source != Source.MARKETPLACE,
    )
    ReturnPhoto.objects.bulk_create(
        [
            ReturnPhoto(
                request=request,
                file=name,
                content_type=photo.content_type,
                size=photo.size,
                width=photo.width,
                height=photo.height,
                created_at=now,
            )
            for name, photo in stored
        ]
    )
    history_record(
        ReturnStatusChange,
        by=client.user,
        comment=f"Возврат оформлен: {quantity} шт., причина «{reason.name}».",
        at=now,
        request=request,
        status=ReturnStatus.NEW,
    )
    letters_write([request], ReturnStatus.NEW, comment="")
    return request
