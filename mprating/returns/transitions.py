"""THE transition table of returns: which status may follow which, who makes the move, and what
it causes. Pure rules, no database: the gatekeeper `services.return_status_set` asks `move_for`
and does what the answer says (and nothing else writes a return's status).

    from          → to                   who        comment     effect
    —             → Новый                client     описание    (`return_create`, not a move)
    Новый         → На рассмотрении      manager    optional
    На рассмотр.  → Одобрен              manager    optional
    На рассмотр.  → Отклонён             manager    required    the client reads the reason
    Одобрен       → Получен на складе    manager    optional    restock when «вернуть на склад»
    Получен       → Деньги возвращены    manager    optional    the refund to the balance

Every move writes a history row and, unless the client switched them off, a letter. Nothing
goes backwards; «Отклонён» and «Деньги возвращены» end a return. «A refund is allowed only after
the goods are received»: «Деньги возвращены» has one way in, from «Получен на складе». A move
into the status the return already has is no move at all (a second tab, a double click): the
gatekeeper does nothing and says so.
"""

from dataclasses import dataclass
from enum import StrEnum

from mprating.returns.models import ReturnStatus

S = ReturnStatus


class Effect(StrEnum):
    NONE = ""
    RESTOCK = "restock"
    REFUND = "refund"


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    action: str  # the button / action title in the back office
    comment_required: str = ""  # the message when the required comment is empty
    effect: Effect = Effect.NONE


MOVES: tuple[Move, ...] = (
    Move(S.NEW, S.REVIEW, "Взять на рассмотрение"),
    Move(S.REVIEW, S.APPROVED, "Одобрить"),
    Move(S.REVIEW, S.REJECTED, "Отклонить", comment_required="Укажите причину: клиент её увидит."),
    Move(S.APPROVED, S.RECEIVED, "Получен на складе", effect=Effect.RESTOCK),
    Move(S.RECEIVED, S.REFUNDED, "Вернуть деньги", effect=Effect.REFUND),
)

BY_TARGET: dict[str, list[Move]] = {}
for _move in MOVES:
    BY_TARGET.setdefault(_move.target, []).append(_move)

FINAL = frozenset({S.REJECTED, S.REFUNDED})
OPEN = tuple(status for status in S.values if status not in FINAL)
# Statuses whose pieces still count as «returned or being returned» on the line.
HOLDING_QUANTITY = tuple(status for status in S.values if status != S.REJECTED)

# The order of the workflow, for «backwards» messages.
ORDER = {
    S.NEW: 0,
    S.REVIEW: 1,
    S.APPROVED: 2,
    S.REJECTED: 2,
    S.RECEIVED: 3,
    S.REFUNDED: 4,
}


class MoveRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sources_of(target: str) -> list[str]:
    """The statuses a return may be in to move to `target` (the admin's candidates)."""
    return [move.source for move in BY_TARGET.get(target, [])]


def move_for(current: str, target: str) -> Move | None:
    """The move from `current` to `target`; None when the return is there already;
    `MoveRefused` with the Russian reason when the table has no such move."""
    if target not in S.values:
        raise MoveRefused("status_unknown", "Неизвестный статус возврата.")
    if current == target:
        return None
    for move in BY_TARGET.get(target, []):
        if move.source == current:
            return move
    label, now = S(target).label, S(current).label
    if target == S.REFUNDED:
        raise MoveRefused(
            "not_received",
            f"Деньги возвращаются только после того, как товар получен на складе. "
            f"Сейчас возврат в статусе «{now}».",
        )
    if current in FINAL:
        raise MoveRefused("return_closed", f"Возврат уже в статусе «{now}»: он завершён.")
    if ORDER[target] < ORDER[current]:
        raise MoveRefused(
            "backwards", f"Статус возврата не меняется назад: из «{now}» в «{label}» нельзя."
        )
    allowed = " или ".join(f"«{S(source).label}»" for source in sources_of(target))
    raise MoveRefused(
        "status_skipped",
        f"«{label}» ставится только из статуса {allowed}; сейчас возврат в статусе «{now}».",
    )
