"""Old finished task results are deleted (issue 12, 152-ФЗ): «the password reset task stores
the address in the task table (django_tasks_db DBTaskResult args)»."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from mprating.core import outbox
from mprating.core.task_results import task_results_prune

pytestmark = pytest.mark.django_db


def _result(status: str, *, days_ago: int | None, email: str = "ivan@example.ru") -> DBTaskResult:
    finished = None if days_ago is None else timezone.now() - timedelta(days=days_ago)
    return DBTaskResult.objects.create(
        task_path="mprating.accounts.tasks.password_reset_send",
        args_kwargs={"args": [], "kwargs": {"email": email}},
        status=status,
        backend_name="default",
        run_after=get_date_max(),
        started_at=finished,
        finished_at=finished,
    )


@pytest.fixture
def results():
    return {
        "old_ok": _result(TaskResultStatus.SUCCESSFUL, days_ago=8),
        "old_failed": _result(TaskResultStatus.FAILED, days_ago=30),
        "recent": _result(TaskResultStatus.SUCCESSFUL, days_ago=2),
        "queued": _result(TaskResultStatus.READY, days_ago=None),
    }


def test_finished_results_older_than_the_setting_go_queued_and_recent_stay(settings, results):
    settings.TASK_RESULTS_KEEP_DAYS = 7

    assert task_results_prune() == 2

    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {results["recent"].pk, results["queued"].pk}


def test_the_command_takes_the_days_and_says_how_many(results):
    out = io.StringIO()

    call_command("task_results_prune", days=1, stdout=out)

    assert "Удалено результатов фоновых задач: 3 (срок хранения — 1 день)." in out.getvalue()
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [results["queued"].pk]


def test_the_outbox_sweep_prunes_too(settings, results):
    settings.TASK_RESULTS_KEEP_DAYS = 7

    outbox.outbox_deliver_due.call()

    assert not DBTaskResult.objects.filter(pk=results["old_ok"].pk).exists()
    assert DBTaskResult.objects.filter(pk=results["recent"].pk).exists()
