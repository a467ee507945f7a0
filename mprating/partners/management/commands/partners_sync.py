"""`manage.py partners_sync`: bring the pickup point events up to date with the lines' status
history (cron, every minute or so); `--rebuild` takes them again from the whole history."""

from django.core.management.base import BaseCommand

from mprating.partners.events import point_events_rebuild, point_events_sync


class Command(BaseCommand):
    help = "Обновить события ПВЗ (поступления, выдачи, возвраты) по истории статусов позиций."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="пересобрать все события заново (после смены статуса «ждёт в пункте выдачи»)",
        )

    def handle(self, *args, rebuild: bool, **options):
        written = point_events_rebuild() if rebuild else point_events_sync()
        self.stdout.write(f"Событий ПВЗ записано: {written}.")
