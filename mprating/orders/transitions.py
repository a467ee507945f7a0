"""THE transition table of order lines: which status and refusal moves are allowed, and what
each move writes. Pure rules, no database: the gatekeeper `services.line_status_set` asks
`line_step` for every line, then writes what it answers (and nothing else writes these fields).

Seed 004 «Заказы»: every line has its own status from «Настройки → Статусы»; «список статусов в
истории будет отличаться в зависимости от того, с домашнего склада или транзитного был
осуществлён заказ»; «Отказаться от заказа» is possible «только до момента присвоения статуса
“Отгружен”. При наступлении статуса отгружен возможен только возврат»; after the request the
last column reads «Отказ от заказа на рассмотрении», «как только менеджер подтвердит отказ, то
комментарий изменится на “Отказ клиента”, а сам заказ получит статус “Отказ”. Если причина
отказа другая, то и комментарий будет другой».

1. The chains. A status belongs to the chain of a source (own warehouse, transit warehouse,
   marketplace buyout) by its flags `for_home` / `for_transit` / `for_marketplace`
   (`CHAIN_FLAGS`); managers edit them in «Настройки → Статусы». «Отказ» ends a line in any chain.

2. The moves. Each row: event — allowed from → status; refusal_state; last column
   (`manager_comment`); history row. «e-mail» marks a status change the client may be told of.

   STATUS → X        — X in the line's chain, X ≠ current, not «Отгружен» while a refusal request
                       waits → X; leaving «Отказ» clears the refusal (none, empty column);
                       X + comment, e-mail.
   STATUS → «Отказ»  — any other status (a manager may refuse even a shipped line, e.g. refused
                       at the pickup point) → «Отказ»; a waiting request becomes confirmed with
                       «Отказ клиента», otherwise none (a declined request is over) with the
                       comment as the reason; «Отказ» + comment, e-mail.
   REFUSAL_REQUEST   — (the client) none, not «Отказ», not shipped/final → same status;
                       requested; «Отказ от заказа на рассмотрении»; a row in the current status
                       with that text, no e-mail. Asked again: nothing happens.
   REFUSAL_CONFIRM   — requested (other lines are skipped) → «Отказ»; confirmed;
                       «Отказ клиента»; «Отказ», e-mail.
   REFUSAL_DECLINE   — requested (other lines are skipped) → same status; declined; the reason
                       (required); «Отказ отклонён: …», no e-mail.
   REFUSE            — (a manager's refusal for another reason) not «Отказ» (skipped) →
                       «Отказ»; none (a waiting request is answered by it); the reason
                       (required); «Отказ» + reason, e-mail.
   COMMENT           — any line → same status; same; the comment; «Комментарий менеджера: …»,
                       no e-mail.
   SEEN / UNSEEN     — «Отказ» only → just the 10th column's flag «отказ просмотрен»; no
                       history row.

   Entering «Отказ» always makes the refusal «not seen» (the 10th column's flag); leaving it
   clears the whole refusal. A declined request stays declined while the line moves along its
   chain (the client cannot ask again), and is cleared when the line is refused after all —
   the client then sees «Отказ», not the old decline text.

3. Stock. Entering «Отказ» gives the line's reserved stock back to its offer
   (`catalog.services.offer_stock_release`) once per line: the gatekeeper marks the line
   `stock_released_at` and never releases it again (a refused line revived by a manager does
   not take stock again, so refusing it a second time gives nothing back). Only a line not yet
   shipped gives stock back: a line refused in «Отгружен» (or another final status) has left
   the warehouse, and what comes back after shipping is a return (the returns module restocks
   it). A marketplace line
   (`Source.MARKETPLACE`, a buyout on Wildberries / Ozon) releases nothing: its «stock» is the
   marketplace's own, which the next price import of that warehouse states afresh; our shelves
   never held it.

4. Money. Entering «Отказ» gives the line's price × quantity back to the client's balance when
   the order was charged to the balance at checkout (paid «С баланса»), once per line —
   shipped or not: a line refused at the pickup point was not taken. The gatekeeper does it
   (`services.statuses._refusal_credits`), keyed by the line, so a revived and again refused
   line is credited once; a revival never charges again.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

from mprating.orders.models import OrderLine, OrderStatus, RefusalState, Source

REFUSAL_REQUESTED_TEXT = "Отказ от заказа на рассмотрении"
REFUSAL_CONFIRMED_TEXT = "Отказ клиента"

CHAIN_FLAGS = {
    Source.HOME: "for_home",
    Source.TRANSIT: "for_transit",
    Source.MARKETPLACE: "for_marketplace",
}


class Event(StrEnum):
    STATUS = "status"
    REFUSAL_REQUEST = "refusal_request"
    REFUSAL_CONFIRM = "refusal_confirm"
    REFUSAL_DECLINE = "refusal_decline"
    REFUSE = "refuse"
    COMMENT = "comment"
    SEEN = "seen"
    UNSEEN = "unseen"


# Events that move the line into the status with role «Отказ» (the gatekeeper looks it up).
INTO_REFUSED = {Event.REFUSAL_CONFIRM, Event.REFUSE}

# Events whose comment is required, with the field it belongs to and the message when empty.
REQUIRED_COMMENT = {
    Event.REFUSAL_DECLINE: ("comment", "Укажите причину: клиент увидит её в заказе."),
    Event.REFUSE: ("reason", "Укажите причину отказа."),
}


@dataclass(frozen=True)
class Step:
    """What one move writes on a line. `history` None: no history row; `notify`: the row is a
    status change the client may be e-mailed about; `release_stock`: give the line's stock back."""

    status: OrderStatus
    refusal_state: str
    manager_comment: str
    refusal_seen: bool
    history: str | None = None
    notify: bool = False
    release_stock: bool = False


class MoveRefused(Exception):
    """A move the table forbids. `message` may hold `{more}`: the gatekeeper puts there how
    many other lines of the same action are refused too (« и ещё 2»)."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def status_fits_source(status: OrderStatus, source: str) -> bool:
    """Whether `status` belongs to the chain of lines fulfilled from `source`.

    «Отказ» ends a line in any chain, whatever its source flags say.
    """
    if status.role == OrderStatus.Role.REFUSED:
        return True
    flag = CHAIN_FLAGS.get(source)
    return bool(flag and getattr(status, flag, False))


def is_refused(status: OrderStatus) -> bool:
    return status.role == OrderStatus.Role.REFUSED


def is_past_refusal(status: OrderStatus) -> bool:
    """«Отгружен» (or another final status that is not «Отказ»): only a return is possible."""
    return status.role == OrderStatus.Role.SHIPPED or (status.is_final and not is_refused(status))


def releases_stock(line: OrderLine) -> bool:
    """Whether refusing this line (in its current status) gives stock back (module docstring, 3):
    not shipped yet, not a marketplace buyout, not given back before."""
    return (
        not is_past_refusal(line.status)
        and line.source != Source.MARKETPLACE
        and line.stock_released_at is None
    )


def _label(line: OrderLine) -> str:
    return f"{line.brand_name} {line.article}"


def _current(line: OrderLine) -> Step:
    return Step(
        status=line.status,
        refusal_state=line.refusal_state,
        manager_comment=line.manager_comment,
        refusal_seen=line.refusal_seen,
    )


def _into_refused(
    line: OrderLine,
    refused: OrderStatus,
    *,
    refusal_state: str,
    manager_comment: str,
    history: str,
) -> Step:
    return Step(
        status=refused,
        refusal_state=refusal_state,
        manager_comment=manager_comment,
        refusal_seen=False,
        history=history,
        notify=True,
        release_stock=releases_stock(line),
    )


def _status_move(line: OrderLine, status: OrderStatus, comment: str) -> Step | None:
    if line.status_id == status.pk:
        return None
    if not status_fits_source(status, line.source):
        raise MoveRefused(
            "status_not_in_chain",
            f"Статус «{status.name}» не входит в цепочку «{line.get_source_display()}»: "
            f"позиция {_label(line)}{{more}}. Ничего не изменено.",
            field="status",
        )
    if is_refused(status):
        if line.refusal_state == RefusalState.REQUESTED:
            # «Отказ» given to a line the client asked to refuse is the confirmation.
            return _into_refused(
                line,
                status,
                refusal_state=RefusalState.CONFIRMED,
                manager_comment=REFUSAL_CONFIRMED_TEXT,
                history=comment,
            )
        # Otherwise the comment is the reason the client reads; a declined request is over.
        return _into_refused(
            line, status, refusal_state=RefusalState.NONE, manager_comment=comment, history=comment
        )
    if status.role == OrderStatus.Role.SHIPPED and line.refusal_state == RefusalState.REQUESTED:
        raise MoveRefused(
            "refusal_pending",
            f"Клиент просит отказаться от позиции {_label(line)}{{more}}: сначала подтвердите "
            "или отклоните отказ. Ничего не изменено.",
            field="status",
        )
    step = replace(_current(line), status=status, history=comment, notify=True)
    if is_refused(line.status):
        # Leaving «Отказ» (a mistaken refusal): the refusal is over.
        step = replace(
            step, refusal_state=RefusalState.NONE, refusal_seen=False, manager_comment=""
        )
    return step


def _refusal_request(line: OrderLine) -> Step | None:
    if line.refusal_state == RefusalState.REQUESTED:
        return None
    if is_refused(line.status):
        raise MoveRefused("already_refused", "По этой позиции уже оформлен отказ.")
    if is_past_refusal(line.status):
        raise MoveRefused(
            "already_shipped",
            "Позиция уже отгружена: отказаться от неё нельзя. "
            "Если политика возврата позволяет, оформите возврат.",
        )
    if line.refusal_state == RefusalState.DECLINED:
        raise MoveRefused(
            "refusal_declined",
            "Менеджер уже отклонил отказ по этой позиции: "
            f"«{line.manager_comment}». Свяжитесь с менеджером.",
        )
    return replace(
        _current(line),
        refusal_state=RefusalState.REQUESTED,
        manager_comment=REFUSAL_REQUESTED_TEXT,
        history=REFUSAL_REQUESTED_TEXT,
    )


def _seen(line: OrderLine, seen: bool) -> Step | None:
    if not is_refused(line.status):
        raise MoveRefused(
            "not_refused", "Отметить просмотр можно только у позиции в статусе «Отказ»."
        )
    if line.refusal_seen == seen:
        return None
    return replace(_current(line), refusal_seen=seen)


def line_step(
    line: OrderLine,
    event: Event,
    *,
    status: OrderStatus | None = None,
    comment: str = "",
) -> Step | None:
    """The move `event` makes on `line` (None: nothing to do for this line), or `MoveRefused`.

    `status` is the target of STATUS and the «Отказ» status for REFUSAL_CONFIRM and REFUSE;
    `comment` the manager's comment or reason (already cleaned). `line.status` must be loaded.
    """
    if event == Event.STATUS:
        return _status_move(line, status, comment)
    if event == Event.REFUSAL_REQUEST:
        return _refusal_request(line)
    if event == Event.REFUSAL_CONFIRM:
        if line.refusal_state != RefusalState.REQUESTED:
            return None
        return _into_refused(
            line,
            status,
            refusal_state=RefusalState.CONFIRMED,
            manager_comment=REFUSAL_CONFIRMED_TEXT,
            history=REFUSAL_CONFIRMED_TEXT,
        )
    if event == Event.REFUSAL_DECLINE:
        if line.refusal_state != RefusalState.REQUESTED:
            return None
        return replace(
            _current(line),
            refusal_state=RefusalState.DECLINED,
            manager_comment=comment,
            history=f"Отказ отклонён: {comment}",
        )
    if event == Event.REFUSE:
        if is_refused(line.status):
            return None
        return _into_refused(
            line, status, refusal_state=RefusalState.NONE, manager_comment=comment, history=comment
        )
    if event == Event.COMMENT:
        if line.manager_comment == comment:
            return None
        history = f"Комментарий менеджера: {comment}" if comment else "Комментарий менеджера убран"
        return replace(_current(line), manager_comment=comment, history=history)
    if event in (Event.SEEN, Event.UNSEEN):
        return _seen(line, event == Event.SEEN)
    raise ValueError(f"Unknown line event {event!r}")
