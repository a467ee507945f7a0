"""`manage.py db_worker` — django-tasks-db's worker, plus the lease sweep of long jobs.

The package's worker never looks at a task again once it is «running»: a worker killed in the
middle of an import left the import «running» forever. Here a thread of every worker runs
`core.leases.leases_sweep` at start and then every `JOB_LEASE_SWEEP_SECONDS`: a job whose lease
expired is queued again and continues after its last committed batch, and a letter whose sender
died is sent. This command takes the name of the package's one because mprating.core comes
before django-tasks-db in INSTALLED_APPS; every option of the package's worker is kept.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as PackageWorkerCommand

from mprating.core.leases import leases_sweep

logger = logging.getLogger("mprating.core.leases")


def _sweep_forever(period: float, stop: threading.Event) -> None:
    while True:
        try:
            requeued = leases_sweep()
            if requeued:
                logger.warning("lease sweep: %s stalled job(s) queued again", requeued)
        except Exception:  # the database away for a moment: try again next time
            logger.exception("lease sweep failed")
        finally:
            connections.close_all()  # this thread's connections only
        if stop.wait(period):
            return


class Command(PackageWorkerCommand):
    help = (
        "Обработчик фоновых задач (django-tasks-db) с возвратом в очередь задач, "
        "обработчик которых перестал отвечать."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--lease-sweep-seconds",
            type=float,
            default=None,
            help="Как часто искать задачи остановившихся обработчиков, секунд; 0 — не искать "
            "(по умолчанию JOB_LEASE_SWEEP_SECONDS).",
        )

    def handle(self, *args, lease_sweep_seconds: float | None = None, **options) -> None:
        period = (
            settings.JOB_LEASE_SWEEP_SECONDS if lease_sweep_seconds is None else lease_sweep_seconds
        )
        # With --reload the parent process only watches files; its child runs the tasks.
        watching_only = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if period > 0 and not watching_only:
            stop = threading.Event()
            threading.Thread(
                target=_sweep_forever, args=(period, stop), name="lease-sweep", daemon=True
            ).start()
        super().handle(*args, **options)
