"""The archive (seed 004 «Архив»): by hand («Убрать в архив») and automatically."""

import calendar

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core.errors import ApplicationError, NotFound
from mprating.orders.models import Order, OrderLine
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
    if order.lines.filter(status__is_final=False).exists():
        raise ApplicationError(
            "order_not_finished",
            "В архив можно убрать заказ, когда все его позиции в завершающих статусах "
            "(например, «Отгружен» или «Отказ»).",
        )
    order.archived_at = timezone.now()
    order.save(update_fields=["archived_at"])
    return order


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
    select of ids and two updates per 500 orders; running it again changes nothing.
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
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        archived = Order.objects.filter(pk__in=batch, archived_at__isnull=True).update(
            archived_at=now
        )
        if archived:
            lines_refusals_unseen(order_ids=batch)
    return len(ids)
