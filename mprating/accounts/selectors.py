"""Reads for the cabinet frame and the back office «Пользователи» section."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from mprating.accounts.models import Client, ClientStatusChange
from mprating.core.money import ZERO
from mprating.garage.selectors import unread_for_client_total
from mprating.orders.models import OrderLine


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


def cabinet_summary(*, client: Client) -> CabinetSummary:
    """The left frame of the cabinet: two queries, whatever the number of lines.

    Positions by status, and the manager's chat messages the client has not read yet (shown
    as a badge on «VIN-запросы»)."""
    rows = (
        OrderLine.objects.filter(client=client, order__archived_at__isnull=True)
        .values("status_id", "status__name", "status__colour", "status__sort_order")
        .annotate(count=Count("id"))
        .order_by("status__sort_order", "status__name")
    )
    return CabinetSummary(
        balance=ZERO,
        unread_chat=unread_for_client_total(client),
        status_counts=[
            StatusCount(name=row["status__name"], colour=row["status__colour"], count=row["count"])
            for row in rows
        ],
    )


def clients_for_backoffice() -> QuerySet[Client]:
    return Client.objects.select_related("user")


def client_status_history(*, client_id: int) -> QuerySet[ClientStatusChange]:
    return ClientStatusChange.objects.filter(client_id=client_id).select_related("changed_by")


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
