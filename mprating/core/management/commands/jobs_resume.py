"""`manage.py jobs_resume` — queue again the long jobs whose worker stopped answering.

Every `db_worker` does this by itself every `JOB_LEASE_SWEEP_SECONDS`; the command is for cron
or for an administrator who wants it now (mprating/core/leases.py).
"""

from django.core.management.base import BaseCommand

from mprating.core.leases import leases_sweep
from mprating.core.text import count_ru


class Command(BaseCommand):
    help = "Вернуть в очередь фоновые задачи, обработчик которых перестал отвечать."

    def handle(self, *args, **options) -> None:
        requeued = leases_sweep()
        self.stdout.write(
            f"Возвращено в очередь: {count_ru(requeued, 'задача', 'задачи', 'задач')}."
        )
