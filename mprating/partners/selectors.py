"""Reads of the partner area and the statistics of a point (seed 000 «Смотреть статистику
партнёрского ПВЗ»), for the back office page and the owner's area alike.

Where the numbers come from:

- arrivals, hand-outs and returns in a period: the point's day totals (`PointDay`) of its
  events, taken from the lines' status history by `events.point_events_sync` — a line
  reaching the «at the point» status (`PartnerSettings.at_point_status`, «В ПВЗ» by default)
  in an order to this point; then «Отгружен» (handed out) or «Отказ» (returned, the owner's
  «Возврат»), with how long it waited; the average days from arrival to hand-out are the
  mean of those waits;
- waiting now and overdue (waiting longer than `settings.PARTNER_OVERDUE_DAYS` days, by the
  line's `status_changed_at`): the lines themselves, live;
- buyouts: lines whose source is a marketplace buyout (what the marketplaces' buyouts deliver
  to the point), shown as a share of the arrivals and of what waits.

Every function runs a fixed number of aggregate queries, whatever the number of points, lines
and events: grouping and counting happen in SQL, on indexed ranges.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth, TruncWeek
from django.urls import reverse
from django.utils import timezone

from mprating.accounts.models import User
from mprating.core.desk import DeskCard
from mprating.orders.models import OrderLine, OrderStatus, Source
from mprating.partners.models import PartnerApplication, PartnerSettings, PointDay
from mprating.pickup_points.models import PickupPoint

WEEK, MONTH = "week", "month"
MONTHS = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]


def at_point_status() -> OrderStatus | None:
    """The status «the line waits at the pickup point» (one query), or None if unset."""
    row = PartnerSettings.objects.select_related("at_point_status").filter(pk=1).first()
    return row.at_point_status if row is not None else None


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end` inclusive (Moscow time), grouped by week or month."""

    start: date
    end: date
    grouping: str = WEEK

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def label(self) -> str:
        return f"{self.start:%d.%m.%Y} — {self.end:%d.%m.%Y}"

    def bucket_starts(self) -> list[date]:
        if self.grouping == MONTH:
            day, starts = self.start.replace(day=1), []
            while day <= self.end:
                starts.append(day)
                day = (day + timedelta(days=32)).replace(day=1)
            return starts
        day = self.start - timedelta(days=self.start.weekday())
        starts = []
        while day <= self.end:
            starts.append(day)
            day += timedelta(days=7)
        return starts

    def bucket_label(self, start: date) -> str:
        if self.grouping == MONTH:
            return f"{MONTHS[start.month - 1]} {start.year}"
        return f"{start:%d.%m}–{start + timedelta(days=6):%d.%m}"


def default_period(today: date | None = None, grouping: str = WEEK) -> Period:
    """The last 12 full weeks and this one."""
    today = today or timezone.localdate()
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=12)
    return Period(start=start, end=today, grouping=grouping)


@dataclass
class Bucket:
    start: date
    label: str
    arrived: int = 0
    buyouts: int = 0
    handed_out: int = 0
    returned: int = 0


@dataclass
class PointNow:
    """What waits at a point right now."""

    waiting: int = 0
    waiting_buyouts: int = 0
    overdue: int = 0


@dataclass
class PointStats:
    period: Period
    status_name: str | None
    now: PointNow
    arrived: int = 0
    buyouts: int = 0
    handed_out: int = 0
    returned: int = 0
    avg_days_to_hand_out: Decimal | None = None
    buckets: list[Bucket] = field(default_factory=list)
    synced_at: datetime | None = None

    @property
    def configured(self) -> bool:
        return self.status_name is not None


def overdue_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.PARTNER_OVERDUE_DAYS)


def points_now(point_ids: list[int], *, status: OrderStatus | None) -> dict[int, PointNow]:
    """Waiting and overdue lines of many points in one grouped query."""
    result = {pk: PointNow() for pk in point_ids}
    if status is None or not point_ids:
        return result
    rows = (
        OrderLine.objects.filter(status=status, order__pickup_point_id__in=point_ids)
        .values("order__pickup_point_id")
        .annotate(
            waiting=Count("id"),
            buyouts=Count("id", filter=Q(source=Source.MARKETPLACE)),
            overdue=Count("id", filter=Q(status_changed_at__lt=overdue_cutoff())),
        )
    )
    for row in rows:
        result[row["order__pickup_point_id"]] = PointNow(
            waiting=row["waiting"], waiting_buyouts=row["buyouts"], overdue=row["overdue"]
        )
    return result


def handed_out_by_point(point_ids: list[int], *, since: date) -> dict[int, int]:
    """How many lines each point handed out from the day `since` on (one grouped query)."""
    if not point_ids:
        return {}
    rows = (
        PointDay.objects.filter(point_id__in=point_ids, day__gte=since)
        .values("point_id")
        .annotate(count=Sum("handed_out"))
    )
    return {row["point_id"]: row["count"] for row in rows}


def _trunc(grouping: str):
    kind = TruncMonth if grouping == MONTH else TruncWeek
    return kind("day", output_field=DateField())


def point_statistics(*, point: PickupPoint, period: Period) -> PointStats:
    """Seed 000 «Смотреть статистику партнёрского ПВЗ» for one point and period: three queries
    (the settings, what waits now, the period's events by week or month)."""
    settings_row = PartnerSettings.objects.select_related("at_point_status").filter(pk=1).first()
    status = settings_row.at_point_status if settings_row else None
    stats = PointStats(
        period=period,
        status_name=status.name if status else None,
        now=points_now([point.pk], status=status)[point.pk],
        synced_at=settings_row.events_synced_at if settings_row else None,
    )
    buckets = {
        start: Bucket(start=start, label=period.bucket_label(start))
        for start in period.bucket_starts()
    }
    stats.buckets = list(buckets.values())
    rows = (
        PointDay.objects.filter(point=point, day__gte=period.start, day__lte=period.end)
        .annotate(bucket=_trunc(period.grouping))
        .values("bucket")
        .annotate(
            arrived=Sum("arrived"),
            buyouts=Sum("buyouts"),
            handed_out=Sum("handed_out"),
            returned=Sum("returned"),
            waited=Sum("waited"),
        )
    )
    total_wait = timedelta(0)
    for row in rows:
        bucket = buckets.get(row["bucket"])
        if bucket is not None:
            bucket.arrived, bucket.buyouts = row["arrived"], row["buyouts"]
            bucket.handed_out, bucket.returned = row["handed_out"], row["returned"]
        if row["waited"] is not None:
            total_wait += row["waited"]
    stats.arrived = sum(b.arrived for b in stats.buckets)
    stats.buyouts = sum(b.buyouts for b in stats.buckets)
    stats.handed_out = sum(b.handed_out for b in stats.buckets)
    stats.returned = sum(b.returned for b in stats.buckets)
    if stats.handed_out:
        days = Decimal(total_wait.total_seconds()) / Decimal(86400) / stats.handed_out
        stats.avg_days_to_hand_out = days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return stats


# ---- the owner's area --------------------------------------------------------------------


def points_of_owner(owner: User) -> QuerySet[PickupPoint]:
    return PickupPoint.objects.filter(owner=owner).order_by("name", "pk")


def point_of_owner(owner: User, point_id: object) -> PickupPoint | None:
    """The owner's point, or None for any other id (the caller answers 404)."""
    try:
        pk = int(point_id)
    except (TypeError, ValueError):
        return None
    return points_of_owner(owner).filter(pk=pk).first()


def lines_waiting_at(point_ids: list[int], *, status: OrderStatus | None) -> QuerySet[OrderLine]:
    """Lines waiting at these points (the owner's, looked up through the owner by the
    caller), the longest waiting first (one query). The points are given by id, so the
    database starts from the few lines in the status, not from every order of the points."""
    if status is None or not point_ids:
        return OrderLine.objects.none()
    return (
        OrderLine.objects.filter(status=status, order__pickup_point_id__in=point_ids)
        .select_related("order__client__user", "order__pickup_point")
        .order_by("status_changed_at", "pk")
    )


def mask_phone(e164: str) -> str:
    """«+7 ••• •••-45-67»: the owner checks the last four digits with the client, no more."""
    digits = [c for c in e164 if c.isdigit()]
    if len(digits) < 5:
        return "•" * len(digits)
    country = "7" if e164.startswith("+7") else ""
    hidden = len(digits) - len(country) - 4
    tail = "".join(digits[-4:])
    masked = "•" * hidden
    groups = " ".join(masked[i : i + 3] for i in range(0, len(masked), 3))
    prefix = f"+{country} " if country else "+"
    return f"{prefix}{groups}-{tail[:2]}-{tail[2:]}"


def applications_pending_count() -> int:
    return PartnerApplication.objects.filter(status=PartnerApplication.Status.NEW).count()


def desk_cards() -> list[DeskCard]:
    """The back office home's card for «Подключенные ПВЗ»: applications from «Стать
    партнёром» waiting for a decision, linked to the list filtered the same way."""
    url = reverse("admin:partners_partnerapplication_changelist")
    return [
        DeskCard(
            title="Заявок партнёров ждут решения",
            value=applications_pending_count(),
            url=f"{url}?status={PartnerApplication.Status.NEW}",
        )
    ]
