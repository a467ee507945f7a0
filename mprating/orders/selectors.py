"""Reads for checkout, the order page and the cabinet frame; each is a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.cart.selectors import cart_lines_for_client
from mprating.catalog.models import Offer
from mprating.core.money import ZERO, to_money
from mprating.orders.models import (
    ClientStatusCount,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    RefusalState,
)
from mprating.orders.services import cart_line_problem

_MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class CheckoutLine:
    cart_line_id: int
    brand_name: str
    article: str
    product_name: str
    warehouse_name: str
    delivery_days: int
    quantity: int
    price: Decimal
    amount: Decimal
    comment: str
    problem: str | None


@dataclass(frozen=True)
class CheckoutSummary:
    """The cart as checkout shows it: real prices (issue 3: «cart, orders and finance use
    the real price»), never the search markup."""

    lines: list[CheckoutLine]
    total: Decimal
    total_quantity: int

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)


def checkout_summary(*, client: Client) -> CheckoutSummary:
    """The client's cart lines with their offers: one query."""
    cart_lines = cart_lines_for_client(client=client)
    lines = []
    for cart_line in cart_lines:
        offer: Offer = cart_line.offer
        lines.append(
            CheckoutLine(
                cart_line_id=cart_line.pk,
                brand_name=offer.product.brand.name,
                article=offer.product.article,
                product_name=offer.product.name,
                warehouse_name=offer.warehouse.name,
                delivery_days=offer.delivery_days,
                quantity=cart_line.quantity,
                price=offer.price,
                amount=offer.price * cart_line.quantity,
                comment=cart_line.comment,
                problem=cart_line_problem(quantity=cart_line.quantity, offer=offer),
            )
        )
    return CheckoutSummary(
        lines=lines,
        total=sum((line.amount for line in lines), ZERO),
        total_quantity=sum(line.quantity for line in lines),
    )


def order_lines_with_status() -> QuerySet[OrderLine]:
    return OrderLine.objects.select_related("status").order_by("id")


def order_for_client(*, client: Client, number: str) -> Order:
    """The client's own order with its lines and their statuses (and the package that covered
    it): two queries; 404 otherwise."""
    order = (
        Order.objects.filter(client=client, number=number)
        .select_related("pickup_point", "package_purchase")
        .prefetch_related(Prefetch("lines", queryset=order_lines_with_status()))
        .first()
    )
    if order is None:
        raise Http404("Заказ не найден")
    return order


def order_lines_loaded(order: Order) -> bool:
    """Whether `order.lines.all()` is in memory (checkout's new order, `order_for_client`)."""
    return "lines" in getattr(order, "_prefetched_objects_cache", {})


def order_total(order: Order) -> Decimal:
    """Sum of the prefetched lines (no query)."""
    return sum((line.amount for line in order.lines.all()), ZERO)


@dataclass(frozen=True)
class StatusCount:
    name: str
    colour: str
    count: int


@dataclass(frozen=True)
class ClientPositions:
    """The client's order positions for the cabinet frame (seed 004, left frame).

    `status_counts`: lines of orders not in the archive, per status, in the order of
    «Настройки → Статусы». `refusals_total` / `refusals_unseen`: all the client's refused
    lines, archive included, and how many of them the client has not ticked as seen
    («значок, указывающий какое количество из общего числа отказов не было просмотрено»).
    """

    status_counts: list[StatusCount]
    refusals_total: int
    refusals_unseen: int


# The fields of a counter row `positions_from_counts` reads (also the columns of the cabinet
# frame's one statement, `cabinet.selectors`).
COUNT_KEYS = (
    "in_work",
    "total",
    "unseen",
    "status__name",
    "status__colour",
    "status__sort_order",
    "status__role",
)


def client_positions(*, client: Client) -> ClientPositions:
    """One query on the client's frame counters (`ClientStatusCount`, kept by the services that
    change lines), never on the lines: a few rows by the (client, status) unique index, whatever
    the number of lines — the positions in work per status and the refused lines («Отказ» role)
    with how many are unseen."""
    rows = (
        ClientStatusCount.objects.filter(client=client)
        .filter(Q(in_work__gt=0) | Q(status__role=OrderStatus.Role.REFUSED, total__gt=0))
        .values(*COUNT_KEYS)
    )
    return positions_from_counts(rows)


def positions_from_counts(rows: Iterable[dict]) -> ClientPositions:
    """The frame's positions from a client's `ClientStatusCount` rows joined to their status
    (keys `in_work`, `total`, `unseen`, `status__name`, `status__colour`, `status__sort_order`,
    `status__role`), whoever read them: `client_positions`, or the cabinet's one-statement
    frame read (`cabinet.selectors.cabinet_summary`). Rows at zero may be among them."""
    rows = sorted(rows, key=lambda row: (row["status__sort_order"], row["status__name"]))
    refused = [row for row in rows if row["status__role"] == OrderStatus.Role.REFUSED]
    return ClientPositions(
        status_counts=[
            StatusCount(
                name=row["status__name"], colour=row["status__colour"], count=row["in_work"]
            )
            for row in rows
            if row["in_work"]
        ],
        refusals_total=sum(row["total"] for row in refused),
        refusals_unseen=sum(row["unseen"] for row in refused),
    )


def client_positions_from_lines(*, client: Client) -> ClientPositions:
    """The same numbers counted from the lines (what the frame ran on every page until the
    counters came, issue 13): one query, UNION ALL of two grouped reads, each on its own index,
    but its cost grows with the client's lines. Kept as the reference the counters are tested
    against and for the benchmark (`bench/frame_cost.py`)."""
    fields = ("status_id", "status__name", "status__colour", "status__sort_order")
    positions = (
        # Driven from the client's orders (index on the order's client), not from the
        # lines: a client with 50,000 lines, nearly all archived, costs a few ms.
        OrderLine.objects.filter(order__client=client, order__archived_at__isnull=True)
        .values(*fields)
        .annotate(kind=Value(0), count=Count("id"), unseen=Value(0))
        .order_by()
    )
    refusals = (
        OrderLine.objects.filter(client=client, status__role=OrderStatus.Role.REFUSED)
        .values(*fields)
        .annotate(
            kind=Value(1), count=Count("id"), unseen=Count("id", filter=Q(refusal_seen=False))
        )
        .order_by()
    )
    rows = list(positions.union(refusals, all=True))
    status_rows = sorted(
        (row for row in rows if row["kind"] == 0),
        key=lambda row: (row["status__sort_order"], row["status__name"]),
    )
    refused = [row for row in rows if row["kind"] == 1]
    return ClientPositions(
        status_counts=[
            StatusCount(name=row["status__name"], colour=row["status__colour"], count=row["count"])
            for row in status_rows
        ],
        refusals_total=sum(row["count"] for row in refused),
        refusals_unseen=sum(row["unseen"] for row in refused),
    )


@dataclass(frozen=True)
class ClientOrderRow:
    pk: int
    number: str
    created_at: object
    payment_method: str
    lines: int
    total: Decimal
    archived: bool


def orders_of_client(*, client_id: int, limit: int) -> tuple[list[ClientOrderRow], int]:
    """The client's latest orders with their line count and sum (for the back office card of
    the client) and how many orders the client has: two queries, one when fewer than
    `limit`."""
    orders = Order.objects.filter(client_id=client_id)
    rows = list(
        orders.order_by("-created_at", "-id")
        .annotate(
            line_count=Count("lines"),
            total=Sum(
                F("lines__price") * F("lines__quantity"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
        )
        .values(
            "pk", "number", "created_at", "payment_method", "line_count", "total", "archived_at"
        )[:limit]
    )
    total = len(rows) if len(rows) < limit else orders.count()
    labels = dict(PaymentMethod.choices)
    return [
        ClientOrderRow(
            pk=row["pk"],
            number=row["number"],
            created_at=row["created_at"],
            payment_method=labels.get(row["payment_method"], row["payment_method"]),
            lines=row["line_count"],
            total=to_money(row["total"] or ZERO),
            archived=row["archived_at"] is not None,
        )
        for row in rows
    ], total


def orders_per_day(*, first_day: date, last_day: date) -> list[tuple[date, int]]:
    """Orders placed on each day from `first_day` to `last_day` (Moscow days, both included),
    zeros for days without orders: one grouped query over the `created_at` index."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first_day, time.min), zone)
    end = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min), zone)
    rows = (
        Order.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts = {row["day"]: row["count"] for row in rows}
    span = (last_day - first_day).days + 1
    days = [first_day + timedelta(days=offset) for offset in range(span)]
    return [(day, counts.get(day, 0)) for day in days]


def refusal_requests_waiting_rows() -> QuerySet[OrderLine]:
    """Lines whose client asked to refuse them and no manager has answered yet («Отказы на
    рассмотрении»), over the partial index `orders_line_refusal_requested`."""
    return OrderLine.objects.filter(refusal_state=RefusalState.REQUESTED)


def refusal_requests_waiting() -> int:
    return refusal_requests_waiting_rows().count()


def client_orders(*, client: Client, archived: bool) -> QuerySet[Order]:
    """The client's orders in work (or in «Архив») with their line count, sum and whether all
    lines are final («Убрать в архив» is offered): one grouped query per page."""
    open_lines = OrderLine.objects.filter(order_id=OuterRef("pk"), status__is_final=False)
    return (
        Order.objects.filter(client=client, archived_at__isnull=not archived)
        .select_related("pickup_point")
        .annotate(
            line_count=Count("lines"),
            total=Coalesce(
                Sum(F("lines__price") * F("lines__quantity"), output_field=_MONEY),
                Value(ZERO),
                output_field=_MONEY,
            ),
            all_final=~Exists(open_lines),
        )
    )


def client_order_id(*, client: Client, number: str) -> int:
    """The id of the client's order by its number; another client's or unknown → 404."""
    pk = Order.objects.filter(client=client, number=number).values_list("pk", flat=True).first()
    if pk is None:
        raise Http404("Заказ не найден")
    return pk
