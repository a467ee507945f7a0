"""E-mail notifications about line statuses (cabinet «Уведомления»).

Seed 004: «По кнопке уведомления мы получаем возможность подавить некоторые системные
оповещения по электронной почте, которые генерируются автоматически … Так, обычно оставляют
только уведомления “Отказ” и “Отгружен”, а остальные отслеживают в личном кабинете.»

`StatusEmailPreference`: one row per client and status the client has set; a missing row
means the e-mail is ON (new clients get every e-mail until they switch some off).
`StatusEmail`: the outbox. The task that handles a batch of status changes writes one row
per order (subject and bodies already rendered) and marks the changes notified in the same
transaction; the row is then sent outside any transaction and retried until it goes out, so
an e-mail is never lost and never blocks the manager's action.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.orders.models import Order, OrderStatus


class StatusEmailPreference(models.Model):
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="status_email_preferences"
    )
    status = models.ForeignKey(
        OrderStatus, on_delete=models.CASCADE, related_name="+", verbose_name="статус"
    )
    email_enabled = models.BooleanField("письмо на e-mail", default=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "настройка уведомления"
        verbose_name_plural = "настройки уведомлений"
        constraints = [
            models.UniqueConstraint(
                fields=["client", "status"], name="notifications_pref_client_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.status_id} {'вкл' if self.email_enabled else 'выкл'}"


class StatusEmail(models.Model):
    """One e-mail to a client about new statuses of lines of one order (the outbox row).

    `locked_until` is a lease: a sender claims the row with a conditional UPDATE, sends
    without holding any database lock, then records `sent_at` or the failure with
    `next_attempt_at` (backoff 1, 5, 15, 60 minutes, then hourly, at most MAX_ATTEMPTS).
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="status_emails")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_emails")
    to_email = models.EmailField("кому")
    subject = models.CharField("тема", max_length=255)
    body_text = models.TextField("текст")
    body_html = models.TextField("HTML")
    lines_count = models.PositiveIntegerField("позиций", default=0)
    created_at = models.DateTimeField("создано", default=timezone.now)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    next_attempt_at = models.DateTimeField("следующая попытка", default=timezone.now)
    locked_until = models.DateTimeField("занято до", null=True, blank=True)
    last_error = models.TextField("последняя ошибка", blank=True)

    class Meta:
        verbose_name = "письмо о статусах"
        verbose_name_plural = "письма о статусах"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True),
                name="notifications_email_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"
