"""Writes of the notifications app: the client's switches and the status e-mails.

Seed 004 («Уведомления»): «возможность подавить некоторые системные оповещения по
электронной почте, которые генерируются автоматически … обычно оставляют только уведомления
“Отказ” и “Отгружен”, а остальные отслеживают в личном кабинете».

Delivery is at-least-once and never blocks a manager:
1. `status_emails_prepare` (one short transaction) locks the not yet notified status changes,
   decides per client preference and `notify_client`, writes one outbox row
   (`StatusEmail`) per order with the rendered e-mail, and sets `notified_at` on every change it
   handled (sent or skipped) — a second run finds nothing to do.
2. `status_email_send` claims one outbox row with a conditional UPDATE (a lease, no lock held),
   sends it outside any transaction, then records `sent_at` — or the error and the time of the
   next attempt (1, 5, 15, 60 minutes, then hourly, up to MAX_ATTEMPTS).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core.errors import ApplicationError
from mprating.notifications.models import StatusEmail, StatusEmailPreference
from mprating.notifications.selectors import KEY_ROLES, offered_statuses
from mprating.orders.models import OrderStatus, StatusChange

logger = logging.getLogger(__name__)

RETRY_DELAYS_MINUTES = (1, 5, 15, 60)
MAX_ATTEMPTS = 30  # 1 + 5 + 15 + 60 minutes, then hourly: about a day of retries
LEASE = timedelta(minutes=10)


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
    for change in sorted(changes, key=lambda c: (c.changed_at, c.pk)):
        latest[change.line_id] = change
    return sorted(latest.values(), key=lambda c: c.line_id)


def _render(*, order, client: Client, lines: list[EmailLine]) -> tuple[str, str, str]:
    site = settings.SITE_URL
    context = {
        "order": order,
        "client": client,
        "lines": lines,
        "site_url": site,
        "cabinet_url": site + reverse("cabinet:home"),
        "preferences_url": site + reverse("notifications:preferences"),
    }
    subject = render_to_string("notifications/email/status_subject.txt", context)
    subject = " ".join(subject.split())
    text = render_to_string("notifications/email/status.txt", context)
    html = render_to_string("notifications/email/status.html", context)
    return subject, text, html


@transaction.atomic
def status_emails_prepare(*, change_ids, now: datetime | None = None) -> list[StatusEmail]:
    """Turn not yet notified status changes into outbox e-mails, one per order.

    Locks the changes (pk order; rows already notified by a concurrent run drop out), keeps per
    line its latest change, skips lines whose status does not allow e-mail or that the client
    switched off, and marks every handled change `notified_at` — skipped ones too.
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

    emails = []
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
                changed_at=c.changed_at,
                comment=c.line.manager_comment,
            )
            for c in _latest_per_line(changes_of_order)
            if c.status.notify_client and (client.pk, c.status_id) not in switched_off
        ]
        if not lines or not to_email:
            continue
        subject, text, html = _render(order=order, client=client, lines=lines)
        emails.append(
            StatusEmail(
                client=client,
                order=order,
                to_email=to_email,
                subject=subject[:255],
                body_text=text,
                body_html=html,
                lines_count=len(lines),
                created_at=now,
                next_attempt_at=now,
            )
        )
    return StatusEmail.objects.bulk_create(emails)


def pending_change_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Changes of the last day that were never handled (their task never ran or failed before
    preparing) and are older than a few minutes (the normal path had its chance)."""
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


# --- sending ----------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 1, 5, 15, 60 minutes, then every hour."""
    index = min(attempts, len(RETRY_DELAYS_MINUTES)) - 1
    return timedelta(minutes=RETRY_DELAYS_MINUTES[max(index, 0)])


def due_email_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        StatusEmail.objects.filter(
            sent_at__isnull=True, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def status_email_send(*, email_id: int, now: datetime | None = None) -> str:
    """Send one outbox e-mail. Returns "sent", "failed" (will be retried), "gave_up" or
    "skipped" (already sent, taken by another sender, not due yet, or no such row).

    Never raises because of the mail server: the error is logged and kept on the row.
    """
    now = now or timezone.now()
    claimed = (
        StatusEmail.objects.filter(
            pk=email_id,
            sent_at__isnull=True,
            attempts__lt=MAX_ATTEMPTS,
            next_attempt_at__lte=now,
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + LEASE)
    )
    if not claimed:
        return "skipped"
    email = StatusEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
    )
    message.attach_alternative(email.body_html, "text/html")
    try:
        message.send(fail_silently=False)
    except Exception as error:  # the mail server's problem must never reach the manager
        attempts = email.attempts + 1
        gave_up = attempts >= MAX_ATTEMPTS
        StatusEmail.objects.filter(pk=email_id).update(
            attempts=attempts,
            locked_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            next_attempt_at=timezone.now() + retry_delay(attempts),
        )
        log = logger.error if gave_up else logger.warning
        log(
            "Status e-mail %s to %s failed (attempt %s of %s): %s",
            email_id,
            email.to_email,
            attempts,
            MAX_ATTEMPTS,
            error,
            exc_info=True,
        )
        return "gave_up" if gave_up else "failed"
    StatusEmail.objects.filter(pk=email_id).update(
        sent_at=timezone.now(), attempts=email.attempts + 1, locked_until=None, last_error=""
    )
    return "sent"


@transaction.atomic
def status_emails_requeue(*, email_ids) -> int:
    """Back office «Отправить снова»: unsent e-mails (also those that ran out of attempts) get
    a fresh set of attempts and are sent after commit. Returns how many were queued."""
    from mprating.core.tasks import enqueue_on_commit
    from mprating.notifications.tasks import deliver_status_emails

    ids = sorted(_parse_ids(email_ids))
    rows = list(
        StatusEmail.objects.select_for_update()
        .filter(pk__in=ids, sent_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if rows:
        StatusEmail.objects.filter(pk__in=rows).update(
            attempts=0, next_attempt_at=timezone.now(), locked_until=None
        )
        enqueue_on_commit(deliver_status_emails, email_ids=rows)
    return len(rows)
