"""Reads of the notifications app (constant query counts)."""

from datetime import datetime, timedelta

from django.db.models import BooleanField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.notifications.models import StatusEmailPreference
from mprating.orders.models import OrderStatus, StatusChange

#: Seed 004: «обычно оставляют только уведомления “Отказ” и “Отгружен”» — by role, not by name.
KEY_ROLES = (OrderStatus.Role.REFUSED, OrderStatus.Role.SHIPPED)


def offered_statuses() -> QuerySet[OrderStatus]:
    """Statuses a client may get e-mails about («можно уведомлять клиента»), in chain order."""
    return OrderStatus.objects.filter(notify_client=True).order_by("sort_order", "name")


def preferences_for_client(*, client: Client) -> list[OrderStatus]:
    """The offered statuses, each with `email_enabled` (no row means ON) — one query."""
    own = StatusEmailPreference.objects.filter(client=client, status=OuterRef("pk"))
    return list(
        offered_statuses().annotate(
            email_enabled=Coalesce(
                Subquery(own.values("email_enabled")[:1]),
                Value(True),
                output_field=BooleanField(),
            ),
        )
    )


# The only two places that name the moment of an orders `StatusChange`.


def change_time(change: StatusChange) -> datetime:
    """When the status change happened."""
    return change.changed_at


def unnotified_change_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Changes of the last day that were never handled and are older than a few minutes."""
    now = now or timezone.now()
    return list(
        StatusChange.objects.filter(
            notified_at__isnull=True,
            changed_at__gte=now - timedelta(days=1),
            changed_at__lte=now - timedelta(minutes=2),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
