"""The archive (seed 004 «Архив»): by hand («Убрать в архив») and automatically."""

import calendar

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core.errors import ApplicationError, NotFound
from mprating.orders.models import Order, OrderLine, OrderStatus
from mprating.orders.services.counters import CountDeltas, counts_add
from mprating.orders.services.statuses import lines_refusals_unseen

ORDER_NOT_FOUND = "Заказ не найден."
BATCH = 500


@transaction.atomic
def order_archive(*, client: Client, order_id: int) -> Order:
    """«Убрать в архив» (seed 004): only when every line has a final status."""
    try:
        pk = int(order_id)
    except (TypeError, ValueError):
        pk = 0
    order = Order.objects.select_for_update().filter(client=client, pk=pk).first()
    if order is None:
        raise NotFound(ORDER_NOT_FOUND)
    if order.archived_at is not None:
        return order
    # The lines are locked before they are judged: a manager cannot move one back to work
    # between the check and the archive, and the frame's counters count what was judged.
    lines = _locked_lines_of([order.pk])
    if any(not is_final for *_, is_final in lines):
        raise ApplicationError(
            "order_not_finished",
            "В архив можно убрать заказ, когда все его позиции в завершающих статусах "
            "(например, «Отгружен» или «Отказ»).",
        )
    order.archived_at = timezone.now()
    order.save(update_fields=["archived_at"])
    counts_add(_leaving_work(lines))
    return order


def _locked_lines_of(order_ids: list[int]) -> list[tuple[int, int, bool]]:
    """(client, status, status is final) of the orders' lines, locked in primary-key order.

    The lock reads the line table alone: on PostgreSQL a row locked after a wait is re-read in
    its newest version, but a joined status row would not be, and a line whose status changed
    meanwhile would silently drop out of the result. The statuses are read after the locks."""
    lines = list(
        OrderLine.objects.select_for_update()
        .filter(order_id__in=order_ids)
        .order_by("pk")
        .values_list("client_id", "status_id")
    )
    final = set(OrderStatus.objects.filter(is_final=True).values_list("pk", flat=True))
    return [(client_id, status_id, status_id in final) for client_id, status_id in lines]


def _leaving_work(lines: list[tuple[int, int, bool]]) -> CountDeltas:
    """The frame's counters of lines whose order has just gone to the archive: they leave the
    positions in work (`in_work`) and stay in `total` / `unseen`."""
    deltas = CountDeltas()
    for client_id, status_id, _ in lines:
        deltas.add((client_id, status_id), in_work=-1)
    return deltas


def months_before(moment, months: int):
    """The same wall-clock moment `months` calendar months earlier (31 March − 1 → 28/29 Feb)."""
    local = timezone.localtime(moment)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    days = calendar.monthrange(year, month)[1]
    return local.replace(year=year, month=month, day=min(local.day, days))


@transaction.atomic
def orders_auto_archive(*, client: Client | None = None, now=None) -> int:
    """Seed 004: an order goes to the archive by itself «если статусы по всем его позициям имеют
    признак завершения “Истина”… и последний статус менялся больше 2 месяцев тому назад»
    (`settings.ORDERS_AUTO_ARCHIVE_MONTHS` calendar months; a line changed exactly that long
    ago counts). «В том случае если заказ автоматически попал в архив, то там уже нужно будет
    наоборот указывать, что отказ не был просмотрен»: its refusals become not seen
    (`statuses.lines_refusals_unseen`).

    For one client (when the cabinet opens) or everyone (the periodic task). Set-based: one
    select of ids, then per 500 orders the orders and their lines locked, two updates and the
    frame's counters (`counters`); running it again changes nothing.
    Returns how many orders were archived.
    """
    now = now or timezone.now()
    cutoff = months_before(now, settings.ORDERS_AUTO_ARCHIVE_MONTHS)
    lines = OrderLine.objects.filter(order=OuterRef("pk"))
    candidates = Order.objects.filter(archived_at__isnull=True)
    if client is not None:
        candidates = candidates.filter(client=client)
    ids = list(
        candidates.filter(Exists(lines))
        .exclude(Exists(lines.filter(status__is_final=False)))
        .exclude(Exists(lines.filter(status_changed_at__gt=cutoff)))
        .values_list("pk", flat=True)
    )
    archived = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        # Locked, and those archived by someone else meanwhile left out: the frame's
        # counters must move for exactly the orders this run archives.
        batch = list(
            Order.objects.select_for_update()
            .filter(pk__in=batch, archived_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not batch:
            continue
        Order.objects.filter(pk__in=batch).update(archived_at=now)
        deltas = _leaving_work(_locked_lines_of(batch))
        lines_refusals_unseen(order_ids=batch, deltas=deltas)
        counts_add(deltas)
        archived += len(batch)
    return archived
