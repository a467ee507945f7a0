"""Background tasks of the notifications app (Django Tasks API).

`send_status_emails` runs for one batch of status changes: orders tell notifications through
the hook `mprating.orders.hooks.on_line_status_changed` (registered in `NotificationsConfig`),
after commit. The task writes the letters into the core outbox and sends them at once; failed
letters are retried by the outbox, and changes whose task was lost are picked up by the
outbox sweep (`manage.py outbox_send_due`), which runs `status_emails_prepare_pending` first.
No task ever raises into the manager's action: errors are logged.
"""

import logging

from django_tasks import task

from mprating.core import outbox
from mprating.notifications import services

logger = logging.getLogger(__name__)


@task()
def send_status_emails(*, change_ids: list[int]) -> dict[str, int]:
    """One letter per order for the not yet notified changes `change_ids` (idempotent)."""
    try:
        emails = services.status_emails_prepare(change_ids=change_ids)
    except Exception:
        logger.exception("Preparing status e-mails for changes %s failed", change_ids)
        return {"sent": 0, "failed": 0, "gave_up": 0, "skipped": 0}
    return outbox.emails_deliver([email.pk for email in emails])


def status_changes_listener(change_ids: list[int]) -> None:
    """The orders hook's listener: runs after the status change committed."""
    send_status_emails.enqueue(change_ids=list(change_ids))
