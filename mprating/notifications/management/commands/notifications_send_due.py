"""`manage.py notifications_send_due` — run from cron every few minutes: sends status e-mails
that are due for a retry and handles status changes no task has handled."""

from django.core.management.base import BaseCommand

from mprating.notifications.tasks import deliver_due_status_emails


class Command(BaseCommand):
    help = "Отправить письма о статусах, ожидающие повторной попытки."

    def handle(self, *args, **options) -> None:
        outcome = deliver_due_status_emails.call()
        self.stdout.write(
            f"Отправлено: {outcome['sent']}, ошибок: {outcome['failed']}, "
            f"прекращено попыток: {outcome['gave_up']}."
        )
