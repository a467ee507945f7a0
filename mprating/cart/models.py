"""The client's cart (seed 004 «Работа с корзиной», «Загрузить в корзину»)."""

from django.db import models
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.catalog.models import Offer


class CartLine(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="cart_lines")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField("количество")
    comment = models.CharField("комментарий", max_length=255, blank=True)
    added_at = models.DateTimeField("добавлено", default=timezone.now)

    class Meta:
        verbose_name = "строка корзины"
        verbose_name_plural = "корзина"
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "offer"], name="cart_line_unique_offer"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} × {self.quantity}"
