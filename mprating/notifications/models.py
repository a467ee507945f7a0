"""E-mail notifications about line statuses (cabinet «Уведомления»).

Seed 004: «По кнопке уведомления мы получаем возможность подавить некоторые системные
оповещения по электронной почте, которые генерируются автоматически … Так, обычно оставляют
только уведомления “Отказ” и “Отгружен”, а остальные отслеживают в личном кабинете.»

`StatusEmailPreference`: one row per client and status the client has set; a missing row
means the e-mail is ON (new clients get every e-mail until they switch some off). The letters
themselves live in the one outbox of core (`core.OutgoingEmail`, kind `order_status`).
"""

from django.db import models

from mprating.accounts.models import Client
from mprating.orders.models import OrderStatus


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
