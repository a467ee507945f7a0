"""Reads of the client's money: the frame's balance, periods of the ledger, statements.

`client_balance` is what the cabinet frame shows on every page (seed 004: «Баланс, кроме как во
вкладке “Финансы” всегда выводится в левом фрейме»): one indexed query on the maintained
balance row, whatever the size of the ledger.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce

from mprating.accounts.models import Client
from mprating.core.errors import NotFound
from mprating.core.money import ZERO, to_money
from mprating.finance.models import ClientBalance, CreditLimitChange, LedgerEntry, Statement

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
# The files of a ready акт сверки: PDF to print and sign, XLSX for the client's accountant.
FILE_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def client_balance(client_id: int) -> Decimal:
    """The client's balance now (credit − debit of all entries): one query."""
    value = (
        ClientBalance.objects.filter(client_id=client_id).values_list("balance", flat=True).first()
    )
    return ZERO if value is None else value


@dataclass(frozen=True)
class BalanceInfo:
    balance: Decimal
    credit_limit: Decimal

    @property
    def available(self) -> Decimal:
        """How much may be paid from the balance now: balance + credit limit, not below 0."""
        return max(self.balance + self.credit_limit, ZERO)


def balance_info(client_id: int) -> BalanceInfo:
    """Balance and credit limit in one query."""
    row = (
        ClientBalance.objects.filter(client_id=client_id)
        .values_list("balance", "credit_limit")
        .first()
    )
    if row is None:
        return BalanceInfo(balance=ZERO, credit_limit=ZERO)
    return BalanceInfo(balance=row[0], credit_limit=row[1])


def opening_balance(client_id: int, *, at: datetime) -> Decimal:
    """The balance just before the moment `at` (entries with `occurred_at < at`).

    Read as the maintained balance minus the entries from `at` on, in one statement (one
    snapshot): a recent period sums a few rows instead of the client's whole history.
    """
    later = (
        LedgerEntry.objects.filter(client_id=OuterRef("client_id"), occurred_at__gte=at)
        .order_by()
        .values("client_id")
        .annotate(total=Sum(F("credit") - F("debit"), output_field=MONEY_FIELD))
        .values("total")
    )
    row = (
        ClientBalance.objects.filter(client_id=client_id)
        .annotate(later=Coalesce(Subquery(later), Value(ZERO), output_field=MONEY_FIELD))
        .values_list("balance", "later")
        .first()
    )
    if row is None:
        return ZERO
    # SQLite sums decimals as floats: round back to kopecks (exact on PostgreSQL anyway).
    return to_money(row[0] - to_money(row[1]))


def ledger_sum(client_id: int, *, before: datetime | None = None) -> Decimal:
    """Σ credit − Σ debit of the entries (before a moment): the ledger's own view of a
    balance, used to check the maintained one."""
    entries = LedgerEntry.objects.filter(client_id=client_id)
    if before is not None:
        entries = entries.filter(occurred_at__lt=before)
    total = entries.aggregate(
        total=Sum(F("credit") - F("debit"), output_field=MONEY_FIELD, default=ZERO)
    )["total"]
    return to_money(total)


def ledger_rows(client_id: int, *, start: datetime, end: datetime) -> list[tuple]:
    """`(id, occurred_at, kind, document_label, debit, credit)` with `start <= occurred_at <
    end`, oldest first: plain tuples, so a long period costs no model instances."""
    return list(
        LedgerEntry.objects.filter(client_id=client_id, occurred_at__gte=start, occurred_at__lt=end)
        .order_by("occurred_at", "id")
        .values_list("id", "occurred_at", "kind", "document_label", "debit", "credit")
    )


def statements_for_client(client_id: int) -> QuerySet[Statement]:
    return Statement.objects.filter(client_id=client_id).order_by("-created_at", "-id")


def statement_for_client(*, client_id: int, statement_id: int) -> Statement:
    """The client's own statement, else NotFound (another client's id is a 404 too)."""
    statement = Statement.objects.filter(client_id=client_id, pk=statement_id).first()
    if statement is None:
        raise NotFound("Акт сверки не найден.")
    return statement


def statement_file_for_client(
    *, client_id: int, statement_id: int, kind: str
) -> tuple[Statement, FieldFile]:
    """The file (`kind` «pdf» or «xlsx», see `FILE_TYPES`) of the client's own ready акт;
    NotFound for another client's акт, an unknown kind, or an акт not made yet."""
    if kind not in FILE_TYPES:
        raise NotFound("Нет такого файла.")
    statement = statement_for_client(client_id=client_id, statement_id=statement_id)
    stored = statement.pdf if kind == "pdf" else statement.xlsx
    if statement.status != Statement.Status.DONE or not stored:
        raise NotFound("Акт сверки ещё не готов.")
    return statement, stored


def ledger_entries_for_backoffice() -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.select_related("client__user", "created_by")


def client_accounts_for_backoffice(queryset: QuerySet[Client]) -> QuerySet[Client]:
    """Clients with their balance and credit limit (0 when they have no balance row yet)."""
    return queryset.select_related("user").annotate(
        balance_value=Coalesce(
            F("finance_balance__balance"), Value(ZERO), output_field=MONEY_FIELD
        ),
        credit_limit_value=Coalesce(
            F("finance_balance__credit_limit"), Value(ZERO), output_field=MONEY_FIELD
        ),
        balance_updated_at=F("finance_balance__updated_at"),
    )


def credit_limit_history(*, client_id: int) -> QuerySet[CreditLimitChange]:
    return CreditLimitChange.objects.filter(client_id=client_id).select_related("changed_by")


def statements_for_backoffice() -> QuerySet[Statement]:
    return Statement.objects.select_related("client__user", "requested_by")
