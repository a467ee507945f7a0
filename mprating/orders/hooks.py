"""Hooks through which apps on higher floors learn of order events.

DESIGN.md §3: an app never imports upward. When a line's status changes, `notifications`
(floor 6) must e-mail the client, but `orders` (floor 5) may not import it. So the higher app
registers a listener in its `AppConfig.ready()` with `on_line_status_changed`, and the
gatekeeper calls `line_status_changed(change_ids)` inside its transaction: the listeners run
after the commit (never for a change that rolled back) with the ids of the new `StatusChange`
rows. A listener's failure is logged and never reaches the person who changed the status.

The same way, the cabinet «Заказы» table asks higher apps for extra actions on its lines
(seed 004: the line's menu holds «Информация о позиции», «Отказаться от заказа» or «Создать
возврат»): an app registers `provider(lines) -> {line_id: [LineAction, ...]}` with
`on_line_actions`, and the table's views call `line_actions_attach(lines)` once per page, which
puts the answers on each line as `line.extra_actions`. A provider reads what it needs for the
whole page at once (a fixed number of queries); its failure is logged and the table is shown
without its actions.

The back office order page asks the same way, with `where=BACKOFFICE` on both calls (e.g.
`marketplaces` answers «Оформить выкуп» for a marketplace line): orders never names another
app's pages. A back office action may name the `permission` it needs; `line_actions_attach(...,
user=request.user)` drops the actions that user may not take.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class LineAction:
    """An extra action on a line of the «Заказы» table (or of the back office order page): a
    link (GET) to the app's own page, which asks for confirmation and posts there. `name` is
    the link's `data-testid`; `permission` («app.codename»), if set, is what the user needs."""

    label: str
    url: str
    name: str = ""
    hint: str = ""
    permission: str = ""


CABINET, BACKOFFICE = "cabinet", "backoffice"
LineActionsProvider = Callable[[list], dict[int, list[LineAction]]]
_line_action_providers: list[LineActionsProvider] = []
_providers: dict[str, list[LineActionsProvider]] = {
    CABINET: _line_action_providers,
    BACKOFFICE: [],
}


def on_line_actions(provider: LineActionsProvider, *, where: str = CABINET) -> None:
    """Register `provider(lines)` for the cabinet table (or `where=BACKOFFICE`: the back office
    order page); registering the same function twice has no effect."""
    providers = _providers[where]
    if provider not in providers:
        providers.append(provider)


def line_actions_attach(lines: Iterable, *, where: str = CABINET, user=None) -> None:
    """Set `line.extra_actions` (a list of `LineAction`) on every line, asking each provider
    of `where` once for all the lines (their `status` must be loaded). An action that names a
    `permission` is kept only for a `user` who has it."""
    lines = list(lines)
    for line in lines:
        line.extra_actions = []
    if not lines:
        return
    by_id = {line.pk: line for line in lines}
    for provider in list(_providers[where]):
        try:
            answers = provider(lines)
        except Exception:  # another app's trouble must not take the orders table down
            logger.exception("Line actions provider %r failed", provider)
            continue
        for line_id, actions in answers.items():
            if line_id in by_id:
                by_id[line_id].extra_actions.extend(
                    action
                    for action in actions
                    if not action.permission
                    or (user is not None and user.has_perm(action.permission))
                )


# ---- pieces already paid back another way --------------------------------------------------

ReturnedPiecesProvider = Callable[[list], dict[int, int]]
_returned_pieces_providers: list[ReturnedPiecesProvider] = []


def on_returned_pieces(provider: ReturnedPiecesProvider) -> None:
    """Register `provider(lines) -> {line_id: pieces}`: how many pieces of each line a higher
    app already pays back or is paying back (returns: pieces in returns not rejected).
    Registering the same function twice has no effect."""
    if provider not in _returned_pieces_providers:
        _returned_pieces_providers.append(provider)


def returned_pieces(lines: list) -> dict[int, int]:
    """Pieces of each line that a refusal must not pay back again, summed over the providers.

    Unlike the other hooks, a provider's error is not swallowed: paying money twice is worse
    than a refused status change, so the gatekeeper's transaction rolls back instead."""
    pieces: dict[int, int] = {}
    for provider in list(_returned_pieces_providers):
        for line_id, count in provider(lines).items():
            pieces[line_id] = pieces.get(line_id, 0) + count
    return pieces
