"""Reads for the cabinet frame and the back office «Пользователи» section."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Value

from mprating.accounts.models import Client, ClientStatusChange
from mprating.core.history import history_of
from mprating.core.money import ZERO
from mprating.garage.selectors import unread_for_client_total
from mprating.orders.models import OrderLine, OrderStatus


@dataclass(frozen=True)
class StatusCount:
    name: str
    colour: str
    count: int


@dataclass(frozen=True)
class CabinetSummary:
    """Seed 004: «Баланс … всегда выводится в левом фрейме над статусами заказов».

    `status_counts` are the client's order positions (lines of orders not in the archive)
    per status, in the order of «Настройки → Статусы». The balance stays zero until the
    finance part (ledger) exists: no client can have money on account before it does.
    """

    balance: Decimal = ZERO
    status_counts: list[StatusCount] = field(default_factory=list)
    unread_chat: int = 0
    refusals_total: int = 0
    refusals_unseen: int = 0

    @property
    def refusals_label(self) -> str:
        """Seed 004: «значок, указывающий какое количество из общего числа отказов не было
        просмотрено пользователем» — «2 из 5 отказов не просмотрены»."""
        total, unseen = self.refusals_total, self.refusals_unseen
        if not unseen:
            return "Все отказы просмотрены"
        noun = "отказа" if total % 10 == 1 and total % 100 != 11 else "отказов"
        verb = "не просмотрен" if unseen % 10 == 1 and unseen % 100 != 11 else "не просмотрены"
        return f"{unseen} из {total} {noun} {verb}"


def cabinet_summary(*, client: Client) -> CabinetSummary:
    """The left frame of the cabinet: two queries, whatever the number of lines.

    Positions by status, the manager's chat messages the client has not read yet (shown
    as a badge on «VIN-запросы»), and the client's refusals — all of them, archived
    included — with how many are not seen yet (the badge on «Заказы»)."""
    fields = ("status_id", "status__name", "status__colour", "status__sort_order")
    # One query (UNION ALL of two grouped reads, each on its own index): the positions of
    # orders in work per status (kind 0) and all refusals, archive included (kind 1).
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
    return CabinetSummary(
        balance=ZERO,
        unread_chat=unread_for_client_total(client),
        refusals_total=sum(row["count"] for row in refused),
        refusals_unseen=sum(row["unseen"] for row in refused),
        status_counts=[
            StatusCount(name=row["status__name"], colour=row["status__colour"], count=row["count"])
            for row in status_rows
        ],
    )


def clients_for_backoffice() -> QuerySet[Client]:
    return Client.objects.select_related("user")


def client_status_history(*, client_id: int) -> QuerySet[ClientStatusChange]:
    return history_of(ClientStatusChange.objects.filter(client_id=client_id))


@dataclass(frozen=True)
class ClientCounts:
    total: int
    active: int
    blocked: int
    new_last_7_days: int


def client_counts(*, since) -> ClientCounts:
    """One aggregate query for the back office dashboard."""
    row = Client.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(user__is_active=True)),
        new=Count("id", filter=Q(created_at__gte=since)),
    )
    return ClientCounts(
        total=row["total"],
        active=row["active"],
        blocked=row["total"] - row["active"],
        new_last_7_days=row["new"],
    )
