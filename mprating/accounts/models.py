"""Users, clients and the history of a client's access.

One login for everyone (DESIGN.md §1): `User` signs in by e-mail or phone; a `Client` is the
buyer's profile (seed 004 «Личная информация»). A client's access is `User.is_active`: the
back office switches it (seed 000: «Управлять статусом пользователя: активен или нет»).
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from mprating.accounts.phones import format_phone
from mprating.core.history import HistoryEntry


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("E-mail обязателен")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("e-mail", max_length=254)
    phone = models.CharField(
        "телефон", max_length=16, null=True, blank=True, help_text="В формате E.164: +79161234567"
    )
    last_name = models.CharField("фамилия", max_length=100, blank=True)
    first_name = models.CharField("имя", max_length=100, blank=True)
    middle_name = models.CharField("отчество", max_length=100, blank=True)
    is_staff = models.BooleanField(
        "сотрудник",
        default=False,
        help_text="Может входить в бэкофис; что он там видит, решают роли и права.",
    )
    is_active = models.BooleanField(
        "активен",
        default=True,
        help_text="Снимите, чтобы прекратить доступ к сервису: вход и открытые сессии перестают "
        "работать.",
    )
    date_joined = models.DateTimeField("дата регистрации", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.UniqueConstraint(fields=["phone"], name="accounts_user_phone_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone or "")


class CrossScheme(models.IntegerChoices):
    """Seed 004: «Для обычных пользователей … лучше всего использовать схему №1 … Для
    профессионалов лучше использовать схему №2 или даже №3»."""

    DIRECT = 1, "Схема №1 — только прямые аналоги (рекомендуется)"
    TWO_STEPS = 2, "Схема №2 — аналоги аналогов"
    THREE_STEPS = 3, "Схема №3 — цепочки из трёх связей"


class Client(models.Model):
    """A buyer of the store: seed 004 «Личная информация»."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="client"
    )
    company_name = models.CharField("название компании", max_length=255, blank=True)
    inn = models.CharField("ИНН", max_length=12, blank=True)
    markup_percent = models.DecimalField(
        "индивидуальная наценка, %",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    cross_scheme = models.PositiveSmallIntegerField(
        "схема кросс-связей", choices=CrossScheme.choices, default=CrossScheme.DIRECT
    )
    personal_data_consent_at = models.DateTimeField(
        "согласие на обработку персональных данных", null=True, blank=True
    )
    created_at = models.DateTimeField("зарегистрирован", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "клиент"
        verbose_name_plural = "клиенты"
        ordering = ["-created_at", "-id"]
        permissions = [("change_client_status", "Может блокировать и разблокировать клиентов")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(markup_percent__gte=0) & models.Q(markup_percent__lte=100),
                name="accounts_client_markup_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(cross_scheme__in=[1, 2, 3]),
                name="accounts_client_cross_scheme_1_3",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class ClientStatusChange(HistoryEntry):
    """Who switched a client's access, when and why (DESIGN.md §5: every staff change is
    recorded). Append-only: written by `services.client_set_active` through `history_record`;
    the reason is the entry's `comment`."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="status_changes")
    is_active = models.BooleanField("доступ после изменения")

    class Meta(HistoryEntry.Meta):
        verbose_name = "изменение доступа клиента"
        verbose_name_plural = "история доступа"
        indexes = [models.Index(fields=["client", "-changed_at"])]

    def __str__(self) -> str:
        action = "разблокирован" if self.is_active else "заблокирован"
        return f"{self.client}: {action}"


class PersonalDataView(models.Model):
    """Who looked at a client's personal data in the back office, when, and on which page
    (issue 12, 152-ФЗ: «Every view of a client's personal data in the back office is recorded
    (who, when, which client) and listed on the client's card»).

    Append-only and written on GET: an audit row, not a change of the business (the GET-is-safe
    test allows this one table by name). One INSERT per page, nothing else.
    """

    class What(models.TextChoices):
        CARD = "card", "карточка клиента"
        HISTORY = "history", "история изменений клиента"
        EXPORT = "export", "выгрузка в XLSX"
        ORDER = "order", "заказ клиента"
        VIN_REQUEST = "vin_request", "VIN-запрос клиента"
        RETURN = "return", "возврат клиента"

    # PROTECT, as the history's `changed_by`: the journal never loses who looked.
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="кто смотрел",
    )
    client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        related_name="personal_data_views",
        verbose_name="клиент",
    )
    viewed_at = models.DateTimeField("когда", default=timezone.now)
    what = models.CharField("что", max_length=16, choices=What.choices)
    ip = models.GenericIPAddressField("IP-адрес", null=True, blank=True)

    class Meta:
        verbose_name = "просмотр персональных данных"
        verbose_name_plural = "журнал просмотров персональных данных"
        ordering = ["-viewed_at", "-id"]
        indexes = [
            models.Index(fields=["client", "-viewed_at"], name="accounts_pdview_client"),
            models.Index(fields=["viewer", "-viewed_at"], name="accounts_pdview_viewer"),
            models.Index(fields=["-viewed_at", "-id"], name="accounts_pdview_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.get_what_display()}"


class DeletionRequest(models.Model):
    """A client's «Удалить мои данные» (152-ФЗ): waits for an operator or manager, who confirms
    it in the back office; the confirmation anonymizes the personal fields and keeps what
    accounting must keep (orders, their lines and sums, ledger entries, returns' amounts).
    The client may cancel it while it waits. One waiting request per client."""

    class Status(models.TextChoices):
        PENDING = "pending", "Ждёт подтверждения"
        CANCELLED = "cancelled", "Отменён клиентом"
        DONE = "done", "Данные удалены"

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="deletion_requests", verbose_name="клиент"
    )
    status = models.CharField(
        "состояние", max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField("создан", default=timezone.now)
    decided_at = models.DateTimeField("решение", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="подтвердил",
    )

    class Meta:
        verbose_name = "запрос на удаление данных"
        verbose_name_plural = "запросы на удаление данных"
        ordering = ["-created_at", "-id"]
        permissions = [
            ("confirm_deletionrequest", "Может подтверждать удаление персональных данных")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status="pending"),
                name="accounts_deletion_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "cancelled", "done"]),
                name="accounts_deletion_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="accounts_deletion_status")]

    def __str__(self) -> str:
        return f"Запрос на удаление данных № {self.pk}"


class ApiToken(models.Model):
    """A client's personal token for the JSON API (issue 12 «Client API with personal tokens»).

    The client names it and sees it once: `mpr_<prefix>_<secret>`. Only the visible `prefix`
    (to find the row) and a keyed hash of the whole token are kept — HMAC-SHA256 under a key
    derived from `SECRET_KEY` (`services.api_token_digest`) — so neither a copy of the database
    nor the back office can give a token back. A token stops working when it is revoked, when
    it expires or when its client's access is switched off (`User.is_active`).
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("название", max_length=100)
    prefix = models.CharField("начало токена", max_length=16, unique=True)
    digest = models.CharField("отпечаток", max_length=64, editable=False)
    created_at = models.DateTimeField("создан", default=timezone.now)
    expires_at = models.DateTimeField("действует до", null=True, blank=True)
    last_used_at = models.DateTimeField("последнее использование", null=True, blank=True)
    last_used_ip = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    revoked_at = models.DateTimeField("отозван", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто отозвал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "API-токен"
        verbose_name_plural = "API-токены"
        ordering = ["-created_at", "-id"]
        permissions = [("revoke_apitoken", "Может отзывать API-токены клиентов")]
        indexes = [models.Index(fields=["client", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active_at(self, moment) -> bool:
        """Neither revoked nor expired at `moment`."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > moment
