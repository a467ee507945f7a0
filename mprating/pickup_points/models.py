"""Partner pickup points (seed 000 «Подключенные ПВЗ, управление партнёрскими ПВЗ»).

A client picks an active point at checkout; the back-office section that creates, switches off
and assigns owners to points comes with its own issue. A point is never deleted while orders
point at it (`Order.pickup_point` protects it): it is switched off instead.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PickupPoint(models.Model):
    name = models.CharField("название", max_length=200)
    address = models.CharField("адрес", max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pickup_points",
        verbose_name="владелец",
    )
    is_active = models.BooleanField(
        "работает", default=True, help_text="Только работающие пункты предлагаются при заказе."
    )
    created_at = models.DateTimeField("подключён", default=timezone.now)

    class Meta:
        verbose_name = "пункт выдачи"
        verbose_name_plural = "пункты выдачи"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
