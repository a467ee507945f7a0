"""Every write of orders, by sub-topic:

- `checkout`: `order_place` (the cart becomes an order) and `cart_line_problem`;
- `statuses`: the gatekeeper `line_status_set` — the ONE writer of a line's status and refusal
  fields, following the transition table `orders.transitions` — and the manager's comment;
- `refusals`: the client's refusal request, the manager confirming, declining or refusing,
  the «отказ просмотрен» flag and «Перезаказ»;
- `archive`: «Убрать в архив» and the automatic archive;
- `counters`: the cabinet frame's counters, moved by the services above in their own
  transactions, and their recount.

Callers import from here (`from mprating.orders import services`).
"""

from mprating.orders.services.archive import (
    ORDER_NOT_FOUND,
    months_before,
    order_archive,
    orders_auto_archive,
)
from mprating.orders.services.checkout import (
    ADDRESS_MAX,
    ADDRESS_MIN,
    COMMENT_MAX,
    cart_line_problem,
    order_place,
)
from mprating.orders.services.counters import counts_recount
from mprating.orders.services.refusals import (
    line_refusal_confirm,
    line_refusal_decline,
    line_refusal_request,
    line_refusal_seen_set,
    line_refuse,
    line_reorder,
)
from mprating.orders.services.statuses import (
    COMMENT_LINE_MAX,
    LINE_NOT_FOUND,
    line_manager_comment_set,
    line_manager_comment_set_many,
    line_status_set,
)
from mprating.orders.transitions import (
    REFUSAL_CONFIRMED_TEXT,
    REFUSAL_REQUESTED_TEXT,
    Event,
    status_fits_source,
)

__all__ = [
    "ADDRESS_MAX",
    "ADDRESS_MIN",
    "COMMENT_LINE_MAX",
    "COMMENT_MAX",
    "LINE_NOT_FOUND",
    "ORDER_NOT_FOUND",
    "REFUSAL_CONFIRMED_TEXT",
    "REFUSAL_REQUESTED_TEXT",
    "Event",
    "cart_line_problem",
    "counts_recount",
    "line_manager_comment_set",
    "line_manager_comment_set_many",
    "line_refusal_confirm",
    "line_refusal_decline",
    "line_refusal_request",
    "line_refusal_seen_set",
    "line_refuse",
    "line_reorder",
    "line_status_set",
    "months_before",
    "order_archive",
    "order_place",
    "orders_auto_archive",
    "status_fits_source",
]
