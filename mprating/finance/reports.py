"""Figures of a period read through the accounting gateway: the page and the акт share them.

A period is given in calendar days (Moscow time) from `start` to `end` inclusive; it covers the
moments `[start 00:00, end + 1 day 00:00)`. Opening balance + Σ credit − Σ debit = closing
balance, for any period (tested with random ledgers).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from mprating.core.money import ZERO, format_rub
from mprating.finance.gateway import AccountingGateway, Freshness, Movement, freshness


@dataclass(frozen=True)
class PeriodProblem:
    field: str
    message: str


def period_problem(
    start: date | None, end: date | None, *, max_days: int, what: str
) -> PeriodProblem | None:
    """The one rule for a period a client asks for (page and акт): None when it is fine."""
    if start is None:
        return PeriodProblem("date_from", "Укажите дату начала периода.")
    if end is None:
        return PeriodProblem("date_to", "Укажите дату окончания периода.")
    today = timezone.localdate()
    if start > end:
        return PeriodProblem("date_to", "Дата окончания раньше даты начала.")
    if end > today:
        return PeriodProblem(
            "date_to", f"Дата окончания не может быть позже сегодняшней ({today:%d.%m.%Y})."
        )
    if start < date(2000, 1, 1):
        return PeriodProblem("date_from", "Дата начала не может быть раньше 01.01.2000.")
    days = (end - start).days + 1
    if days > max_days:
        return PeriodProblem(
            "date_from", f"Период {what} не длиннее {max_days} {days_word(max_days)}."
        )
    return None


def recent_period() -> tuple[date, date]:
    """Seed 004 «за последние две недели»: FINANCE_RECENT_DAYS days up to today inclusive —
    the operations «Финансы» shows when no period is chosen."""
    today = timezone.localdate()
    return today - timedelta(days=settings.FINANCE_RECENT_DAYS - 1), today


def days_word(count: int) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return "дня"  # «не длиннее 31 дня»
    return "дней"


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The moments `[start 00:00, end + 1 day 00:00)` in the current (Moscow) time zone."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


@dataclass(frozen=True)
class Row:
    movement: Movement
    balance_after: Decimal


@dataclass(frozen=True)
class PeriodReport:
    start: date
    end: date
    opening: Decimal
    rows: list[Row]
    debit_total: Decimal
    credit_total: Decimal
    closing: Decimal
    source: str
    freshness: Freshness

    @property
    def count(self) -> int:
        return len(self.rows)


def period_report(gateway: AccountingGateway, client, *, start: date, end: date) -> PeriodReport:
    """Opening balance, every movement with the balance after it, turnovers, closing balance."""
    moment_from, moment_to = period_bounds(start, end)
    opening = gateway.balance(client, at=moment_from)
    movements = gateway.movements(client, start=moment_from, end=moment_to)
    running = opening
    rows = []
    debit_total = credit_total = ZERO
    for movement in movements:
        running += movement.credit - movement.debit
        debit_total += movement.debit
        credit_total += movement.credit
        rows.append(Row(movement, running))
    return PeriodReport(
        start=start,
        end=end,
        opening=opening,
        rows=rows,
        debit_total=debit_total,
        credit_total=credit_total,
        closing=opening + credit_total - debit_total,
        source=gateway.name,
        freshness=freshness(gateway, client),
    )


def debt_sentence(*, closing: Decimal, on: date, store: str, client: str) -> str:
    """«На 31.03.2026 задолженность в пользу ООО «…» составляет 1 234,50 руб.»

    Our balance is credit − debit: below zero the client owes the store, above zero the store
    owes the client (an advance on account).
    """
    if closing == 0:
        return f"На {on:%d.%m.%Y} задолженность отсутствует."
    creditor = store if closing < 0 else client
    amount = format_rub(abs(closing)).replace("\u00a0₽", "")
    return f"На {on:%d.%m.%Y} задолженность в пользу {creditor} составляет {amount} руб."
