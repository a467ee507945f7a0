"""Packages of requests (заявки) the store sells and the clients' purchases of them.

Seed 000 «Монетизация» (the section is marked «в разработке») and «Пользователи»: staff must
«видеть их покупки (покупки пакетов)». DESIGN.md §1: «Clients can buy packages (monetization)»;
GLOSSARY: «Пакет, покупка пакета — paid bundles of requests».

A `Package` is what is on sale: a price for a number of requests valid for a number of days.
A `PackagePurchase` copies the package as it was bought (name, price, requests, validity), so a
later change of the package never changes what a client paid for. A purchase is paid either
from the balance (at once, by `cabinet.services.package_buy`) or by invoice (it waits until an
operator confirms the payment in the back office); it is valid from the moment it is paid for
`validity_days` days, and each order placed takes one request from it
(`services.package_quota_use`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core.history import HistoryEntry
from mprating.core.money import format_rub
from mprating.core.text import count_ru, days_ru

PURCHASE_NUMBER_PREFIX = "П-"
MONEY = {"max_digits": 12, "decimal_places": 2}


def requests_label(n: int) -> str:
    """«1 заявка», «3 заявки», «5 заявок»."""
    return count_ru(n, "заявка", "заявки", "заявок")


class Package(models.Model):
    """A package on the store's price list: `requests_included` orders within `validity_days`
    of the payment, for `price`. Only packages `is_on_sale` can be bought; one taken off sale
    stays with the purchases made of it (PROTECT)."""

    name = models.CharField("название", max_length=100, unique=True)
    description = models.TextField("описание", blank=True)
    price = models.DecimalField("цена, ₽", **MONEY)
    requests_included = models.PositiveIntegerField("заявок в пакете")
    validity_days = models.PositiveSmallIntegerField("срок действия, дней")
    is_on_sale = models.BooleanField("в продаже", default=True)
    sort_order = models.PositiveSmallIntegerField(
        "порядок", default=100, help_text="Меньше — выше в списке у клиента."
    )
    created_at = models.DateTimeField("создан", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "пакет"
        verbose_name_plural = "пакеты"
        ordering = ["sort_order", "price", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gt=0),
                name="billing_package_price_positive",
                violation_error_message="Цена пакета должна быть больше нуля.",
            ),
            models.CheckConstraint(
                condition=Q(requests_included__gte=1),
                name="billing_package_requests_positive",
                violation_error_message="В пакете должна быть хотя бы одна заявка.",
            ),
            models.CheckConstraint(
                condition=Q(validity_days__gte=1),
                name="billing_package_validity_positive",
                violation_error_message="Срок действия пакета — хотя бы один день.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def requests_label(self) -> str:
        return requests_label(self.requests_included)

    @property
    def validity_label(self) -> str:
        return days_ru(self.validity_days)

    @property
    def price_label(self) -> str:
        return format_rub(self.price)


class PurchaseStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "Ожидает оплаты"
    PAID = "paid", "Оплачен"
    CANCELLED = "cancelled", "Отменён"


class PurchaseMethod(models.TextChoices):
    BALANCE = "balance", "С баланса"
    INVOICE = "invoice", "По счёту"


class PackagePurchase(models.Model):
    """A client's purchase of a package, with the package copied as it was sold.

    Status: awaiting payment (by invoice) → paid (valid from `paid_at` until `valid_until`,
    exclusive: at `valid_until` it has expired) or → cancelled. `requests_left` goes down by
    one per order placed (`services.package_quota_use`, under a row lock, with `F()`).
    `idempotency_key` comes from the buy form: a double submit makes one purchase.
    """

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="package_purchases", verbose_name="клиент"
    )
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="purchases", verbose_name="пакет"
    )
    name = models.CharField("пакет", max_length=100)
    price = models.DecimalField("цена, ₽", **MONEY)
    requests_total = models.PositiveIntegerField("заявок в пакете")
    validity_days = models.PositiveSmallIntegerField("срок действия, дней")
    payment_method = models.CharField(
        "способ оплаты", max_length=16, choices=PurchaseMethod.choices
    )
    status = models.CharField(
        "состояние",
        max_length=20,
        choices=PurchaseStatus.choices,
        default=PurchaseStatus.AWAITING_PAYMENT,
    )
    created_at = models.DateTimeField("оформлен", default=timezone.now)
    paid_at = models.DateTimeField("оплачен", null=True, blank=True)
    valid_until = models.DateTimeField("действует до", null=True, blank=True)
    requests_left = models.PositiveIntegerField("осталось заявок")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="оплату подтвердил",
    )
    cancelled_at = models.DateTimeField("отменён", null=True, blank=True)
    idempotency_key = models.UUIDField("ключ формы", default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = "покупка пакета"
        verbose_name_plural = "покупки пакетов"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "idempotency_key"], name="billing_purchase_idempotency"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PurchaseStatus.values), name="billing_purchase_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=PurchaseMethod.values),
                name="billing_purchase_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(requests_left__lte=F("requests_total")),
                name="billing_purchase_requests_left_within_total",
            ),
            # Paid ⇔ has the moment of payment and the end of validity.
            models.CheckConstraint(
                condition=(
                    Q(status="paid") & Q(paid_at__isnull=False) & Q(valid_until__isnull=False)
                )
                | (~Q(status="paid") & Q(paid_at__isnull=True) & Q(valid_until__isnull=True)),
                name="billing_purchase_paid_has_dates",
            ),
        ]
        indexes = [
            # Quota use at every checkout: the client's paid purchases still valid.
            models.Index(
                fields=["client", "valid_until"],
                condition=Q(status="paid"),
                name="billing_purchase_client_valid",
            ),
            models.Index(fields=["client", "-created_at"], name="billing_purchase_client"),
            models.Index(fields=["-created_at", "-id"], name="billing_purchase_created"),
            # The back office home's «Покупок пакетов ждут оплаты»: a few rows among many.
            models.Index(
                fields=["status"],
                condition=Q(status="awaiting_payment"),
                name="billing_purchase_awaiting",
            ),
            models.Index(fields=["status", "-created_at"], name="billing_purchase_status"),
            # The revenue page groups paid purchases by month of payment.
            models.Index(fields=["paid_at"], include=["price"], name="billing_purchase_paid_at"),
        ]

    def __str__(self) -> str:
        return f"{self.number} «{self.name}»"

    @staticmethod
    def number_for(pk: int) -> str:
        return f"{PURCHASE_NUMBER_PREFIX}{pk:06d}"

    @property
    def number(self) -> str:
        """What the client and the operator quote (also the invoice's number): «П-000012»."""
        return self.number_for(self.pk) if self.pk else ""

    @property
    def requests_total_label(self) -> str:
        return requests_label(self.requests_total)

    @property
    def requests_left_label(self) -> str:
        return requests_label(self.requests_left)

    @property
    def validity_label(self) -> str:
        return days_ru(self.validity_days)

    def is_valid_at(self, moment) -> bool:
        """Paid and not expired at `moment` (valid_until itself is already past)."""
        return (
            self.status == PurchaseStatus.PAID
            and self.valid_until is not None
            and moment < self.valid_until
        )

    @property
    def is_expired(self) -> bool:
        return self.status == PurchaseStatus.PAID and not self.is_valid_at(timezone.now())


class PackageChange(HistoryEntry):
    """Who created or changed a package (price, requests, validity, on sale), when, and what
    exactly — the comment lists the changes («цена: 1 000,00 ₽ → 1 200,00 ₽»)."""

    package = models.ForeignKey(
        Package, on_delete=models.CASCADE, related_name="history", verbose_name="пакет"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = "изменение пакета"
        verbose_name_plural = "история пакетов"
        indexes = [models.Index(fields=["package", "-changed_at"], name="billing_package_history")]

    def __str__(self) -> str:
        return f"{self.package_id}: {self.comment}"


class PurchaseChange(HistoryEntry):
    """The life of a purchase: made, paid (from the balance, or an invoice payment confirmed
    by whom), cancelled (by whom, why). `status` is the state after the change."""

    purchase = models.ForeignKey(
        PackagePurchase, on_delete=models.CASCADE, related_name="history", verbose_name="покупка"
    )
    status = models.CharField("состояние", max_length=20, choices=PurchaseStatus.choices)

    class Meta(HistoryEntry.Meta):
        verbose_name = "изменение покупки пакета"
        verbose_name_plural = "история покупок пакетов"
        indexes = [
            models.Index(fields=["purchase", "-changed_at"], name="billing_purchase_history")
        ]

    def __str__(self) -> str:
        return f"{self.purchase_id}: {self.get_status_display()}"
