"""Returns of shipped goods (seed 004 «Возвраты»: «полнофункциональный модуль по работе с
возвратами»).

Seed 004 «Заказы»: «При наступлении статуса отгружен возможен только возврат по условиям,
описанным в следующей колонке “Возможность обратного выкупа”». The conditions are the line's
snapshot of its offer's return policy (`OrderLine.is_returnable`, `return_days`,
`return_deduction_percent`), kept as they were at checkout.

- `ReturnReason`: the list of reasons managers edit (брак, не подошло, пересорт, …).
- `ReturnRequest`: one return of some pieces of one shipped order line; its status moves along
  the one transition table (`returns.transitions`), written only by the gatekeeper
  `services.return_status_set`.
- `ReturnPhoto`: up to `RETURNS_MAX_PHOTOS` photos, checked to be images, stored under a random
  name and served only to the owner and staff.
- `ReturnStatusChange`: the history (who, when, comment), a `core.history.HistoryEntry`.
- `ReturnEmailPreference`: the client's one switch for the letters about returns.
"""

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core.history import HistoryEntry
from mprating.orders.models import OrderLine


class ReturnStatus(models.TextChoices):
    """Новый → На рассмотрении → Одобрен / Отклонён → Получен на складе → Деньги возвращены."""

    NEW = "new", "Новый"
    REVIEW = "review", "На рассмотрении"
    APPROVED = "approved", "Одобрен"
    REJECTED = "rejected", "Отклонён"
    RECEIVED = "received", "Получен на складе"
    REFUNDED = "refunded", "Деньги возвращены"


class ReturnReason(models.Model):
    """A reason the client picks in «Создать возврат»; managers edit the list.

    `restock_default`: whether goods returned for this reason go back on sale by default
    («вернуть на склад»): on for «не подошло», off for «брак» and damaged goods. A reason in
    use cannot be deleted; switch it off instead (`is_active`).
    """

    name = models.CharField("причина", max_length=100, unique=True)
    restock_default = models.BooleanField(
        "вернуть на склад по умолчанию",
        default=True,
        help_text="Выключите для брака и повреждённого товара: такой товар не продаётся снова.",
    )
    is_active = models.BooleanField(
        "предлагать клиентам", default=True, help_text="Выключенная причина не видна в форме."
    )
    sort_order = models.PositiveSmallIntegerField("порядок", default=100)

    class Meta:
        verbose_name = "причина возврата"
        verbose_name_plural = "причины возврата"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ReturnRequest(models.Model):
    """One return: `quantity` pieces of one shipped order line.

    `unit_price`, `deduction_percent` and `refund_amount` are fixed when the client creates
    the return, from the line's snapshot: «Деньги возвращены» credits exactly `refund_amount`
    = price × quantity − deduction, rounded to kopecks. `restock` is the «вернуть на склад»
    checkbox (from the reason, the manager may change it on «Получен на складе»);
    `restocked_at` and `refunded_at` make each of those effects happen once.
    """

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="returns", verbose_name="клиент"
    )
    line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="returns", verbose_name="позиция заказа"
    )
    quantity = models.PositiveIntegerField("количество")
    reason = models.ForeignKey(
        ReturnReason, on_delete=models.PROTECT, related_name="returns", verbose_name="причина"
    )
    description = models.TextField("описание", blank=True)
    status = models.CharField(
        "статус", max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.NEW
    )
    status_changed_at = models.DateTimeField("статус изменён", default=timezone.now)
    created_at = models.DateTimeField("создан", default=timezone.now)
    unit_price = models.DecimalField("цена за штуку, ₽", max_digits=12, decimal_places=2)
    deduction_percent = models.DecimalField(
        "удержание, %",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    refund_amount = models.DecimalField("к возврату, ₽", max_digits=12, decimal_places=2)
    restock = models.BooleanField(
        "вернуть на склад",
        default=True,
        help_text="При «Получен на складе» товар вернётся в остаток предложения.",
    )
    restocked_at = models.DateTimeField("возвращён на склад", null=True, blank=True)
    refunded_at = models.DateTimeField("деньги возвращены", null=True, blank=True)

    class Meta:
        verbose_name = "возврат"
        verbose_name_plural = "возвраты"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="returns_request_qty"),
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="returns_request_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(refund_amount__gte=0) & Q(unit_price__gte=0),
                name="returns_request_money",
            ),
            # Money goes back only for goods the warehouse has received.
            models.CheckConstraint(
                condition=Q(refunded_at__isnull=True) | Q(status=ReturnStatus.REFUNDED),
                name="returns_request_refunded_status",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="returns_request_client"),
            models.Index(fields=["status", "-created_at"], name="returns_request_queue"),
        ]

    def __str__(self) -> str:
        return f"Возврат № {self.pk}"

    @property
    def number(self) -> str:
        return f"№ {self.pk}"

    @property
    def gross_amount(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def deduction_amount(self) -> Decimal:
        return self.gross_amount - self.refund_amount


def photo_path(instance: "ReturnPhoto", filename: str) -> str:
    """A random name under `returns/`; the extension comes from the decoded image format."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"returns/{uuid.uuid4().hex}.{extension}"


class ReturnPhoto(models.Model):
    """A photo of the returned goods. Never linked from MEDIA_URL: `views.photo` serves it to
    the client who owns the return and to staff who may see returns, to nobody else."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("файл", upload_to=photo_path, max_length=200)
    content_type = models.CharField("тип", max_length=32)
    size = models.PositiveIntegerField("размер, байт")
    width = models.PositiveIntegerField("ширина")
    height = models.PositiveIntegerField("высота")
    created_at = models.DateTimeField("загружено", default=timezone.now)

    class Meta:
        verbose_name = "фото возврата"
        verbose_name_plural = "фото возврата"
        ordering = ["request_id", "id"]

    def __str__(self) -> str:
        return f"Фото {self.pk} возврата {self.request_id}"


class ReturnStatusChange(HistoryEntry):
    """The history of a return: its creation and every step, with who, when and why; written
    only by the services through `core.history`."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="history")
    status = models.CharField("статус", max_length=16, choices=ReturnStatus.choices)

    class Meta(HistoryEntry.Meta):
        verbose_name = "изменение статуса возврата"
        verbose_name_plural = "история возвратов"
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["request", "changed_at"], name="returns_history_request")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.status}"


class ReturnEmailPreference(models.Model):
    """The client's one switch for the letters about returns, on the «Возвраты» page.

    It is ours and not a row of «Уведомления»: those per-status switches belong to the
    notifications app (order line statuses), a sibling on floor 6 that returns may not
    import (DESIGN.md §3). A missing row means the letters are ON.
    """

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, related_name="return_email_preference"
    )
    email_enabled = models.BooleanField("письма о возвратах", default=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "письма о возвратах"
        verbose_name_plural = "письма о возвратах"

    def __str__(self) -> str:
        return f"{self.client_id}: {'вкл' if self.email_enabled else 'выкл'}"
