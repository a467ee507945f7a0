"""The gatekeeper of order lines: `line_status_set` is the ONE writer of a line's status and
refusal fields (status, refusal_state, manager_comment, refusal_seen, stock_released_at); the
only other write of a refusal field is its set-based twin for the automatic archive,
`lines_refusals_unseen`, here beside it.

Every move — a manager's «Сменить статус», the client's «Отказаться от заказа», confirming or
declining it, a refusal for another reason, the manager's comment, the «отказ просмотрен»
flag — is an `Event` of the transition table (`orders.transitions`): the gatekeeper locks the
lines in primary-key order, asks the table for each line's step, and writes what it answers
in the same transaction — the line fields, the history rows (`core.history`), the stock given
back (`catalog.services.offer_stock_release`), the money given back for a refused line of an
order paid from the balance (`finance.services.balance_credit`, see `_refusal_credits`) and
the call of `orders.hooks` so that higher apps (the status e-mails) learn of the change after
commit, and last the cabinet frame's counters (`counters`). A move the table forbids for any
line changes nothing at all.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from mprating.accounts.models import User
from mprating.catalog.services import offer_stock_release
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record_many
from mprating.finance.models import DocumentType, EntryKind
from mprating.finance.services import Document, balance_credit
from mprating.orders import hooks
from mprating.orders.models import Order, OrderLine, OrderStatus, StatusChange
from mprating.orders.services.counters import CountDeltas, counts_add
from mprating.orders.transitions import (
    REQUIRED_COMMENT,
    Event,
    MoveRefused,
    is_refused,
    line_step,
)

COMMENT_LINE_MAX = 500
LINE_NOT_FOUND = "Позиция заказа не найдена."
BATCH = 500

LINE_FIELDS = [
    "status",
    "status_changed_at",
    "refusal_state",
    "refusal_seen",
    "manager_comment",
    "stock_released_at",
]


def status_with_role(role: str) -> OrderStatus:
    status = OrderStatus.objects.filter(role=role).first()
    if status is None:
        raise ApplicationError(
            "status_missing",
            f"Не настроен статус с ролью «{OrderStatus.Role(role).label}». "
            "Проверьте «Настройки → Статусы».",
        )
    return status


def clean_ids(values: Iterable[object]) -> list[int]:
    ids = set()
    for value in values or ():
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise NotFound(LINE_NOT_FOUND) from None
    if not ids:
        raise ApplicationError("no_lines", "Выберите хотя бы одну позицию.")
    return sorted(ids)


def clean_comment(comment: str, *, field: str = "comment", required: str | None = None) -> str:
    text = " ".join((comment or "").split())
    if required and not text:
        raise ApplicationError("comment_required", required, field=field)
    if len(text) > COMMENT_LINE_MAX:
        raise ApplicationError(
            "comment_too_long", f"Не длиннее {COMMENT_LINE_MAX} символов.", field=field
        )
    return text


def locked_lines(line_ids: list[int], **filters) -> list[OrderLine]:
    """The lines, locked in primary-key order (only the line rows, not the joined status)."""
    return list(
        OrderLine.objects.select_for_update(of=("self",))
        .select_related("status")
        .filter(pk__in=line_ids, **filters)
        .order_by("pk")
    )


def _target_status(event: Event, status_id: object) -> OrderStatus | None:
    if event == Event.STATUS:
        try:
            status = OrderStatus.objects.filter(pk=int(status_id)).first()
        except (TypeError, ValueError):
            status = None
        if status is None:
            raise ApplicationError("status_not_found", "Выберите статус.", field="status")
        return status
    return None


def _refused_error(refused: list[tuple[OrderLine, MoveRefused]]) -> ApplicationError:
    """The first forbidden move, with how many other lines the same action could not move."""
    _, first = refused[0]
    more = f" и ещё {len(refused) - 1}" if len(refused) > 1 else ""
    return ApplicationError(first.code, first.message.replace("{more}", more), field=first.field)


@transaction.atomic
def line_status_set(
    *,
    line_ids: list[int],
    status_id: int | None = None,
    actor: User | None,
    comment: str = "",
    event: Event = Event.STATUS,
) -> list[StatusChange]:
    """Move lines by `event` of the transition table: THE one way a line's status and refusal
    fields change. By default (`Event.STATUS`) the lines go to the status `status_id`.

    Locks the lines in primary-key order; every line gets the step the table gives it (lines
    for which the event means nothing are skipped: already in that status, no pending request
    to confirm…); one forbidden line stops the whole call with its Russian message. Writes the
    lines, one history row per moved line (who, when, the comment), gives stock back to the
    offers of newly refused lines (once per line, in offer order) and hands the ids of the
    status changes to `hooks.line_status_changed` (the client's e-mails, after commit). Rows
    that keep the status (a request, a decline, a comment) are marked notified at once: they
    never make an e-mail. Returns the history rows written.
    """
    ids = clean_ids(line_ids)
    field, required = REQUIRED_COMMENT.get(event, ("comment", None))
    comment = clean_comment(comment, field=field, required=required)
    status = _target_status(event, status_id)
    lines = locked_lines(ids)
    if len(lines) != len(ids):
        raise NotFound(LINE_NOT_FOUND)
    if event in (Event.REFUSAL_CONFIRM, Event.REFUSE):
        status = None if not lines else status_with_role(OrderStatus.Role.REFUSED)

    steps, refused = [], []
    for line in lines:
        try:
            step = line_step(line, event, status=status, comment=comment)
        except MoveRefused as error:
            refused.append((line, error))
            continue
        if step is not None:
            steps.append((line, step))
    if refused:
        raise _refused_error(refused)
    if not steps:
        return []

    now = timezone.now()
    rows: dict[tuple[str, bool], list[dict]] = defaultdict(list)
    releases: list[OrderLine] = []
    refused_now: list[OrderLine] = []
    moves: list[tuple[OrderLine, int, bool]] = []  # the line, its status and flag before
    for line, step in steps:
        if step.status.pk != line.status_id or step.refusal_seen != line.refusal_seen:
            moves.append((line, line.status_id, line.refusal_seen))
        if is_refused(step.status) and not is_refused(line.status):
            refused_now.append(line)
        if step.status.pk != line.status_id:
            line.status = step.status
            line.status_changed_at = now
        line.refusal_state = step.refusal_state
        line.manager_comment = step.manager_comment
        line.refusal_seen = step.refusal_seen
        if step.release_stock and line.stock_released_at is None:
            line.stock_released_at = now
            releases.append(line)
        if step.history is not None:
            rows[(step.history, step.notify)].append(
                {"line_id": line.pk, "status_id": step.status.pk, "notified_at": None}
            )
    OrderLine.objects.bulk_update([line for line, _ in steps], LINE_FIELDS, batch_size=BATCH)

    changes: list[StatusChange] = []
    notify: list[int] = []
    for (text, emails), group in rows.items():
        for row in group:
            row["notified_at"] = None if emails else now
        written = history_record_many(StatusChange, group, by=actor, comment=text, at=now)
        changes.extend(written)
        if emails:
            notify.extend(change.pk for change in written)

    for line in sorted(releases, key=lambda line: (line.offer_id or 0, line.pk)):
        offer_stock_release(offer_id=line.offer_id, quantity=line.quantity)
    if refused_now:
        _refusal_credits(refused_now, actor=actor)
    if moves:
        _frame_counts_move(moves)
    if notify:
        hooks.line_status_changed(sorted(notify))
    return sorted(changes, key=lambda change: change.line_id)


def _refusal_credits(lines: list[OrderLine], *, actor: User | None) -> None:
    """Give back the money of lines that have just entered «Отказ», for orders that were
    charged to the balance at checkout (`Order.balance_charged`): price × quantity, as a
    «Возврат за отказ» entry of finance. One query for the orders, whatever the number of
    lines; nothing for orders paid otherwise. Pieces that a return of a higher app already
    pays back (`hooks.returned_pieces`) are left out, so no piece is paid back twice.

    Exactly once per line: the entry's key is the line's (`line:<id>:refusal-credit`), so a
    line refused, revived by a manager and refused again is credited the first time only —
    like its stock (transitions, 3). Reviving a refused line does not charge it again: the
    revival corrects a mistake, and the manager settles the money, if the client keeps the
    goods, with a balance correction in «Финансы». A shipped line refused at the pickup point
    is credited too: the client did not take it. Balances are credited client by client
    (then line by line), the order every caller keeps, so concurrent refusals never
    deadlock on two clients' balances.
    """
    charged = dict(
        Order.objects.filter(
            pk__in={line.order_id for line in lines}, balance_charged__isnull=False
        ).values_list("pk", "number")
    )
    # Pieces a return already pays back (or is paying back) are not paid a second time.
    returned = hooks.returned_pieces([line for line in lines if line.order_id in charged])
    for line in sorted(lines, key=lambda line: (line.client_id, line.pk)):
        amount = line.price * max(line.quantity - returned.get(line.pk, 0), 0)
        if line.order_id not in charged or amount <= 0:
            continue
        balance_credit(
            client_id=line.client_id,
            amount=amount,
            document=Document(
                DocumentType.ORDER,
                str(line.order_id),
                f"Заказ {charged[line.order_id]}: {line.brand_name} {line.article}",
            ),
            idempotency_key=f"line:{line.pk}:refusal-credit",
            kind=EntryKind.REFUSAL_CREDIT,
            by=actor,
        )


def _frame_counts_move(moves: list[tuple[OrderLine, int, bool]]) -> None:
    """The cabinet frame's counters follow the lines that changed status or «просмотрен»:
    each leaves its old (client, status) row and enters the new one. Whether its order is in
    the archive is read here, after the lines are locked, so a concurrent archive is either
    already committed (seen here) or still waiting for these lines (and counts them in their
    new status when it gets them) — see `counters`."""
    archived = set(
        Order.objects.filter(
            pk__in={line.order_id for line, _, _ in moves}, archived_at__isnull=False
        ).values_list("pk", flat=True)
    )
    deltas = CountDeltas()
    for line, status_before, seen_before in moves:
        in_archive = line.order_id in archived
        deltas.lines((line.client_id, status_before), archived=in_archive, seen=seen_before, n=-1)
        deltas.lines((line.client_id, line.status_id), archived=in_archive, seen=line.refusal_seen)
    counts_add(deltas)


@transaction.atomic
def line_manager_comment_set_many(*, line_ids: list[int], actor: User, comment: str) -> int:
    """The manager's comment on many lines at once (the last column of the client's table),
    all or none; the history keeps who wrote what and when. Returns how many lines changed."""
    return len(
        line_status_set(line_ids=line_ids, actor=actor, comment=comment, event=Event.COMMENT)
    )


@transaction.atomic
def line_manager_comment_set(*, line_id: int, actor: User, comment: str) -> OrderLine:
    """The manager's comment on one line (see `line_manager_comment_set_many`)."""
    [pk] = clean_ids([line_id])
    line_manager_comment_set_many(line_ids=[pk], actor=actor, comment=comment)
    return OrderLine.objects.select_related("status").get(pk=pk)


def lines_refusals_unseen(*, order_ids: list[int], deltas: CountDeltas) -> int:
    """The table's UNSEEN move, set-based, for the automatic archive (seed 004: «если заказ
    автоматически попал в архив, то там уже нужно будет наоборот указывать, что отказ не был
    просмотрен»): the refused lines of these orders become «not seen». The lines are locked
    and read once (for the frame's counters, added to `deltas` for the archive to apply with
    its own), then one UPDATE, no history row (the flag is «чисто визуальная информация»),
    run inside the archive's transaction. Returns how many lines changed."""
    # No join in the locking read (see `archive._locked_lines_of`): the «Отказ» status by id.
    refused = OrderStatus.objects.filter(role=OrderStatus.Role.REFUSED).values_list("pk", flat=True)
    lines = list(
        OrderLine.objects.select_for_update()
        .filter(order_id__in=order_ids, status_id__in=list(refused), refusal_seen=True)
        .order_by("pk")
        .values_list("pk", "client_id", "status_id")
    )
    for _, client_id, status_id in lines:
        deltas.add((client_id, status_id), unseen=1)
    if not lines:
        return 0
    return OrderLine.objects.filter(pk__in=[pk for pk, _, _ in lines]).update(refusal_seen=False)
