"""The partner side of pickup points: applications of businesses that want to run a point
(seed 000 «Регистрация учетной записи ПВЗ (Бизнес инициатор)»), which order status means
«the line is waiting at the point», and the statistics page of a point in the back office.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mprating.accounts.phones import format_phone
from mprating.core.history import HistoryEntry
from mprating.orders.models import OrderLine, OrderStatus, StatusChange
from mprating.pickup_points.models import PickupPoint


class PartnerApplication(models.Model):
    """«Стать партнёром»: a business asks to open a partner pickup point.

    Sent from the public form, looked at by an operator who approves it (the owner's account,
    the point and the invitation are made in one go) or declines it with a reason.
    """

    class Status(models.TextChoices):
        NEW = "new", "Новая"
        APPROVED = "approved", "Одобрена"
        DECLINED = "declined", "Отклонена"

    company_name = models.CharField("компания", max_length=255)
    inn = models.CharField("ИНН", max_length=12)
    contact_name = models.CharField("контактное лицо", max_length=255)
    phone = models.CharField("телефон", max_length=16, help_text="В формате E.164")
    email = models.EmailField("e-mail", max_length=254)
    point_address = models.CharField("адрес пункта", max_length=500)
    comment = models.TextField("комментарий", blank=True)
    consent_at = models.DateTimeField("согласие на обработку персональных данных")
    created_at = models.DateTimeField("получена", default=timezone.now)
    status = models.CharField("статус", max_length=16, choices=Status.choices, default=Status.NEW)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто рассмотрел",
    )
    decided_at = models.DateTimeField("рассмотрена", null=True, blank=True)
    decline_reason = models.TextField("причина отказа", blank=True)
    point = models.ForeignKey(
        PickupPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="подключённый пункт",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="владелец",
    )

    class Meta:
        verbose_name = "заявка партнёра"
        verbose_name_plural = "заявки партнёров"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "approved", "declined"]),
                name="partners_application_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="new") | Q(decided_at__isnull=False),
                name="partners_application_decided_at",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="partners_application_status")
        ]

    def __str__(self) -> str:
        return f"{self.company_name} — {self.point_address}"

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class PartnerApplicationChange(HistoryEntry):
    """Who approved or declined an application, when and why."""

    application = models.ForeignKey(
        PartnerApplication, on_delete=models.CASCADE, related_name="changes"
    )
    status = models.CharField(
        "новый статус", max_length=16, choices=PartnerApplication.Status.choices
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = "решение по заявке партнёра"
        verbose_name_plural = "история заявок партнёров"

    def __str__(self) -> str:
        return f"{self.application_id}: {self.get_status_display()}"


class PartnerSettings(models.Model):
    """Which line status means «arrived at the pickup point» (by default «В ПВЗ»).

    Statuses are renamed in «Настройки → Статусы», so the statistics and the owner's list of
    waiting orders hold the status itself, not its name. One row (pk 1), made by a migration.
    """

    at_point_status = models.ForeignKey(
        OrderStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="статус «ждёт в пункте выдачи»",
        help_text="Позиция в этом статусе ждёт клиента в ПВЗ: отсюда владелец ПВЗ отмечает "
        "«Выдан» или «Возврат», с момента перехода в него считаются срок хранения и просрочка.",
    )

    events_synced_to = models.BigIntegerField(
        "учтены изменения статусов до №",
        default=0,
        editable=False,
        help_text="Последнее изменение статуса позиции, перенесённое в события ПВЗ.",
    )
    events_synced_at = models.DateTimeField("события ПВЗ обновлены", null=True, editable=False)

    class Meta:
        verbose_name = "настройки ПВЗ"
        verbose_name_plural = "настройки ПВЗ"

    def __str__(self) -> str:
        return "Настройки ПВЗ"


class PointEvent(models.Model):
    """A line arriving at a point, handed out there or returned from there — the facts the
    statistics count, one row per such status change of `orders.StatusChange`.

    Counting them straight from the status history of a busy point means walking every line
    it ever had; these rows, indexed by point and time, make a period's numbers one range scan.
    They are derived data: written only by `services.point_events_sync`, which reads the new
    status history rows (the row orders writes is the row partners reads, DESIGN §3), and can
    be rebuilt from the history at any time.
    """

    class Kind(models.TextChoices):
        ARRIVED = "arrived", "Поступил в ПВЗ"
        HANDED_OUT = "handed_out", "Выдан"
        RETURNED = "returned", "Возврат"

    change = models.OneToOneField(
        StatusChange, on_delete=models.CASCADE, related_name="+", verbose_name="изменение статуса"
    )
    point = models.ForeignKey(
        PickupPoint, on_delete=models.CASCADE, related_name="+", verbose_name="пункт выдачи"
    )
    line = models.ForeignKey(
        OrderLine, on_delete=models.CASCADE, related_name="+", verbose_name="позиция"
    )
    kind = models.CharField("событие", max_length=16, choices=Kind.choices)
    at = models.DateTimeField("когда")
    is_buyout = models.BooleanField("выкуп на маркетплейсе", default=False)
    waited = models.DurationField(
        "ждала в пункте", null=True, blank=True, help_text="От поступления до выдачи или возврата."
    )

    class Meta:
        verbose_name = "событие ПВЗ"
        verbose_name_plural = "события ПВЗ"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["arrived", "handed_out", "returned"]),
                name="partners_event_kind_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["point", "at"],
                include=["kind", "is_buyout", "waited"],
                name="partners_event_point_at",
            ),
            models.Index(fields=["line", "kind", "at"], name="partners_event_line"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id}: {self.get_kind_display()} {self.line_id}"


class PointDay(models.Model):
    """A point's events added up by day (Moscow time): what the statistics pages read, so a
    year of the busiest point is a few hundred rows. Written with the events, by the same
    `services.point_events_sync`, under the same lock."""

    point = models.ForeignKey(
        PickupPoint, on_delete=models.CASCADE, related_name="+", verbose_name="пункт выдачи"
    )
    day = models.DateField("день")
    arrived = models.PositiveIntegerField("поступило", default=0)
    buyouts = models.PositiveIntegerField("из них выкупы", default=0)
    handed_out = models.PositiveIntegerField("выдано", default=0)
    returned = models.PositiveIntegerField("возвраты", default=0)
    waited = models.DurationField(
        "ожидание выданных, всего", default=timedelta(0), help_text="Сумма по выданным позициям."
    )

    class Meta:
        verbose_name = "итоги ПВЗ за день"
        verbose_name_plural = "итоги ПВЗ по дням"
        ordering = ["point", "day"]
        constraints = [
            models.UniqueConstraint(fields=["point", "day"], name="partners_point_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.day}"


class PointStatistics(PickupPoint):
    """Seed 000 «Смотреть статистику партнёрского ПВЗ»: the back office page of a point's
    numbers (a proxy, so the page has its own address; no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = "статистика ПВЗ"
        verbose_name_plural = "статистика ПВЗ"
