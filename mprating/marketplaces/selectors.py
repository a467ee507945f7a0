"""Reads of marketplace accounts and buyouts: the effective status, the lists, the dashboard.

The one rule of an account's status (seed 000: «Активен / Неактивен / Занят»), computed in SQL
on every read so that filters, counts and sorting are right without any worker:

- «Неактивен» when an operator made it so, or when its service life has ended
  (`service_until` < today in Moscow);
- else «Занят» while «Войти вручную» holds it and the take is younger than
  `MARKETPLACE_TAKE_TIMEOUT_MINUTES`;
- else «Активен» (an expired take counts as free).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Least
from django.utils import timezone

from mprating.marketplaces.models import (
    AccountStatus,
    Buyout,
    BuyoutStatus,
    Marketplace,
    MarketplaceAccount,
    MarketplaceSettings,
)
from mprating.orders.models import Order, OrderLine, Source


@dataclass(frozen=True)
class Clock:
    """The moment the statuses are computed for: now, today in Moscow, the take cutoff."""

    now: datetime
    today: date
    take_cutoff: datetime


def clock(now: datetime | None = None) -> Clock:
    moment = now or timezone.now()
    return Clock(
        now=moment,
        today=timezone.localdate(moment),
        take_cutoff=moment - timedelta(minutes=settings.MARKETPLACE_TAKE_TIMEOUT_MINUTES),
    )


def status_q(status: str, at: Clock) -> Q:
    """Accounts whose effective status is `status` at `at` (usable in filter and Count)."""
    inactive = Q(status=AccountStatus.INACTIVE) | Q(service_until__lt=at.today)
    if status == AccountStatus.INACTIVE:
        return inactive
    in_service = ~Q(status=AccountStatus.INACTIVE) & Q(service_until__gte=at.today)
    held = Q(status=AccountStatus.BUSY, taken_at__gt=at.take_cutoff)
    if status == AccountStatus.BUSY:
        return in_service & held
    if status == AccountStatus.ACTIVE:
        return in_service & ~held
    raise ValueError(f"unknown account status {status!r}")


def status_expression(at: Clock) -> Case:
    return Case(
        When(status_q(AccountStatus.INACTIVE, at), then=Value(AccountStatus.INACTIVE.value)),
        When(status_q(AccountStatus.BUSY, at), then=Value(AccountStatus.BUSY.value)),
        default=Value(AccountStatus.ACTIVE.value),
        output_field=CharField(),
    )


def with_status(queryset: QuerySet[MarketplaceAccount], at: Clock | None = None):
    """`queryset` annotated with `effective_status` (the value of `AccountStatus`)."""
    return queryset.annotate(effective_status=status_expression(at or clock()))


def warning_days() -> int:
    """Seed 000: «через 30 дней…» — `MARKETPLACE_EXPIRY_WARNING_DAYS`."""
    return settings.MARKETPLACE_EXPIRY_WARNING_DAYS


def expiring_q(at: Clock, days: int | None = None) -> Q:
    """Accounts in service whose service life ends within `days` (default: the warning
    period): the last day of service is today … today + days − 1."""
    days = settings.MARKETPLACE_EXPIRY_WARNING_DAYS if days is None else days
    return ~Q(status=AccountStatus.INACTIVE) & Q(
        service_until__gte=at.today, service_until__lt=at.today + timedelta(days=days)
    )


def days_until_inactive(service_until: date, today: date) -> int:
    """In how many days the account becomes «Неактивен» (1 = tomorrow); 0 when it already is."""
    return max(0, (service_until - today).days + 1)


def has_buyouts_expression() -> Exists:
    """«Выкупы: есть»: the account has at least one buyout."""
    return Exists(Buyout.objects.filter(account=OuterRef("pk")))


def accounts_plain_for_backoffice() -> QuerySet[MarketplaceAccount]:
    """The accounts with their holder, without the computed columns: what the back office's
    list counts, filters and searches (`with_list_columns` is added to the page's rows)."""
    return MarketplaceAccount.objects.select_related("taken_by")


def with_list_columns(
    queryset: QuerySet[MarketplaceAccount], at: Clock | None = None
) -> QuerySet[MarketplaceAccount]:
    """`queryset` with the list's status and whether the account has buyouts."""
    return with_status(queryset, at).annotate(has_buyouts=has_buyouts_expression())


def accounts_for_backoffice(at: Clock | None = None) -> QuerySet[MarketplaceAccount]:
    """The accounts list: status, holder and whether it has buyouts, in one query per page."""
    return with_list_columns(accounts_plain_for_backoffice(), at)


def account_with_status(account_id: int, at: Clock | None = None) -> MarketplaceAccount | None:
    return accounts_for_backoffice(at).filter(pk=account_id).first()


@dataclass
class BuyoutSummary:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def open(self) -> int:
        """Buyouts still on their way (neither received nor cancelled)."""
        return sum(
            n
            for status, n in self.by_status.items()
            if status not in (BuyoutStatus.RECEIVED, BuyoutStatus.CANCELLED)
        )

    def rows(self) -> list[tuple[str, int]]:
        return [
            (status.label, self.by_status.get(status.value, 0))
            for status in BuyoutStatus
            if self.by_status.get(status.value)
        ]


def account_buyout_summary(account_id: int) -> BuyoutSummary:
    """Seed 000 «Имеет ли выкупы или нет учётная запись»: counts by status, one query."""
    summary = BuyoutSummary()
    for row in (
        Buyout.objects.filter(account_id=account_id)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        summary.by_status[row["status"]] = row["n"]
        summary.total += row["n"]
    return summary


def accounts_for_buyout(*, marketplace: str, actor, at: Clock | None = None):
    """Accounts a buyout of a `marketplace` line may be made with by `actor`: active ones and
    those `actor` holds himself («Войти вручную» first, then «Оформить выкуп»)."""
    at = at or clock()
    mine = status_q(AccountStatus.BUSY, at) & Q(taken_by=actor)
    return (
        with_status(MarketplaceAccount.objects.filter(marketplace=marketplace), at)
        .filter(status_q(AccountStatus.ACTIVE, at) | mine)
        .order_by("name", "id")
    )


def settings_row() -> MarketplaceSettings:
    """The settings singleton as it is (a missing row reads as zero targets, unsaved)."""
    return MarketplaceSettings.objects.filter(pk=1).first() or MarketplaceSettings(pk=1)


# ---- the dashboard («Разделу обязательно нужен дашборд») -------------------------------------


@dataclass
class MarketplaceCounts:
    marketplace: str
    title: str
    target: int = 0
    active: int = 0
    inactive: int = 0
    busy: int = 0
    expiring: int = 0

    @property
    def total(self) -> int:
        return self.active + self.inactive + self.busy

    @property
    def working(self) -> int:
        """Accounts that can be worked with: «Активен» and «Занят» (taken for a while, still in
        service). This is what the target of active accounts is compared with."""
        return self.active + self.busy

    @property
    def shortfall(self) -> int:
        """How many working accounts are missing to reach the target (0 when reached)."""
        return max(0, self.target - self.working)


@dataclass
class Dashboard:
    at: Clock
    rows: list[MarketplaceCounts]
    total: MarketplaceCounts
    expiring: list[MarketplaceAccount]
    forecast_labels: list[str]
    forecast: dict[str, list[int]]
    warning_days: int
    horizon_days: int


def account_counts(at: Clock) -> dict[str, MarketplaceCounts]:
    """Counts per marketplace in every status and expiring soon: one aggregate query."""
    rows = {
        value: MarketplaceCounts(marketplace=value, title=label)
        for value, label in Marketplace.choices
    }
    aggregates = (
        MarketplaceAccount.objects.values("marketplace")
        .annotate(
            active=Count("id", filter=status_q(AccountStatus.ACTIVE, at)),
            inactive=Count("id", filter=status_q(AccountStatus.INACTIVE, at)),
            busy=Count("id", filter=status_q(AccountStatus.BUSY, at)),
            expiring=Count("id", filter=expiring_q(at)),
        )
        .order_by()
    )
    for row in aggregates:
        counts = rows.get(row["marketplace"])
        if counts is None:
            continue
        counts.active, counts.inactive = row["active"], row["inactive"]
        counts.busy, counts.expiring = row["busy"], row["expiring"]
    return rows


def active_forecast(at: Clock, horizon_days: int) -> tuple[list[date], dict[str, list[int]]]:
    """Accounts in service on each of the next `horizon_days` days (today included), per
    marketplace, if nobody adds, extends or switches off an account: one query grouping by
    the last day of service cut at the horizon. Taken accounts count (they are in service)."""
    last = at.today + timedelta(days=horizon_days)
    days = [at.today + timedelta(days=offset) for offset in range(horizon_days + 1)]
    ends: dict[str, dict[date, int]] = {value: {} for value in Marketplace.values}
    for row in (
        MarketplaceAccount.objects.filter(
            ~Q(status=AccountStatus.INACTIVE), service_until__gte=at.today
        )
        .annotate(end=Least("service_until", Value(last, output_field=DateField())))
        .values("marketplace", "end")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if row["marketplace"] in ends:
            ends[row["marketplace"]][row["end"]] = row["n"]
    series: dict[str, list[int]] = {}
    for marketplace, by_end in ends.items():
        # In service on day d: accounts whose last day is d or later (a suffix sum).
        remaining = sum(by_end.values())
        values = []
        for day in days:
            values.append(remaining)
            remaining -= by_end.get(day, 0)
        series[marketplace] = values
    return days, series


def counts_with_targets(at: Clock) -> tuple[list[MarketplaceCounts], MarketplaceCounts]:
    """Counts and targets per marketplace and in total: two queries."""
    targets = settings_row()
    counts = account_counts(at)
    total = MarketplaceCounts(marketplace="", title="Всего")
    for row in counts.values():
        row.target = targets.target_for(row.marketplace)
        for name in ("target", "active", "inactive", "busy", "expiring"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return list(counts.values()), total


def dashboard(*, at: Clock | None = None, expiring_limit: int = 50) -> Dashboard:
    """Everything the dashboard shows, in four queries whatever the number of accounts."""
    at = at or clock()
    warning_days = settings.MARKETPLACE_EXPIRY_WARNING_DAYS
    rows, total = counts_with_targets(at)
    expiring = list(
        with_status(MarketplaceAccount.objects.select_related("taken_by"), at)
        .filter(expiring_q(at, warning_days))
        .order_by("service_until", "marketplace", "name", "id")[:expiring_limit]
    )
    horizon = 90
    days, series = active_forecast(at, horizon)
    series["total"] = [sum(values) for values in zip(*series.values(), strict=True)]
    return Dashboard(
        at=at,
        rows=rows,
        total=total,
        expiring=expiring,
        forecast_labels=[day.strftime("%d.%m") for day in days],
        forecast=series,
        warning_days=warning_days,
        horizon_days=horizon,
    )


# ---- buyouts ---------------------------------------------------------------------------------


def buyouts_for_backoffice() -> QuerySet[Buyout]:
    return Buyout.objects.select_related("account", "line__order", "pickup_point", "created_by")


def line_for_buyout(line_id: object):
    """A line with what «Оформить выкуп» shows of it (order, client, status, warehouse) and its
    buyouts that are not cancelled; None when there is no such line."""
    try:
        pk = int(line_id)
    except (TypeError, ValueError):
        return None
    return (
        OrderLine.objects.select_related(
            "order__pickup_point", "client__user", "status", "warehouse"
        )
        .prefetch_related(
            Prefetch(
                "buyouts",
                queryset=Buyout.objects.exclude(status=BuyoutStatus.CANCELLED).select_related(
                    "account"
                ),
                to_attr="open_buyouts",
            )
        )
        .filter(pk=pk)
        .first()
    )


def marketplace_lines_of_order(number: str):
    """The order with this number and its marketplace lines (with their open buyouts), for
    «Оформить выкуп» without a line: (None, []) when there is no such order."""
    order = (
        Order.objects.select_related("client__user").filter(number=number.strip().upper()).first()
    )
    if order is None:
        return None, []
    lines = list(
        OrderLine.objects.filter(order=order, source=Source.MARKETPLACE)
        .select_related("status", "warehouse")
        .prefetch_related(
            Prefetch(
                "buyouts",
                queryset=Buyout.objects.exclude(status=BuyoutStatus.CANCELLED).select_related(
                    "account"
                ),
                to_attr="open_buyouts",
            )
        )
        .order_by("pk")
    )
    return order, lines
