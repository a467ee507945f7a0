"""How long the results of background tasks are kept (issue 12, 152-ФЗ: store personal data no
longer than needed).

django-tasks-db keeps every task's row — its arguments included — after the task has run.
Some arguments are personal data: «Забыли пароль?» queues `password_reset_send(email=…)` with
the address a person typed (on purpose: looking it up is the worker's job, so the form's
timing tells nothing). A finished result older than `TASK_RESULTS_KEEP_DAYS` days (default 7)
is deleted: by `manage.py task_results_prune` and, without a cron line of its own, at the start
of every outbox sweep (`manage.py outbox_send_due`, every 5 minutes). Queued and running tasks
are never touched.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def task_results_prune(*, keep_days: int | None = None) -> int:
    """Delete the finished (successful or failed) task results older than `keep_days`
    (default: the setting); how many were deleted."""
    days = settings.TASK_RESULTS_KEEP_DAYS if keep_days is None else keep_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
    return deleted
