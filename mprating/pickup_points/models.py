"""Partner pickup points (seed 000 «Подключенные ПВЗ, управление партнёрскими ПВЗ»).

Seed 000: сотрудникам бэкофиса нужно «Управлять партнёрскими ПВЗ: Создавать, Отключать,
Удалять», «Управлять данными партнёрского ПВЗ: Адрес, Название» and «Управлять владельцем
партнёрского ПВЗ». A client picks an active point at checkout. A point that orders (or
buyouts) refer to is never deleted (their foreign keys protect it): it is switched off instead,
and the orders keep it.

The owner of a point is a user of the role «Владельцы ПВЗ» with a `PickupPointOwner` profile
(company, ИНН); seed 000 «Регистрация учетной записи ПВЗ (Бизнес инициатор)». The operator
registers the account without a password; the owner sets one through an `OwnerInvitation`
link. Every change an operator makes is a `PickupPointChange` row (the one history helper).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from mprating.accounts.phones import format_phone
from mprating.core.history import HistoryEntry


class PickupPoint(models.Model):
    name = models.CharField("название", max_length=200)
    address = models.CharField("адрес", max_length=500)
    working_hours = models.CharField(
        "часы работы",
        max_length=200,
        blank=True,
        help_text="Как увидит клиент, например «Пн–Пт 10:00–20:00, Сб–Вс 10:00–18:00».",
    )
    phone = models.CharField(
        "телефон пункта", max_length=16, blank=True, help_text="В формате E.164: +74951234567"
    )
    notes = models.TextField(
        "заметки для сотрудников", blank=True, help_text="Клиенты их не видят."
    )
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

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class PickupPointOwner(models.Model):
    """The business behind a partner point (seed 000 «Бизнес инициатор»): company and ИНН.

    The person (ФИО, e-mail, phone, login) is the `User`; this is what the store knows of
    the business. One owner may run several points.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pickup_point_owner",
        verbose_name="пользователь",
    )
    company_name = models.CharField("компания", max_length=255)
    inn = models.CharField("ИНН", max_length=12)
    created_at = models.DateTimeField("зарегистрирован", default=timezone.now)

    class Meta:
        verbose_name = "владелец ПВЗ"
        verbose_name_plural = "владельцы ПВЗ"
        ordering = ["company_name", "id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.company_name})"


class OwnerInvitation(models.Model):
    """A one-time link with which a new owner sets a password.

    Only the SHA-256 of the token is stored: the link in the letter is the only copy of the
    token. It expires after `settings.PARTNER_INVITATION_HOURS`, works once, and a new
    invitation of the same person revokes the open ones.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="кому",
    )
    token_hash = models.CharField("хеш ключа", max_length=64, unique=True)
    created_at = models.DateTimeField("отправлено", default=timezone.now)
    expires_at = models.DateTimeField("действует до")
    used_at = models.DateTimeField("использовано", null=True, blank=True)
    revoked_at = models.DateTimeField("отозвано", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто отправил",
    )

    class Meta:
        verbose_name = "приглашение владельца ПВЗ"
        verbose_name_plural = "приглашения владельцев ПВЗ"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="pickup_invitation_user")]

    def __str__(self) -> str:
        return f"Приглашение для {self.user}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


class PickupPointChange(HistoryEntry):
    """Who did what to a point, when and why (DESIGN §5). The point's name is kept, so the
    record of a deleted point stays readable."""

    class Action(models.TextChoices):
        CREATED = "created", "Подключён"
        UPDATED = "updated", "Изменены данные"
        DISABLED = "disabled", "Отключён"
        ENABLED = "enabled", "Включён"
        OWNER_CHANGED = "owner_changed", "Сменён владелец"
        INVITATION_SENT = "invitation_sent", "Отправлено приглашение владельцу"
        DELETED = "deleted", "Удалён"

    point = models.ForeignKey(
        PickupPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name="пункт выдачи",
    )
    point_name = models.CharField("пункт выдачи (название)", max_length=200)
    action = models.CharField("действие", max_length=20, choices=Action.choices)
    details = models.TextField("что изменилось", blank=True)

    class Meta(HistoryEntry.Meta):
        verbose_name = "изменение пункта выдачи"
        verbose_name_plural = "история пунктов выдачи"
        indexes = [models.Index(fields=["point", "-changed_at"], name="pickup_change_point")]

    def __str__(self) -> str:
        return f"{self.point_name}: {self.get_action_display()}"
