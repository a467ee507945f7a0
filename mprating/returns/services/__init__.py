"""Every write of returns, by sub-topic:

- `create`: `return_create` — «Создать возврат» (seed 004): the line must be eligible
  (`eligibility`), the quantity at most what is left of it. The line row is locked
  (`select_for_update`) while the pieces already returned are counted and the return is
  written, so two tabs cannot return the same piece twice. Photos are checked (`photos`) and
  stored before the lock is taken, and removed again when the return is refused.
- `statuses`: `return_status_set` — THE gatekeeper, the only writer of a return's status: locks
  the returns in primary-key order, asks `transitions.move_for` for each, writes the status,
  the history row (`core.history`), the effect of the move — «Получен на складе» gives the
  pieces back to the offer's stock once (`catalog.services.offer_stock_release`) when «вернуть
  на склад» is on; «Деньги возвращены» credits the client's balance once
  (`finance.services.balance_credit`, key `return:<id>:refund`) — and the client's letter. All
  the returns of one call move, or none.
- `letters`: the letters about a return (the core outbox, kind `return_status`, sent after
  commit) and `return_letters_set`, the one switch on the «Возвраты» page.

Callers import from here (`from mprating.returns import services`).
"""

from mprating.returns.services.create import (
    DESCRIPTION_MAX,
    LINE_NOT_FOUND,
    RefundQuote,
    refund_amount_for,
    refund_quote,
    return_create,
)
from mprating.returns.services.letters import (
    EMAIL_KIND,
    letters_enabled,
    letters_write,
    return_letters_set,
)
from mprating.returns.services.statuses import (
    COMMENT_MAX,
    PERMISSION,
    RETURN_NOT_FOUND,
    refund_key,
    return_status_set,
)

__all__ = [
    "COMMENT_MAX",
    "DESCRIPTION_MAX",
    "EMAIL_KIND",
    "LINE_NOT_FOUND",
    "PERMISSION",
    "RETURN_NOT_FOUND",
    "RefundQuote",
    "letters_enabled",
    "letters_write",
    "refund_amount_for",
    "refund_key",
    "refund_quote",
    "return_create",
    "return_letters_set",
    "return_status_set",
]
