"""`manage.py marketplace_accounts_refresh`: timed-out takes and ended service lives into the
accounts' history (cron; safe to run any number of times)."""

from django.core.management.base import BaseCommand

from mprating.marketplaces.services import accounts_refresh


class Command(BaseCommand):
    help = (
        "Освобождает аккаунты маркетплейсов, взятые дольше MARKETPLACE_TAKE_TIMEOUT_MINUTES "
        "минут назад, и записывает в историю окончание срока службы. Повторный запуск ничего "
        "не дублирует."
    )

    def handle(self, *args, **options) -> None:
        result = accounts_refresh()
        self.stdout.write(
            f"Освобождено по времени: {result.released}; "
            f"записано окончаний срока службы: {result.expired}."
        )
