"""Leases for long background jobs: the job's row says which worker holds it and until when.

DESIGN.md §5: «a big import commits in batches and, after any crash (a killed worker included),
resumes where it stopped with every row's effect exactly once».

django-tasks-db marks a task «running» when a worker takes it and never looks at it again, so a
worker killed in the middle of a job (SIGKILL, out of memory, a lost machine) used to leave the
task and the job «running» forever. A job model that runs long mixes in `LeasedJob` and lives by
these rules:

- claim (`lease_claim`): one conditional UPDATE takes a job that is queued, or running under a
  lease that has expired; it writes `lease_owner`, `lease_until` = now + `JOB_LEASE_SECONDS` and
  `heartbeat_at`. Of two workers exactly one wins.
- heartbeat (`lease_extend`): the first statement of every batch's transaction — an UPDATE
  «WHERE lease_owner = me» that extends the lease and holds the job's row until the batch
  commits. If another worker has taken the job over, it changes no row and raises `LeaseLost`:
  the batch rolls back and this worker stops, so a batch is never written by two workers. The
  job keeps its progress (the offset of the last committed batch) in the same transaction as
  the batch, so the worker that takes over starts right after it.
- finish (`lease_finish`): the last UPDATE (done / failed) is fenced the same way.
- takeover (`leases_sweep`): running jobs whose lease expired are put back in the queue (a
  conditional UPDATE: one sweeper wins) and their task is enqueued again; the task of the dead
  worker is marked failed in «Фоновые задачи». Every `manage.py db_worker` sweeps every
  `JOB_LEASE_SWEEP_SECONDS` (mprating/core/management/commands/db_worker.py); `manage.py
  jobs_resume` does the same once (cron, or by hand). The sweep also sends letters whose sender
  died holding them (the outbox's own lease, `OutgoingEmail.locked_until`).

Apps register their leased job models in `AppConfig.ready()` with `register_leased_job`.
"""

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from mprating.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

TASK_OWNER_PREFIX = "task:"


class LeaseLost(Exception):
    """Another worker has taken the job over: stop and let everything uncommitted roll back."""


class LeasedJob(models.Model):
    """The lease of a long job. The model has its own `status` with a queued and a running
    value (given to `register_leased_job`)."""

    lease_owner = models.CharField("обработчик", max_length=64, blank=True)
    lease_until = models.DateTimeField("обработчик держит задачу до", null=True, blank=True)
    heartbeat_at = models.DateTimeField("последний отклик обработчика", null=True, blank=True)

    class Meta:
        abstract = True

    def lease_expired(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.lease_until is None or self.lease_until < now


@dataclass(frozen=True)
class LeasedKind:
    model: type[LeasedJob]
    task: Any
    id_argument: str
    queued: str = "queued"
    running: str = "running"


_kinds: dict[str, LeasedKind] = {}


def register_leased_job(
    model: type[LeasedJob],
    *,
    task: Any,
    id_argument: str,
    queued: str = "queued",
    running: str = "running",
) -> None:
    """`task(**{id_argument: pk})` runs (or resumes) the job `pk` of `model`."""
    _kinds[model._meta.label_lower] = LeasedKind(model, task, id_argument, queued, running)


def leased_kinds() -> list[LeasedKind]:
    return list(_kinds.values())


def _kind(model: type[models.Model]) -> LeasedKind:
    try:
        return _kinds[model._meta.label_lower]
    except KeyError:
        raise ValueError(
            f"{model._meta.label} is not registered with register_leased_job"
        ) from None


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def new_owner(context: Any = None) -> str:
    """Who holds a lease: the task's id when run by a worker (so that the sweep can mark the
    dead worker's task failed), else host, process and a random tag."""
    task_result = getattr(context, "task_result", None)
    if task_result is not None and getattr(task_result, "id", None):
        return f"{TASK_OWNER_PREFIX}{task_result.id}"[:64]
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _expired(now: datetime) -> Q:
    # A running job without a lease was started before leases existed: it is nobody's.
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def lease_claim(model: type[LeasedJob], pk: int, *, owner: str, **fields: Any) -> bool:
    """Take job `pk` if it is queued, or running under an expired lease; set `fields` too."""
    kind = _kind(model)
    now = timezone.now()
    return (
        model.objects.filter(pk=pk)
        .filter(Q(status=kind.queued) | (Q(status=kind.running) & _expired(now)))
        .update(
            status=kind.running,
            lease_owner=owner,
            lease_until=now + lease_duration(),
            heartbeat_at=now,
            **fields,
        )
        == 1
    )


def lease_extend(model: type[LeasedJob], pk: int, *, owner: str, **fields: Any) -> None:
    """The heartbeat: extend the lease (and set `fields`) or raise `LeaseLost`.

    Call it first inside the batch's transaction: the UPDATE holds the job's row until the
    commit, so no sweep or claim can take the job in the middle of the batch."""
    now = timezone.now()
    updated = model.objects.filter(pk=pk, lease_owner=owner).update(
        lease_until=now + lease_duration(), heartbeat_at=now, **fields
    )
    if updated != 1:
        raise LeaseLost(f"{model._meta.label} {pk}: the lease of {owner} was taken over")


def lease_finish(model: type[LeasedJob], pk: int, *, owner: str, **fields: Any) -> bool:
    """The job's last UPDATE (its final status in `fields`), made only while `owner` holds it."""
    return (
        model.objects.filter(pk=pk, lease_owner=owner).update(
            lease_owner="", lease_until=None, heartbeat_at=timezone.now(), **fields
        )
        == 1
    )


def job_requeue_stalled(model: type[LeasedJob], pk: int) -> bool:
    """Put job `pk` back in the queue if it is running under an expired lease (its worker died
    or hangs) and enqueue its task; progress stays, so it continues after its last committed
    batch. False when the job is not stalled (done, failed, or its worker is alive)."""
    kind = _kind(model)
    now = timezone.now()
    with transaction.atomic():
        row = (
            model.objects.filter(pk=pk, status=kind.running)
            .filter(_expired(now))
            .values("lease_owner")
            .first()
        )
        if row is None:
            return False
        requeued = (
            model.objects.filter(pk=pk, status=kind.running, lease_owner=row["lease_owner"])
            .filter(_expired(now))
            .update(status=kind.queued, lease_owner="", lease_until=None)
        )
        if not requeued:
            return False
        _fail_dead_task(row["lease_owner"], now)
        enqueue_on_commit(kind.task, **{kind.id_argument: pk})
    logger.warning(
        "%s %s: the worker %s stopped answering; the job is queued again",
        model._meta.label,
        pk,
        row["lease_owner"] or "(unknown)",
    )
    return True


def _fail_dead_task(owner: str, now: datetime) -> None:
    """The dead worker's task stays «running» in django-tasks-db forever: close it."""
    if not owner.startswith(TASK_OWNER_PREFIX):
        return
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        task_id = uuid.UUID(owner.removeprefix(TASK_OWNER_PREFIX))
    except ValueError:
        return
    DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{LeaseLost.__module__}.WorkerLost",
        traceback="Обработчик остановился посреди задачи (аренда истекла); задачу продолжил "
        "другой обработчик.",
    )


def stalled_ids(model: type[LeasedJob], *, now: datetime | None = None) -> list[int]:
    kind = _kind(model)
    return list(
        model.objects.filter(status=kind.running)
        .filter(_expired(now or timezone.now()))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


SweepHook = Callable[[], object]
_extra_sweeps: list[SweepHook] = []


def on_leases_sweep(callback: SweepHook) -> None:
    if callback not in _extra_sweeps:
        _extra_sweeps.append(callback)


def leases_sweep() -> int:
    """Queue again every job whose worker stopped answering; returns how many."""
    requeued = 0
    for kind in leased_kinds():
        for pk in stalled_ids(kind.model):
            try:
                requeued += job_requeue_stalled(kind.model, pk)
            except Exception:  # one bad row must not stop the others
                logger.exception("lease sweep: %s %s", kind.model._meta.label, pk)
    for callback in list(_extra_sweeps):
        try:
            callback()
        except Exception:
            logger.exception("lease sweep callback %r failed", callback)
    return requeued
