"""`manage.py onec_sync`: refresh from 1С every client with an ИНН or a hand-made link."""

from django.conf import settings
from django.core.management.base import BaseCommand

from mprating.finance.onec import services


class Command(BaseCommand):
    help = (
        "Синхронизирует с 1С баланс и движения всех клиентов с ИНН или сопоставлением "
        "(по умолчанию — сразу, с --enqueue — через очередь фоновых задач)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Поставить синхронизацию в очередь (manage.py db_worker) вместо выполнения.",
        )
        parser.add_argument(
            "--client", type=int, action="append", default=[], help="Только этот клиент (id)."
        )

    def handle(self, *args, enqueue: bool, client: list[int], **options) -> None:
        if getattr(settings, "FINANCE_GATEWAY", "embedded") != "onec":
            self.stdout.write(
                "Внимание: FINANCE_GATEWAY не равен «onec» — кабинет показывает встроенный "
                "учёт, данные 1С будут только сохранены."
            )
        if client:
            outcome: dict[str, int] = {}
            for client_id in client:
                status = services.sync_client(client_id=client_id).status
                outcome[status] = outcome.get(status, 0) + 1
        else:
            outcome = services.sync_all(enqueue=enqueue)
        total = sum(outcome.values())
        details = ", ".join(f"{key}: {count}" for key, count in sorted(outcome.items()))
        self.stdout.write(f"Клиентов: {total}" + (f" ({details})" if details else "") + ".")
