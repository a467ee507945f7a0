"""Writes of the notifications app: the client's switches and the status letters.

Seed 004 («Уведомления»): «возможность подавить некоторые системные оповещения по
электронной почте, которые генерируются автоматически … обычно оставляют только уведомления
“Отказ” и “Отгружен”, а остальные отслеживают в личном кабинете».

Delivery is at-least-once and never blocks a manager. `status_emails_prepare` (one short
transaction) locks the not yet notified status changes, decides per client preference and
`notify_client`, writes one letter per order into the core outbox (kind `order_status`, ref
«orders.order:<id>») and sets `notified_at` on every change it handled (sent or skipped) — a
second run finds nothing to do. Sending, retries with backoff, giving up and «Отправить снова»
are the outbox's (`mprating.core.outbox`).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core import outbox
from mprating.core.errors import ApplicationError
from mprating.core.models import OutgoingEmail
from mprating.notifications.models import StatusEmailPreference
from mprating.notifications.selectors import (
    KEY_ROLES,
    change_time,
    offered_statuses,
    unnotified_change_ids,
)
from mprating.orders.models import OrderStatus, StatusChange

logger = logging.getLogger(__name__)

KIND = "order_status"
TEMPLATE_BASE = "notifications/email/status"


# --- the client's switches ------------------------------------------------------------------


def _parse_ids(values) -> set[int]:
    ids = set()
    for value in values:
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise ApplicationError(
                "invalid",
                "Не удалось разобрать список статусов. Обновите страницу.",
                field="status",
            ) from None
    return ids


@transaction.atomic
def preferences_save(*, client: Client, enabled_status_ids) -> int:
    """Save the switches of the «Уведомления» page: every offered status gets a row, ON when
    its id is in `enabled_status_ids`. Ids of statuses that are not offered are ignored.
    Returns how many statuses are ON."""
    enabled = _parse_ids(enabled_status_ids)
    Client.objects.select_for_update().filter(pk=client.pk).first()  # serialise one client's saves
    status_ids = list(offered_statuses().values_list("pk", flat=True))
    rows = [
        StatusEmailPreference(client=client, status_id=pk, email_enabled=pk in enabled)
        for pk in status_ids
    ]
    StatusEmailPreference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["client", "status"],
        update_fields=["email_enabled", "updated_at"],
    )
    return sum(1 for row in rows if row.email_enabled)


def preferences_keep_only_key(*, client: Client) -> int:
    """«Оставить только Отказ и Отгружен» (seed 004) — the statuses with those roles."""
    key_ids = OrderStatus.objects.filter(role__in=KEY_ROLES).values_list("pk", flat=True)
    return preferences_save(client=client, enabled_status_ids=list(key_ids))


def preferences_enable_all(*, client: Client) -> int:
    """«Включить все»: back to the default."""
    return preferences_save(
        client=client, enabled_status_ids=list(offered_statuses().values_list("pk", flat=True))
    )


# --- preparing the e-mails --------------------------------------------------------------------


@dataclass(frozen=True)
class EmailLine:
    brand: str
    article: str
    name: str
    quantity: int
    status_name: str
    status_colour: str
    changed_at: datetime
    comment: str


def _latest_per_line(changes: list[StatusChange]) -> list[StatusChange]:
    latest: dict[int, StatusChange] = {}
    for change in sorted(changes, key=lambda c: (change_time(c), c.pk)):
        latest[change.line_id] = change
    return sorted(latest.values(), key=lambda c: c.line_id)


def _context(*, order, client: Client, lines: list[EmailLine]) -> dict:
    site = settings.SITE_URL
    return {
        "order": order,
        "client": client,
        "lines": lines,
        "site_url": site,
        "cabinet_url": site + reverse("cabinet:home"),
        "preferences_url": site + reverse("notifications:preferences"),
    }


@transaction.atomic
def status_emails_prepare(*, change_ids, now: datetime | None = None) -> list[OutgoingEmail]:
    """Turn not yet notified status changes into outbox letters, one per order.

    Locks the changes (pk order; rows already notified by a concurrent run drop out), keeps per
    line its latest change, skips lines whose status does not allow e-mail or that the client
    switched off, and marks every handled change `notified_at` — skipped ones too. The caller
    (a background task, or the outbox sweep) sends the returned letters after this commits.
    """
    now = now or timezone.now()
    ids = sorted(_parse_ids(change_ids))
    if not ids:
        return []
    changes = list(
        StatusChange.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, notified_at__isnull=True)
        .select_related("status", "line__order__client__user")
        .order_by("pk")
    )
    if not changes:
        return []
    StatusChange.objects.filter(pk__in=[c.pk for c in changes]).update(notified_at=now)

    client_ids = {c.line.client_id for c in changes}
    switched_off = set(
        StatusEmailPreference.objects.filter(
            client_id__in=client_ids, email_enabled=False
        ).values_list("client_id", "status_id")
    )
    by_order: dict[int, list[StatusChange]] = defaultdict(list)
    for change in changes:
        by_order[change.line.order_id].append(change)

    drafts = []
    for changes_of_order in by_order.values():
        order = changes_of_order[0].line.order
        client = order.client
        to_email = client.user.email
        lines = [
            EmailLine(
                brand=c.line.brand_name,
                article=c.line.article,
                name=c.line.product_name,
                quantity=c.line.quantity,
                status_name=c.status.name,
                status_colour=c.status.colour,
                changed_at=change_time(c),
                comment=c.line.manager_comment,
            )
            for c in _latest_per_line(changes_of_order)
            if c.status.notify_client and (client.pk, c.status_id) not in switched_off
        ]
        if not lines or not to_email:
            continue
        drafts.append(
            outbox.email_draft_rendered(
                kind=KIND,
                to=[to_email],
                template_base=TEMPLATE_BASE,
                context=_context(order=order, client=client, lines=lines),
                ref=outbox.ref_for(order),
            )
        )
    return outbox.email_enqueue_many(drafts, deliver_after_commit=False)


def status_emails_prepare_pending() -> list[OutgoingEmail]:
    """The outbox sweep's part (registered with `outbox.on_sweep`): changes of the last day
    that no task handled (the task was lost or failed before preparing), older than a few
    minutes (the normal path had its chance), become letters; the sweep then sends them."""
    change_ids = unnotified_change_ids()
    return status_emails_prepare(change_ids=change_ids) if change_ids else []
