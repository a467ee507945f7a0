"""May this order line be returned, and how many pieces of it: the one rule, read for a whole
page of lines at once.

Seed 004: «При наступлении статуса отгружен возможен только возврат по условиям, описанным в
следующей колонке “Возможность обратного выкупа”». So a line may be returned when

1. it is in the status with role «Отгружен» (`OrderStatus.Role.SHIPPED`) — before that the client
   refuses the line instead, after a refusal there is nothing to return;
2. its policy snapshot allows it (`OrderLine.is_returnable`, not «невозвратный»);
3. today (Moscow) is at most `return_days` calendar days after the day it was shipped — the day
   of the line's `StatusChange` into «Отгружен» (the latest, should a manager have moved it back
   and forth): shipped on 01.03 with 14 days → the last day is 15.03;
4. some pieces are left: the line's quantity minus the pieces of its returns that are not
   «Отклонён» (a rejected return gives its pieces back to the client's choice).

`services.return_create` checks the same rule again with the line locked, so two tabs cannot
return the same piece twice. `line_actions_provider` answers the orders hook for the «Заказы»
table: «Создать возврат» on eligible lines, one query per page whatever its length.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import router
from django.db.models import Max, OuterRef, Subquery, Sum
from django.utils import timezone

from mprating.core.fixed_urls import reverse_object
from mprating.orders.compiled import IdsStatement, ids_statement
from mprating.orders.hooks import LineAction
from mprating.orders.models import OrderLine, OrderStatus, StatusChange
from mprating.returns.models import ReturnRequest
from mprating.returns.transitions import HOLDING_QUANTITY

NOT_SHIPPED = (
    "Вернуть можно только отгруженную позицию: до статуса «Отгружен» от неё можно отказаться."
)
NOT_RETURNABLE = "Этот товар невозвратный: по условиям позиции вернуть его нельзя."


def _days(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} дня"  # «в течение 1 дня», «21 дня»
    return f"{n} дней"


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str = ""  # why not, in Russian
    shipped_at: datetime | None = None
    last_day: date | None = None
    returned: int = 0  # pieces already returned or being returned
    available: int = 0  # pieces that may still be returned


def returned_quantities(line_ids: Iterable[int]) -> dict[int, int]:
    """Pieces of each line returned or being returned (every return but «Отклонён»)."""
    ids = list(line_ids)
    if not ids:
        return {}
    rows = (
        ReturnRequest.objects.filter(line_id__in=ids, status__in=HOLDING_QUANTITY)
        .values("line_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    return {row["line_id"]: row["total"] or 0 for row in rows}


def _facts_queryset(alias: str, ids: set[int]):
    shipped = (
        StatusChange.objects.filter(line_id=OuterRef("pk"), status__role=OrderStatus.Role.SHIPPED)
        .order_by()
        .values("line_id")
        .annotate(at=Max("changed_at"))
        .values("at")
    )
    returned = (
        ReturnRequest.objects.filter(line_id=OuterRef("pk"), status__in=HOLDING_QUANTITY)
        .order_by()
        .values("line_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return (
        OrderLine.objects.using(alias)
        .filter(pk__any_of=ids)
        .order_by()
        .values_list("pk", Subquery(shipped), Subquery(returned))
    )


@functools.lru_cache(maxsize=8)
def _facts_query(alias: str) -> IdsStatement:
    """The statement of `shipped_and_returned`, compiled once per process and database (the
    ORM built it for every page of the «Заказы» / «Архив» table), the ids one parameter."""
    return ids_statement(functools.partial(_facts_queryset, alias), alias)


def shipped_and_returned(line_ids: Iterable[int]) -> dict[int, tuple[datetime | None, int]]:
    """When each line entered «Отгружен» (its latest such history row; None without one) and
    its pieces returned or being returned (`returned_quantities`), in one query (issue 13: a
    page of the «Заказы» / «Архив» table paid a round trip and an ORM query for each):
    `{line_id: (shipped_at, pieces)}` for the lines that exist."""
    ids = list(dict.fromkeys(line_ids))
    if not ids:
        return {}
    alias = router.db_for_read(OrderLine)
    rows = _facts_query(alias).rows(alias, ids)
    return {pk: (at, total or 0) for pk, at, total in rows}


def last_return_day(line: OrderLine, shipped_at: datetime) -> date:
    return timezone.localdate(shipped_at) + timedelta(days=line.return_days)


def check(
    line: OrderLine, *, shipped_at: datetime | None, returned: int, today: date | None = None
) -> Eligibility:
    """The rule for one line (`line.status` loaded), given what the two reads above found."""
    if line.status.role != OrderStatus.Role.SHIPPED:
        return Eligibility(False, NOT_SHIPPED, returned=returned)
    if not line.is_returnable:
        return Eligibility(False, NOT_RETURNABLE, returned=returned)
    shipped_at = shipped_at or line.status_changed_at
    last_day = last_return_day(line, shipped_at)
    today = today or timezone.localdate()
    if today > last_day:
        shipped_day = timezone.localdate(shipped_at)
        return Eligibility(
            False,
            f"Срок возврата истёк {last_day:%d.%m.%Y}: вернуть товар можно было в течение "
            f"{_days(line.return_days)} после отгрузки ({shipped_day:%d.%m.%Y}).",
            shipped_at=shipped_at,
            last_day=last_day,
            returned=returned,
        )
    available = max(line.quantity - returned, 0)
    if available == 0:
        return Eligibility(
            False,
            f"Все {line.quantity} шт. этой позиции уже возвращены или оформлены в возврат.",
            shipped_at=shipped_at,
            last_day=last_day,
            returned=returned,
        )
    return Eligibility(
        True, shipped_at=shipped_at, last_day=last_day, returned=returned, available=available
    )


def eligibility_for(line: OrderLine) -> Eligibility:
    """The rule for one line, read fresh (one query)."""
    shipped_at, returned = shipped_and_returned([line.pk]).get(line.pk, (None, 0))
    return check(line, shipped_at=shipped_at, returned=returned)


def eligibility_for_lines(lines: list[OrderLine]) -> dict[int, Eligibility]:
    """The rule for every line of a page (`line.status` loaded), by line id.

    Lines that are not shipped or not returnable are refused without a query; the others
    cost one query in all, whatever their number.
    """
    ids = [
        line.pk
        for line in lines
        if line.status.role == OrderStatus.Role.SHIPPED and line.is_returnable
    ]
    facts = shipped_and_returned(ids)
    today = timezone.localdate()
    verdicts = {}
    for line in lines:
        shipped_at, returned = facts.get(line.pk, (None, 0))
        verdicts[line.pk] = check(line, shipped_at=shipped_at, returned=returned, today=today)
    return verdicts


def line_actions_provider(lines: list[OrderLine]) -> dict[int, list[LineAction]]:
    """The orders hook: «Создать возврат» for each line of the page that may be returned.

    Lines that are not shipped or not returnable cost nothing; the others one query in all.
    """
    actions: dict[int, list[LineAction]] = {}
    for line_id, verdict in eligibility_for_lines(lines).items():
        if verdict.allowed:
            actions[line_id] = [
                LineAction(
                    label="Создать возврат",
                    url=reverse_object("returns:create", line_id),
                    name="line-return",
                    hint=f"Вернуть до {verdict.last_day:%d.%m.%Y} включительно",
                )
            ]
    return actions


def returned_pieces_provider(lines: list[OrderLine]) -> dict[int, int]:
    """For `orders.hooks.on_returned_pieces`: the pieces of each line that returns pay back
    or are paying back (every return but «Отклонён»), so a later refusal of the line does
    not pay them a second time. One query."""
    return returned_quantities(line.pk for line in lines)
