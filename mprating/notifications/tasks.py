"""Background tasks of the notifications app (Django Tasks API).

`send_status_emails` is enqueued by the orders gatekeeper (`line_status_set`) after commit with
the ids of one batch of status changes. A failed e-mail is re-enqueued with `run_after`
(1, 5, 15, 60 minutes, then hourly); `deliver_due_status_emails` (also run by
`manage.py notifications_send_due`, e.g. from cron every few minutes) is the safety net that
picks up whatever a lost task or a backend without `run_after` left behind. No task ever raises
into the manager's action: errors are logged.
"""

import logging

from django.utils import timezone
from django_tasks import task

from mprating.notifications import services

logger = logging.getLogger(__name__)


def _deliver(email_ids: list[int]) -> dict[str, int]:
    outcome = {"sent": 0, "failed": 0, "gave_up": 0, "skipped": 0}
    retry: list[int] = []
    for email_id in email_ids:
        try:
            result = services.status_email_send(email_id=email_id)
        except Exception:  # a database hiccup: the row stays due, the sweeper sends it
            logger.exception("Status e-mail %s: unexpected error", email_id)
            result = "failed"
        outcome[result] += 1
        if result == "failed":
            retry.append(email_id)
    if retry:
        _schedule_retry(retry)
    return outcome


def _schedule_retry(email_ids: list[int]) -> None:
    from mprating.notifications.models import StatusEmail

    next_at = (
        StatusEmail.objects.filter(pk__in=email_ids, sent_at__isnull=True)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if next_at is None:
        return
    try:
        if not deliver_status_emails.get_backend().supports_defer:
            logger.warning(
                "Task backend cannot defer; status e-mails %s wait for notifications_send_due",
                email_ids,
            )
            return
        deliver_status_emails.using(run_after=max(next_at, timezone.now())).enqueue(
            email_ids=email_ids
        )
    except Exception:
        logger.exception("Could not re-enqueue status e-mails %s", email_ids)


@task()
def send_status_emails(*, change_ids: list[int]) -> dict[str, int]:
    """One e-mail per order for the not yet notified changes `change_ids` (idempotent)."""
    try:
        emails = services.status_emails_prepare(change_ids=change_ids)
    except Exception:
        logger.exception("Preparing status e-mails for changes %s failed", change_ids)
        return {"sent": 0, "failed": 0, "gave_up": 0, "skipped": 0}
    return _deliver([email.pk for email in emails])


@task()
def deliver_status_emails(*, email_ids: list[int]) -> dict[str, int]:
    """Retry: send the outbox e-mails that are due (already sent ones are skipped)."""
    return _deliver(list(email_ids))


@task()
def deliver_due_status_emails() -> dict[str, int]:
    """Safety net: handle changes no task handled, then send every due outbox e-mail."""
    change_ids = services.pending_change_ids()
    if change_ids:
        try:
            services.status_emails_prepare(change_ids=change_ids)
        except Exception:
            logger.exception("Preparing status e-mails for pending changes failed")
    return _deliver(services.due_email_ids())
