"""The client's money: an append-only ledger, the balance kept beside it, reconciliation statements.

Seed 004 «Финансы»: «простейшее информационное окно, позволяющее увидеть баланс клиента в
интернет-магазине на данный момент времени, а также раскрыть подробности в виде транзакций за
последние две недели … по отдельной кнопке можно запросить акт сверки за определённый период».

Sign convention (the store's books, as in an акт сверки «по данным» the store):
- `debit`  — charged to the client (an order paid «С баланса», a package bought): the client
  owes the store more;
- `credit` — received from or credited to the client (a payment, a refusal or a return refund);
- the client's balance = Σ credit − Σ debit. Positive: the client has money on account (the
  store owes the client); negative: the client owes the store.
Each entry has exactly one of the two amounts positive, the other zero (a database check).

`LedgerEntry` rows are never updated or deleted: there is no code path that does it and the
back office shows them read-only; a mistake is fixed by a correction entry. `ClientBalance` is
the balance maintained in the same transaction as each entry, under a row lock, so the cabinet
frame reads it with one query instead of summing the ledger.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core.history import HistoryEntry
from mprating.core.leases import LeasedJob

MONEY = {"max_digits": 14, "decimal_places": 2}


class EntryKind(models.TextChoices):
    PAYMENT = "payment", "Поступление оплаты"
    ORDER_CHARGE = "order_charge", "Списание за заказ"
    REFUSAL_CREDIT = "refusal_credit", "Возврат за отказ"
    RETURN_REFUND = "return_refund", "Возврат денег за возврат товара"
    PACKAGE_PURCHASE = "package_purchase", "Покупка пакета"
    CORRECTION = "correction", "Корректировка баланса"


# Which side each kind posts to: +1 credit, -1 debit, 0 either (a correction is signed).
KIND_DIRECTION: dict[str, int] = {
    EntryKind.PAYMENT: +1,
    EntryKind.ORDER_CHARGE: -1,
    EntryKind.REFUSAL_CREDIT: +1,
    EntryKind.RETURN_REFUND: +1,
    EntryKind.PACKAGE_PURCHASE: -1,
    EntryKind.CORRECTION: 0,
}


class DocumentType(models.TextChoices):
    """The document an entry comes from (its number or id is `document_id`)."""

    ORDER = "order", "Заказ"
    PAYMENT = "payment", "Платёжный документ"
    RETURN = "return", "Возврат"
    PACKAGE = "package", "Покупка пакета"
    CORRECTION = "correction", "Корректировка"


# How a movement reads in «Финансы» and in the акт: «Списание — Заказ MP-000123». Short, so
# that a document fits the column of a printed акт.
DOCUMENT_TITLES: dict[str, str] = {
    EntryKind.PAYMENT: "Оплата",
    EntryKind.ORDER_CHARGE: "Списание",
    EntryKind.REFUSAL_CREDIT: "Возврат за отказ",
    EntryKind.RETURN_REFUND: "Возврат за товар",
    EntryKind.PACKAGE_PURCHASE: "Покупка пакета",
    EntryKind.CORRECTION: "Корректировка",
}


def entry_document(kind: str, label: str) -> str:
    """What happened and on what document: «Оплата — П/п № 214 от 03.08.2026»."""
    title = DOCUMENT_TITLES[kind]
    if not label or label == title:
        return title
    return f"{title} — {label}"


class LedgerEntry(models.Model):
    """One movement of a client's money; immutable once written (see the module docstring)."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name="клиент"
    )
    kind = models.CharField("операция", max_length=32, choices=EntryKind.choices)
    debit = models.DecimalField("дебет (списано)", default=Decimal("0.00"), **MONEY)
    credit = models.DecimalField("кредит (поступило)", default=Decimal("0.00"), **MONEY)
    document_type = models.CharField("вид документа", max_length=16, choices=DocumentType.choices)
    document_id = models.CharField("номер или id документа", max_length=64, blank=True)
    document_label = models.CharField(
        "документ", max_length=255, help_text="Как его видит человек: «Заказ MP-000123»."
    )
    occurred_at = models.DateTimeField("дата операции", default=timezone.now)
    created_at = models.DateTimeField("записано", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто записал",
    )
    comment = models.TextField("комментарий", blank=True)
    idempotency_key = models.CharField(
        "ключ идемпотентности",
        max_length=128,
        unique=True,
        help_text="Повторная проводка с тем же ключом возвращает первую, а не создаёт вторую.",
    )

    class Meta:
        verbose_name = "операция по балансу"
        verbose_name_plural = "операции по балансу"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # The period reads (page, statement, opening balance) walk one client's entries by
            # date; the amounts are included so PostgreSQL answers sums from the index alone.
            models.Index(
                fields=["client", "occurred_at", "id"],
                name="finance_entry_client_date",
                include=["debit", "credit"],
            ),
            models.Index(fields=["kind", "-occurred_at"], name="finance_entry_kind_date"),
            models.Index(fields=["-occurred_at", "-id"], name="finance_entry_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(credit__gt=0) & Q(debit=0)),
                name="finance_entry_one_side_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in EntryKind]), name="finance_entry_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document_label}"

    @property
    def amount(self) -> Decimal:
        """Signed: + credit, − debit (what the entry does to the balance)."""
        return self.credit - self.debit

    @property
    def document(self) -> str:
        return entry_document(self.kind, self.document_label)


class ClientBalance(models.Model):
    """The client's current balance and credit limit, one row per client.

    Changed only by `finance.services`, in the same transaction as the entry that moves it and
    under `select_for_update`; the invariant `balance == Σ credit − Σ debit` of the client's
    ledger is tested. A client without entries has no row yet: balance 0, limit 0.
    """

    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, related_name="finance_balance", verbose_name="клиент"
    )
    balance = models.DecimalField("баланс", default=Decimal("0.00"), **MONEY)
    credit_limit = models.DecimalField(
        "кредитный лимит",
        default=Decimal("0.00"),
        help_text="На сколько баланс может уйти в минус при оплате с баланса.",
        **MONEY,
    )
    updated_at = models.DateTimeField("изменён", default=timezone.now)

    class Meta:
        verbose_name = "баланс клиента"
        verbose_name_plural = "балансы клиентов"
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit__gte=0), name="finance_balance_limit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.balance}"


class ClientAccount(Client):
    """The back office «Балансы клиентов»: every client with balance and credit limit.

    A proxy, so that a client who has never had an entry can still get a credit limit or a
    correction, and so that finance has permissions of its own for these pages.
    """

    class Meta:
        proxy = True
        verbose_name = "баланс клиента"
        verbose_name_plural = "балансы клиентов"
        permissions = [
            ("correct_balance", "Может корректировать баланс клиента"),
            ("change_credit_limit", "Может менять кредитный лимит клиента"),
        ]


class CreditLimitChange(HistoryEntry):
    """Who changed a client's credit limit, when, from what to what and why."""

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="+", verbose_name="клиент"
    )
    old_limit = models.DecimalField("был", **MONEY)
    new_limit = models.DecimalField("стал", **MONEY)

    class Meta(HistoryEntry.Meta):
        verbose_name = "изменение кредитного лимита"
        verbose_name_plural = "история кредитного лимита"
        indexes = [models.Index(fields=["client", "-changed_at"], name="finance_limit_history")]

    def __str__(self) -> str:
        return f"{self.client}: {self.old_limit} → {self.new_limit}"


def statement_upload_to(instance: "Statement", filename: str) -> str:
    return f"finance/statements/{instance.client_id}/{filename}"


class Statement(LeasedJob):
    """«Акт сверки» for a period, made in the background (seed 004: «по отдельной кнопке
    можно запросить акт сверки за определённый период»). The running task holds a lease
    (`core.leases`): a statement whose worker died is made again by another worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "В очереди"
        RUNNING = "running", "Формируется"
        DONE = "done", "Готов"
        FAILED = "failed", "Ошибка"

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="statements", verbose_name="клиент"
    )
    period_start = models.DateField("период с")
    period_end = models.DateField("период по")
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField("готовность, %", default=0)
    error_message = models.TextField("ошибка", blank=True)
    source = models.CharField("источник данных", max_length=32, blank=True)
    data_as_of = models.DateTimeField("данные на", null=True, blank=True)
    opening_balance = models.DecimalField("сальдо начальное", null=True, blank=True, **MONEY)
    debit_turnover = models.DecimalField("оборот по дебету", null=True, blank=True, **MONEY)
    credit_turnover = models.DecimalField("оборот по кредиту", null=True, blank=True, **MONEY)
    closing_balance = models.DecimalField("сальдо конечное", null=True, blank=True, **MONEY)
    movements_count = models.PositiveIntegerField("операций", null=True, blank=True)
    pdf = models.FileField("PDF", upload_to=statement_upload_to, blank=True, max_length=255)
    xlsx = models.FileField("XLSX", upload_to=statement_upload_to, blank=True, max_length=255)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто запросил",
    )
    created_at = models.DateTimeField("запрошен", default=timezone.now)
    started_at = models.DateTimeField("начат", null=True, blank=True)
    finished_at = models.DateTimeField("закончен", null=True, blank=True)

    class Meta:
        verbose_name = "акт сверки"
        verbose_name_plural = "акты сверки"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="finance_statement_client")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="finance_statement_period_order",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="finance_statement_progress_0_100"
            ),
            # A double click asks for one акт: one unfinished statement per client and period.
            models.UniqueConstraint(
                fields=["client", "period_start", "period_end"],
                condition=Q(status__in=["queued", "running"]),
                name="finance_statement_one_pending_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"Акт сверки {self.period_label}"

    @property
    def period_label(self) -> str:
        return f"с {self.period_start:%d.%m.%Y} по {self.period_end:%d.%m.%Y}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def file_name(self, extension: str) -> str:
        return f"akt-sverki_{self.period_start:%Y-%m-%d}_{self.period_end:%Y-%m-%d}.{extension}"


from mprating.finance.onec.models import *  # noqa: E402, F403 — the 1С adapter keeps its models in its own package
