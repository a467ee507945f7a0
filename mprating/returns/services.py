"""Every write of returns: the client creates a return, managers move it along the one
transition table, the client switches the letters about returns on or off.

- `return_create` — «Создать возврат» (seed 004): the line must be eligible
  (`eligibility`), the quantity at most what is left of it. The line row is locked
  (`select_for_update`) while the pieces already returned are counted and the return is
  written, so two tabs cannot return the same piece twice. Photos are checked (`photos`) and
  stored before the lock is taken, and removed again when the return is refused.
- `return_status_set` — THE gatekeeper, the only writer of a return's status: locks the
  returns in primary-key order, asks `transitions.move_for` for each, writes the status, the
  history row (`core.history`), the effect of the move — «Получен на складе» gives the pieces
  back to the offer's stock once (`catalog.services.offer_stock_release`) when «вернуть на
  склад» is on; «Деньги возвращены» credits the client's balance once — and the client's letter
  (the core outbox, kind `return_status`, after commit). All the returns of one call move, or
  none.
- `return_letters_set` — the one switch on the «Возвраты» page.
"""

from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mprating.accounts.models import Client, User
from mprating.catalog.services import offer_stock_release
from mprating.core import outbox
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.core.money import format_rub, to_money
from mprating.finance.models import DocumentType, EntryKind
from mprating.finance.services import Document, balance_credit
from mprating.orders.models import OrderLine, Source
from mprating.returns import eligibility, photos
from mprating.returns.models import (
    ReturnEmailPreference,
    ReturnPhoto,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    ReturnStatusChange,
)
from mprating.returns.transitions import Effect, MoveRefused, move_for

LINE_NOT_FOUND = "Позиция заказа не найдена."
RETURN_NOT_FOUND = "Возврат не найден."
DESCRIPTION_MAX = 2000
COMMENT_MAX = 1000
PERMISSION = "returns.change_returnrequest"
EMAIL_KIND = "return_status"
EMAIL_TEMPLATE = "returns/emails/status"
MARKETPLACE_NO_RESTOCK = (
    "Товар выкупа с маркетплейса не возвращается на наш склад: снимите «вернуть на склад»."
)


def refund_amount_for(*, unit_price: Decimal, quantity: int, deduction_percent: Decimal) -> Decimal:
    """Price × quantity minus the restocking deduction, rounded to kopecks (half up)."""
    gross = unit_price * quantity
    return to_money(gross - gross * deduction_percent / Decimal(100))


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
    _letters([request], ReturnStatus.NEW, comment="")
    return request


# ---- the gatekeeper ------------------------------------------------------------------------


def _ids(values) -> list[int]:
    ids = set()
    for value in values or ():
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise NotFound(RETURN_NOT_FOUND) from None
    if not ids:
        raise ApplicationError("no_returns", "Выберите хотя бы один возврат.")
    return sorted(ids)


def _comment(text: str, *, required: str = "") -> str:
    text = " ".join((text or "").split())
    if required and not text:
        raise ApplicationError("comment_required", required, field="comment")
    if len(text) > COMMENT_MAX:
        raise ApplicationError(
            "comment_too_long", f"Комментарий — не длиннее {COMMENT_MAX} символов.", field="comment"
        )
    return text


def _allowed(by: User | None) -> None:
    if by is None or not by.is_active or not by.has_perm(PERMISSION):
        raise ApplicationError(
            "forbidden", "Менять статус возврата может только менеджер магазина."
        )


def _restock(request: ReturnRequest, restock: bool | None, now) -> str:
    """«Получен на складе»: the pieces go back on sale once, when «вернуть на склад» is on.
    Returns the note for the history row."""
    if restock is not None:
        request.restock = restock
    if not request.restock:
        return "На склад не возвращается."
    if request.line.source == Source.MARKETPLACE:
        raise ApplicationError("marketplace_restock", MARKETPLACE_NO_RESTOCK, field="restock")
    if request.restocked_at is not None:
        return ""
    if offer_stock_release(offer_id=request.line.offer_id, quantity=request.quantity):
        request.restocked_at = now
        return f"Возвращено на склад: {request.quantity} шт."
    return "Предложение снято с продажи: остаток не изменён."


def refund_key(return_id: int) -> str:
    return f"return:{return_id}:refund"


def _refund(request: ReturnRequest, by: User, now) -> str:
    """«Деньги возвращены»: the refund amount to the client's balance, exactly once.

    Twice guarded: the return's row is locked and a return already refunded never gets here
    (the table has no move into the status it is in), and the finance service returns the
    first entry for the same idempotency key `return:<id>:refund`. Returns the history note."""
    if request.refunded_at is not None:
        return ""
    request.refunded_at = now
    if request.refund_amount <= 0:
        return "Удержание 100 %: зачислять на баланс нечего."
    balance_credit(
        client_id=request.client_id,
        amount=request.refund_amount,
        document=Document(DocumentType.RETURN, str(request.pk), f"Возврат № {request.pk}"),
        idempotency_key=refund_key(request.pk),
        kind=EntryKind.RETURN_REFUND,
        by=by,
        comment=f"Заказ {request.line.order.number}: {request.line.brand_name} "
        f"{request.line.article}, {request.quantity} шт.",
    )
    return f"Зачислено на баланс: {format_rub(request.refund_amount)}."


@transaction.atomic
def return_status_set(
    *,
    return_ids: list[int],
    status: str,
    by: User | None,
    comment: str = "",
    restock: bool | None = None,
) -> list[ReturnStatusChange]:
    """Move returns to `status` by the transition table: THE one writer of a return's status.

    Only staff with the right to change returns (managers). Returns already in `status` are
    skipped (a second tab, a double click: nothing happens twice); one return the table does
    not allow stops the whole call with its Russian message and changes nothing. `restock`
    (for «Получен на складе») overrides the return's «вернуть на склад». Returns the history
    rows written.
    """
    _allowed(by)
    ids = _ids(return_ids)
    requests = list(
        ReturnRequest.objects.select_for_update(of=("self",))
        .select_related("line__order", "client__user", "reason")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(requests) != len(ids):
        raise NotFound(RETURN_NOT_FOUND)
    moves = []
    for request in requests:
        try:
            move = move_for(request.status, status)
        except MoveRefused as error:
            more = f" (и ещё {len(requests) - 1})" if len(requests) > 1 else ""
            raise ApplicationError(
                error.code, f"Возврат {request.number}: {error.message}{more}"
            ) from None
        if move is not None:
            moves.append((request, move))
    if not moves:
        return []
    required = moves[0][1].comment_required
    comment = _comment(comment, required=required)

    now = timezone.now()
    changes = []
    for request, move in moves:
        notes = [comment] if comment else []
        if move.effect == Effect.RESTOCK:
            note = _restock(request, restock, now)
        elif move.effect == Effect.REFUND:
            note = _refund(request, by, now)
        else:
            note = ""
        if note:
            notes.append(note)
        request.status = move.target
        request.status_changed_at = now
        request.save(
            update_fields=["status", "status_changed_at", "restock", "restocked_at", "refunded_at"]
        )
        changes.append(
            history_record(
                ReturnStatusChange,
                by=by,
                comment=" · ".join(notes),
                at=now,
                request=request,
                status=move.target,
            )
        )
    _letters([request for request, _ in moves], status, comment=comment)
    return changes


# ---- letters -------------------------------------------------------------------------------


def letters_enabled(client_id: int) -> bool:
    return not ReturnEmailPreference.objects.filter(
        client_id=client_id, email_enabled=False
    ).exists()


def _letters(requests: list[ReturnRequest], status: str, *, comment: str) -> None:
    """One letter per return to its client, unless the client switched them off."""
    client_ids = {request.client_id for request in requests}
    off = set(
        ReturnEmailPreference.objects.filter(
            client_id__in=client_ids, email_enabled=False
        ).values_list("client_id", flat=True)
    )
    drafts = []
    for request in requests:
        if request.client_id in off:
            continue
        client = request.client
        context = {
            "request": request,
            "client": client,
            "line": request.line,
            "status": status,
            "status_label": ReturnStatus(status).label,
            "comment": comment,
            "refund": format_rub(request.refund_amount),
            "return_url": settings.SITE_URL + reverse("returns:detail", args=[request.pk]),
            "returns_url": settings.SITE_URL + reverse("returns:list"),
        }
        drafts.append(
            outbox.email_draft_rendered(
                kind=EMAIL_KIND,
                to=[client.user.email],
                template_base=EMAIL_TEMPLATE,
                context=context,
                ref=outbox.ref_for(request),
            )
        )
    if drafts:
        outbox.email_enqueue_many(drafts)


@transaction.atomic
def return_letters_set(*, client: Client, enabled: bool) -> bool:
    """The switch «Письма о возвратах» of the «Возвраты» page. Returns the new state."""
    ReturnEmailPreference.objects.update_or_create(
        client=client, defaults={"email_enabled": bool(enabled)}
    )
    return bool(enabled)
