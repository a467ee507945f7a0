"""Reads of the 1С adapter's own tables (no network)."""

from datetime import datetime

from django.db.models import QuerySet

from mprating.finance.gateway import Movement
from mprating.finance.onec.models import OneCClientState, OneCConnection, OneCMovement


def connection_settings() -> OneCConnection | None:
    return OneCConnection.objects.filter(pk=1).first()


def client_state(client_id: int) -> OneCClientState | None:
    return OneCClientState.objects.filter(client_id=client_id).first()


def cached_movements(
    state: OneCClientState, *, start: datetime | None = None, end: datetime | None = None
) -> list[Movement]:
    """The kept movements in [start, end), oldest first."""
    rows = OneCMovement.objects.filter(state=state)
    if start is not None:
        rows = rows.filter(occurred_at__gte=start)
    if end is not None:
        rows = rows.filter(occurred_at__lt=end)
    return [
        Movement(
            occurred_at=row.occurred_at,
            document=row.document,
            debit=row.debit,
            credit=row.credit,
            ref=row.ref,
        )
        for row in rows.order_by("occurred_at", "id")
    ]


def sync_states_for_backoffice() -> QuerySet[OneCClientState]:
    return OneCClientState.objects.select_related("client__user", "client__onec_link")
