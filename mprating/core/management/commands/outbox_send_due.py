"""`manage.py outbox_send_due` — run from cron every few minutes: the safety net of the outbox.

Sends every letter that is due (a retry whose task a backend without defer could not schedule,
a task that was lost, a worker that died mid-send) and lets the apps write letters their own
path missed (status letters of changes no task handled).
"""

from django.core.management.base import BaseCommand

from mprating.core.outbox import outbox_deliver_due


class Command(BaseCommand):
    help = "Отправить письма, ожидающие отправки или повторной попытки."

    def handle(self, *args, **options) -> None:
        outcome = outbox_deliver_due.call()
        self.stdout.write(
            f"Отправлено: {outcome['sent']}, ошибок: {outcome['failed']}, "
            f"прекращено попыток: {outcome['gave_up']}."
        )
