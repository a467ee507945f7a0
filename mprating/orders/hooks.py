"""Hooks through which apps on higher floors learn of order events.

DESIGN.md §3: an app never imports upward. When a line's status changes, `notifications`
(floor 6) must e-mail the client, but `orders` (floor 5) may not import it. So the higher app
registers a listener in its `AppConfig.ready()` with `on_line_status_changed`, and the
gatekeeper calls `line_status_changed(change_ids)` inside its transaction: the listeners run
after the commit (never for a change that rolled back) with the ids of the new `StatusChange`
rows. A listener's failure is logged and never reaches the person who changed the status.
"""

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

StatusListener = Callable[[list[int]], None]
_status_listeners: list[StatusListener] = []


def on_line_status_changed(listener: StatusListener) -> None:
    """Register `listener(change_ids)`; registering the same function twice has no effect."""
    if listener not in _status_listeners:
        _status_listeners.append(listener)


def line_status_changed(change_ids: list[int]) -> None:
    """Called by the gatekeeper in its transaction: run every listener after commit."""
    if not change_ids:
        return
    ids = list(change_ids)

    def run() -> None:
        for listener in list(_status_listeners):
            try:
                listener(ids)
            except Exception:  # a listener's trouble must not undo or block the change
                logger.exception("Status listener %r failed for changes %s", listener, ids)

    transaction.on_commit(run)
