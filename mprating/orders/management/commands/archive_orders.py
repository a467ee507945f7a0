"""`manage.py archive_orders`: the automatic archive for every client (run daily from cron)."""

from django.core.management.base import BaseCommand

from mprating.orders.services import orders_auto_archive


class Command(BaseCommand):
    help = (
        "Переносит в архив заказы всех клиентов, все позиции которых в завершающих статусах "
        "и последний статус менялся больше ORDERS_AUTO_ARCHIVE_MONTHS месяцев назад."
    )

    def handle(self, *args, **options) -> None:
        archived = orders_auto_archive()
        self.stdout.write(f"В архив перенесено заказов: {archived}")
