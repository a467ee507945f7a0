"""`manage.py task_results_prune`: delete old finished background task results (152-ФЗ)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from mprating.core.task_results import task_results_prune
from mprating.core.text import days_ru


class Command(BaseCommand):
    help = (
        "Удаляет результаты завершённых фоновых задач старше TASK_RESULTS_KEEP_DAYS дней "
        "(в их аргументах бывают персональные данные, например адрес из «Забыли пароль?»)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="сколько дней хранить (по умолчанию TASK_RESULTS_KEEP_DAYS)",
        )

    def handle(self, *args, days: int | None, **options) -> None:
        if days is not None and days < 0:
            self.stderr.write("Число дней не может быть отрицательным.")
            return
        deleted = task_results_prune(keep_days=days)
        kept = settings.TASK_RESULTS_KEEP_DAYS if days is None else days
        self.stdout.write(
            f"Удалено результатов фоновых задач: {deleted} (срок хранения — {days_ru(kept)})."
        )
