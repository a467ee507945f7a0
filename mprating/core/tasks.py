"""Helpers for the Django Tasks API (django-tasks with the database backend)."""

from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, /, **kwargs: Any) -> None:
    """Enqueue `task` with keyword arguments once the current transaction commits.

    django-tasks enqueues at once; a task enqueued inside a transaction that later
    rolls back would act on rows that never existed, and the database backend's own
    row would be rolled back with it. Outside a transaction this runs immediately.
    """
    transaction.on_commit(lambda: task.enqueue(**kwargs), robust=False)
