"""What the 1С adapter keeps: the connection, client ↔ counterparty links, the last synced data.

Seed 004 «Финансы»: «Информация получается путём запроса и выгрузки её с учётной системы
интернет-магазина». The gateway never waits for 1С on a page: it shows `OneCClientState` and its
`OneCMovement` rows (the last data received, with `synced_at`), and a background task refreshes
them. Writes go through `services`; history rows through `mprating.core.history`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mprating.core.history import HistoryEntry

__all__ = [
    "OneCChange",
    "OneCClientState",
    "OneCConnection",
    "OneCCounterpartyLink",
    "OneCMovement",
]


class OneCConnection(models.Model):
    """«Подключение к 1С»: one row (pk = 1). The password is stored encrypted
    (`crypto.encrypt_password`) and is never shown back."""

    base_url = models.URLField(
        "адрес публикации 1С",
        max_length=500,
        blank=True,
        help_text="Адрес опубликованной базы, например https://1c.example.ru/trade — "
        "к нему добавляется /odata/standard.odata/.",
    )
    username = models.CharField("пользователь 1С", max_length=150, blank=True)
    password_encrypted = models.TextField("пароль (зашифрован)", blank=True, editable=False)
    timeout_seconds = models.PositiveIntegerField(
        "таймаут запроса, с",
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
        help_text="Пусто — по умолчанию (FINANCE_ONEC_TIMEOUT). Остатки на большой базе "
        "считаются десятки секунд.",
    )
    mapping = models.JSONField("соответствие полей", default=dict, blank=True)
    checked_at = models.DateTimeField("последняя проверка", null=True, blank=True)
    check_ok = models.BooleanField("проверка пройдена", null=True, blank=True)
    check_problems = models.JSONField("что мешает", default=list, blank=True)
    check_warnings = models.JSONField("предупреждения", default=list, blank=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="изменил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "подключение к 1С"
        verbose_name_plural = "подключение к 1С"

    def __str__(self) -> str:
        return "Подключение к 1С:Управление торговлей"

    @property
    def is_configured(self) -> bool:
        return bool(self.base_url and self.username)


class OneCCounterpartyLink(models.Model):
    """A client matched to a 1С counterparty by hand, when the ИНН does not find it (no ИНН,
    several counterparties with one ИНН, a person without ИНН in 1С)."""

    client = models.OneToOneField(
        "accounts.Client",
        on_delete=models.CASCADE,
        related_name="onec_link",
        verbose_name="клиент",
    )
    counterparty = models.CharField(
        "контрагент в 1С",
        max_length=64,
        help_text="Ref_Key контрагента (GUID вида 3f2504e0-4f89-11d3-9a0c-0305e82c3301) "
        "или его код в справочнике «Контрагенты».",
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="изменил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "сопоставление с контрагентом 1С"
        verbose_name_plural = "сопоставление клиентов с 1С"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client} → {self.counterparty}"


class OneCClientState(models.Model):
    """The last data received from 1С for one client and how the last attempt went."""

    class Status(models.TextChoices):
        NEVER = "never", "ещё не синхронизирован"
        OK = "ok", "получено из 1С"
        NOT_FOUND = "not_found", "контрагент не найден в 1С"
        NO_IDENTITY = "no_identity", "нет ИНН и сопоставления"
        ERROR = "error", "ошибка связи с 1С"
        NOT_CONFIGURED = "not_configured", "подключение не настроено"

    client = models.OneToOneField(
        "accounts.Client",
        on_delete=models.CASCADE,
        related_name="onec_state",
        verbose_name="клиент",
    )
    status = models.CharField(
        "последняя попытка", max_length=16, choices=Status.choices, default=Status.NEVER
    )
    last_error = models.TextField("ошибка или причина", blank=True)
    error_at = models.DateTimeField("когда ошибка", null=True, blank=True)
    counterparty_name = models.CharField("контрагент в 1С", max_length=255, blank=True)
    counterparty_keys = models.JSONField("ключи контрагента", default=list, blank=True)
    balance = models.DecimalField(
        "баланс", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    window_start = models.DateTimeField("движения с", null=True, blank=True)
    synced_at = models.DateTimeField("данные на", null=True, blank=True)
    attempted_at = models.DateTimeField("последняя попытка", null=True, blank=True)
    sync_requested_at = models.DateTimeField("синхронизация запрошена", null=True, blank=True)

    class Meta:
        verbose_name = "синхронизация клиента с 1С"
        verbose_name_plural = "синхронизация с 1С"
        ordering = ["-attempted_at", "-id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"1С: {self.client}"


class OneCMovement(models.Model):
    """One document's movement in the client's settlements, as last received from 1С
    (debit = charged to the client, credit = received from or credited to the client)."""

    state = models.ForeignKey(OneCClientState, on_delete=models.CASCADE, related_name="movements")
    occurred_at = models.DateTimeField("дата")
    document = models.CharField("документ", max_length=255)
    debit = models.DecimalField("списано", max_digits=14, decimal_places=2)
    credit = models.DecimalField("зачислено", max_digits=14, decimal_places=2)
    ref = models.CharField("ключ документа в 1С", max_length=64)

    class Meta:
        verbose_name = "движение из 1С"
        verbose_name_plural = "движения из 1С"
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["state", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(fields=["state", "ref"], name="finance_onecmovement_ref_unique")
        ]

    def __str__(self) -> str:
        return self.document


class OneCChange(HistoryEntry):
    """Who changed the 1С settings or a client's link, or asked for a sync, and when."""

    class Action(models.TextChoices):
        CONNECTION = "connection", "изменены настройки подключения"
        CHECK = "check", "проверка подключения"
        LINK_SET = "link_set", "клиент сопоставлен с контрагентом"
        LINK_DELETED = "link_deleted", "сопоставление удалено"
        SYNC = "sync", "запрошена синхронизация"

    action = models.CharField("действие", max_length=16, choices=Action.choices)
    client = models.ForeignKey(
        "accounts.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="клиент",
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = "изменение настроек 1С"
        verbose_name_plural = "история настроек 1С"
