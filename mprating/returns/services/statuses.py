"""The gatekeeper `return_status_set`: the one writer of a return's status, with the effects of
the moves — the stock given back, the money refunded (see the package docstring)."""

from django.db import transaction
from django.utils import timezone

from mprating.accounts.models import User
from mprating.catalog.services import offer_stock_release
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.core.money import format_rub
from mprating.finance.models import DocumentType, EntryKind
from mprating.finance.services import Document, balance_credit
from mprating.orders.models import Source
from mprating.returns.models import ReturnRequest, ReturnStatusChange
from mprating.returns.services.letters import letters_write
from mprating.returns.transitions import Effect, MoveRefused, move_for

RETURN_NOT_FOUND = "Возврат не найден."
COMMENT_MAX = 1000
PERMISSION = "returns.change_returnrequest"
MARKETPLACE_NO_RESTOCK = (
    "Товар выкупа с маркетплейса не возвращается на наш склад: снимите «вернуть на склад»."
)


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
    letters_write([request for request, _ in moves], status, comment=comment)
    return changes
