"""Reads for the back office «Пользователи» section and its dashboard."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from mprating.accounts.models import Client, ClientStatusChange
from mprating.core.history import history_of


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
