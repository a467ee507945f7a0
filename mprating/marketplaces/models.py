"""Marketplace accounts and buyouts (seed 000 «Аккаунты маркетплейсов»).

Seed 000: «Важный раздел, где сотрудники бэкофиса должны управлять основным активом MP Rating —
учетной записью маркетплейса». The accounts are the store's buyer accounts on Wildberries and
Ozon; an order line fulfilled by a marketplace (`OrderLine.source == "marketplace"`) is bought
there by a person («выкуп») with one of them and delivered to a partner pickup point.

What we never build (DESIGN.md §7): nothing that hides who is buying — no browser fingerprints,
no proxies, no automatic rotation of accounts, no automated purchasing.

The status an operator sees («Активен / Неактивен / Занят») is computed on read
(`selectors.with_status`): an account whose service life has ended IS «Неактивен», and a take
older than `MARKETPLACE_TAKE_TIMEOUT_MINUTES` counts as free, whether or not a worker ran. The
stored `status` is what people and the services set: «Неактивен» by hand, «Занят» by «Войти
вручную».
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mprating.catalog.models import Warehouse
from mprating.core.history import HistoryEntry
from mprating.orders.models import OrderLine, OrderStatus
from mprating.pickup_points.models import PickupPoint

# The same values as the marketplace warehouses of the catalog: a line bought on Ozon is bought
# with an Ozon account.
Marketplace = Warehouse.Marketplace


class AccountStatus(models.TextChoices):
    ACTIVE = "active", "Активен"
    INACTIVE = "inactive", "Неактивен"
    BUSY = "busy", "Занят"


class MarketplaceAccount(models.Model):
    """A buyer account of the store on a marketplace.

    Seed 000, inside the account the operator sees «Имеет ли выкупы или нет учётная запись…,
    Когда истекает срок службы, Текущий статус». `service_until` is the last day of service:
    from the next day (Moscow time) the account is «Неактивен». The password is kept only as a
    Fernet token (`secret_token`, see `crypto.py`) and is shown once, to the operator who takes
    the account («Войти вручную»).
    """

    marketplace = models.CharField("маркетплейс", max_length=16, choices=Marketplace.choices)
    name = models.CharField(
        "название", max_length=100, help_text="Как операторы называют аккаунт, например «WB-07»."
    )
    login = models.CharField(
        "логин",
        max_length=254,
        help_text="Телефон (хранится как +79161234567) или e-mail для входа на маркетплейс.",
    )
    secret_token = models.TextField("пароль (зашифрован)", editable=False)
    service_until = models.DateField(
        "срок службы до",
        help_text="Последний день службы включительно: со следующего дня аккаунт «Неактивен».",
    )
    status = models.CharField(
        "статус (установленный)",
        max_length=16,
        choices=AccountStatus.choices,
        default=AccountStatus.ACTIVE,
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="занят кем",
    )
    taken_at = models.DateTimeField("занят с", null=True, blank=True)
    notes = models.TextField("заметки", blank=True)
    created_at = models.DateTimeField("добавлен", default=timezone.now)
    expiry_recorded_for = models.DateField(
        "окончание срока записано в историю",
        null=True,
        blank=True,
        editable=False,
        help_text="Срок службы, окончание которого уже записано в историю: повторный запуск "
        "проверки ничего не дублирует, а продлённый срок будет записан снова.",
    )

    class Meta:
        verbose_name = "аккаунт маркетплейса"
        verbose_name_plural = "аккаунты маркетплейсов"
        ordering = ["marketplace", "name", "id"]
        permissions = [("login_manually", "входить вручную под аккаунтом маркетплейса")]
        constraints = [
            models.UniqueConstraint(
                fields=["marketplace", "login"], name="marketplaces_account_login_unique"
            ),
            models.CheckConstraint(
                condition=Q(marketplace__in=Marketplace.values),
                name="marketplaces_account_marketplace_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AccountStatus.values),
                name="marketplaces_account_status_valid",
            ),
            # «Занят» always says by whom and since when; a free account holds nobody.
            models.CheckConstraint(
                condition=(
                    Q(status="busy", taken_by__isnull=False, taken_at__isnull=False)
                    | (~Q(status="busy") & Q(taken_by__isnull=True, taken_at__isnull=True))
                ),
                name="marketplaces_account_taken_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["service_until"], name="marketplaces_account_until"),
            models.Index(fields=["status", "taken_at"], name="marketplaces_account_taken"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_marketplace_display()})"


class AccountHistory(HistoryEntry):
    """Who did what with an account and when: created, changed, taken, released, expired…"""

    class Event(models.TextChoices):
        CREATED = "created", "Добавлен"
        CHANGED = "changed", "Изменён"
        SECRET_CHANGED = "secret_changed", "Пароль изменён"
        ACTIVATED = "activated", "Сделан активным"
        DEACTIVATED = "deactivated", "Сделан неактивным"
        TAKEN = "taken", "Взят для входа вручную"
        RELEASED = "released", "Освобождён"
        RELEASED_TIMEOUT = "released_timeout", "Освобождён по истечении времени"
        EXPIRED = "expired", "Истёк срок службы"

    account = models.ForeignKey(
        MarketplaceAccount, on_delete=models.CASCADE, related_name="history"
    )
    event = models.CharField("событие", max_length=20, choices=Event.choices)

    class Meta(HistoryEntry.Meta):
        verbose_name = "событие аккаунта"
        verbose_name_plural = "история аккаунта"
        indexes = [
            models.Index(fields=["account", "-changed_at"], name="marketplaces_acchist_account")
        ]

    def __str__(self) -> str:
        return self.get_event_display()


class BuyoutStatus(models.TextChoices):
    """Оформлен → В пути → В ПВЗ → Получен, or Отменён (only forward, see `FORWARD`)."""

    PLACED = "placed", "Оформлен"
    IN_TRANSIT = "in_transit", "В пути"
    AT_POINT = "at_point", "В ПВЗ"
    RECEIVED = "received", "Получен"
    CANCELLED = "cancelled", "Отменён"


# The forward chain of a buyout; «Отменён» may follow any status but «Получен».
FORWARD = [
    BuyoutStatus.PLACED,
    BuyoutStatus.IN_TRANSIT,
    BuyoutStatus.AT_POINT,
    BuyoutStatus.RECEIVED,
]


class Buyout(models.Model):
    """A purchase («выкуп») of one order line on a marketplace with one of the accounts,
    delivered to a partner pickup point. A line has at most one buyout that is not cancelled."""

    account = models.ForeignKey(
        MarketplaceAccount, on_delete=models.PROTECT, related_name="buyouts", verbose_name="аккаунт"
    )
    # The account's marketplace, copied by `buyout_create` (an account with buyouts never
    # changes its marketplace): the list filters by it on a million buyouts without a join.
    marketplace = models.CharField(
        "маркетплейс", max_length=16, choices=Marketplace.choices, editable=False
    )
    line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="buyouts", verbose_name="позиция заказа"
    )
    marketplace_order_number = models.CharField("номер заказа на маркетплейсе", max_length=64)
    amount = models.DecimalField("сумма выкупа, ₽", max_digits=12, decimal_places=2)
    pickup_point = models.ForeignKey(
        PickupPoint, on_delete=models.PROTECT, related_name="buyouts", verbose_name="ПВЗ"
    )
    status = models.CharField(
        "статус", max_length=16, choices=BuyoutStatus.choices, default=BuyoutStatus.PLACED
    )
    created_at = models.DateTimeField("оформлен", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто оформил",
    )
    status_changed_at = models.DateTimeField("статус изменён", default=timezone.now)

    class Meta:
        verbose_name = "выкуп"
        verbose_name_plural = "выкупы"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["line"],
                condition=~Q(status="cancelled"),
                name="marketplaces_buyout_one_per_line",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="marketplaces_buyout_amount"),
            models.CheckConstraint(
                condition=Q(status__in=BuyoutStatus.values), name="marketplaces_buyout_status"
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="marketplaces_buyout_created"),
            models.Index(fields=["account", "-created_at"], name="marketplaces_buyout_account"),
            models.Index(fields=["status", "-created_at"], name="marketplaces_buyout_status"),
            models.Index(fields=["marketplace", "-created_at"], name="marketplaces_buyout_mp"),
            models.Index(fields=["pickup_point", "-created_at"], name="marketplaces_buyout_point"),
            models.Index(fields=["marketplace_order_number"], name="marketplaces_buyout_mp_number"),
        ]

    def __str__(self) -> str:
        return f"Выкуп № {self.marketplace_order_number}"


class BuyoutHistory(HistoryEntry):
    """The statuses a buyout went through, with who and when."""

    buyout = models.ForeignKey(Buyout, on_delete=models.CASCADE, related_name="history")
    status = models.CharField("статус", max_length=16, choices=BuyoutStatus.choices)

    class Meta(HistoryEntry.Meta):
        verbose_name = "изменение выкупа"
        verbose_name_plural = "история выкупа"
        indexes = [
            models.Index(fields=["buyout", "-changed_at"], name="marketplaces_buyhist_buyout")
        ]

    def __str__(self) -> str:
        return self.get_status_display()


class BuyoutLineStatus(models.Model):
    """The one table «status of a buyout → status of its order line».

    The order line follows its buyout through the orders gatekeeper (`line_status_set`):
    Оформлен → «Выкуплен», В пути → «В пути в ПВЗ», В ПВЗ → «В ПВЗ», Получен → «Отгружен» (the
    default marketplace chain of «Настройки → Статусы»). Filled by a data migration by status
    name; the link is a foreign key, so a manager renaming a status keeps it; a superuser may
    point a row at another status of the marketplace chain. «Отменён» moves no line.
    """

    buyout_status = models.CharField(
        "статус выкупа",
        max_length=16,
        unique=True,
        choices=[(value.value, value.label) for value in FORWARD],
    )
    line_status = models.ForeignKey(
        OrderStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="статус позиции заказа",
    )

    class Meta:
        verbose_name = "статус позиции для статуса выкупа"
        verbose_name_plural = "статусы позиций для выкупов"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_buyout_status_display()} → {self.line_status or '—'}"


class MarketplaceSettings(models.Model):
    """One row (pk = 1): the target number of active accounts per marketplace (seed 000:
    «Целевое количество активных учетных записей»), edited by a superuser."""

    target_wildberries = models.PositiveIntegerField(
        "цель: активных аккаунтов Wildberries", default=0
    )
    target_ozon = models.PositiveIntegerField("цель: активных аккаунтов Ozon", default=0)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="изменил",
        editable=False,
    )

    class Meta:
        verbose_name = "цели по аккаунтам маркетплейсов"
        verbose_name_plural = "цели по аккаунтам маркетплейсов"

    def __str__(self) -> str:
        return "Цели по аккаунтам маркетплейсов"

    def target_for(self, marketplace: str) -> int:
        return getattr(self, f"target_{marketplace}")
