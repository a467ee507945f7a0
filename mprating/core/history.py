"""The one audit/history helper: every "who changed what, when, why" record goes through it.

DESIGN.md §5: «Every state change an operator or manager makes is recorded with who and when,
through the one audit/history helper». Each domain keeps its own append-only history table (a
line's status history is read by the cabinet and by notifications, a client's access history
by the back office), and every such table inherits `HistoryEntry`, so they all have the same
three columns — `changed_by` (empty: the system or the client), `changed_at`, `comment` — and
are written only by `history_record` / `history_record_many`, in the same transaction as the
change they describe.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class HistoryEntry(models.Model):
    """Abstract base of every history table: who, when and why."""

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто изменил",
    )
    changed_at = models.DateTimeField("когда", default=timezone.now, db_index=False)
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-id"]


H = TypeVar("H", bound=HistoryEntry)


def _actor(by: Any) -> Any:
    """A person or None; an anonymous user (a system action in a request) counts as None."""
    if by is None or not getattr(by, "is_authenticated", False):
        return None
    return by


def history_record(
    model: type[H],
    *,
    by: Any,
    comment: str = "",
    at: datetime | None = None,
    **fields: Any,
) -> H:
    """Write one history row of `model` (a `HistoryEntry` subclass) with who, when and why."""
    return model.objects.create(
        changed_by=_actor(by),
        changed_at=at or timezone.now(),
        comment=(comment or "").strip(),
        **fields,
    )


def history_record_many(
    model: type[H],
    rows: Iterable[dict[str, Any]],
    *,
    by: Any,
    comment: str = "",
    at: datetime | None = None,
) -> list[H]:
    """Write many history rows in one statement, all with the same who, when and why."""
    moment = at or timezone.now()
    actor = _actor(by)
    text = (comment or "").strip()
    return model.objects.bulk_create(
        [model(changed_by=actor, changed_at=moment, comment=text, **row) for row in rows]
    )


def history_of(queryset: models.QuerySet[H]) -> models.QuerySet[H]:
    """A history queryset shaped for display: newest first, the person joined in one query."""
    return queryset.select_related("changed_by").order_by("-changed_at", "-id")
