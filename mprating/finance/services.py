"""Every change of a client's money: ledger entries, the balance, the credit limit, statements.

Callers in other apps (checkout «С баланса», refusals, returns, package purchases, payment
imports) call `balance_charge` / `balance_credit` with an idempotency key made of their own
document, e.g. `f"order:{order.pk}:charge"`: a retried call returns the first entry.

Each function is one transaction. The client's `ClientBalance` row is locked with
`select_for_update` before an entry is written and updated in the same transaction, so two
concurrent charges are serialized: no lost update, no overdraft beyond the credit limit.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.core.money import ZERO, format_rub, to_money
from mprating.core.tasks import enqueue_on_commit
from mprating.finance import tasks
from mprating.finance.models import (
    KIND_DIRECTION,
    ClientBalance,
    CreditLimitChange,
    DocumentType,
    EntryKind,
    LedgerEntry,
    Statement,
)
from mprating.finance.reports import period_problem

MAX_AMOUNT = Decimal("999999999999.99")  # what Decimal(14, 2) holds
DEBIT_KINDS = {kind for kind, direction in KIND_DIRECTION.items() if direction < 0}
CREDIT_KINDS = {kind for kind, direction in KIND_DIRECTION.items() if direction > 0}
REASON_MIN = 3


@dataclass(frozen=True)
class Document:
    """What an entry refers to: `Document(DocumentType.ORDER, "123", "Заказ MP-000123")`."""

    type: str
    id: str
    label: str


def _money(value: Any, *, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError("amount_invalid", "Введите сумму числом.", field=field) from None
    if isinstance(value, float) or not amount.is_finite():
        raise ApplicationError("amount_invalid", "Введите сумму числом.", field=field)
    if to_money(amount) != amount:
        raise ApplicationError(
            "amount_precision", "Сумма — в рублях и копейках, не точнее 0,01.", field=field
        )
    if abs(amount) > MAX_AMOUNT:
        raise ApplicationError("amount_too_big", "Слишком большая сумма.", field=field)
    return to_money(amount)


def _lock_balance(client_id: int) -> ClientBalance:
    """The client's balance row, locked; created on the client's first entry."""
    row = ClientBalance.objects.select_for_update().filter(client_id=client_id).first()
    if row is not None:
        return row
    if not Client.objects.filter(pk=client_id).exists():
        raise NotFound("Клиент не найден.")
    # Two first entries at once: one INSERT wins, the other is ignored; both then lock it.
    ClientBalance.objects.bulk_create([ClientBalance(client_id=client_id)], ignore_conflicts=True)
    return ClientBalance.objects.select_for_update().get(client_id=client_id)


def _existing_entry(
    idempotency_key: str, *, client_id: int, kind: str, amount: Decimal
) -> LedgerEntry | None:
    entry = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
    if entry is None:
        return None
    if entry.client_id != client_id or entry.kind != kind or entry.amount != amount:
        raise ApplicationError(
            "idempotency_conflict",
            f"Ключ «{idempotency_key}» уже использован для другой операции.",
        )
    return entry


def _actor(by: Any) -> Any:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


@transaction.atomic
def ledger_post(
    *,
    client_id: int,
    kind: str,
    amount: Decimal,
    document: Document,
    idempotency_key: str,
    by: Any = None,
    comment: str = "",
    occurred_at: datetime | None = None,
    enforce_limit: bool = False,
) -> LedgerEntry:
    """Write one ledger entry and move the balance; the same key returns the first entry.

    `amount` is signed: positive is a credit (money received or returned to the client),
    negative a debit (charged to the client); its sign must agree with `kind` (a correction
    may be either). With `enforce_limit` a debit may not take the balance below
    −credit_limit (what `balance_charge` uses). A key already used for another client, kind
    or amount is an error, never a silent second entry.
    """
    if kind not in KIND_DIRECTION:
        raise ApplicationError("entry_kind", f"Неизвестный вид операции: {kind!r}.")
    amount = _money(amount)
    if amount == 0:
        raise ApplicationError("amount_zero", "Сумма операции не может быть нулевой.")
    direction = KIND_DIRECTION[kind]
    if direction and (amount > 0) != (direction > 0):
        side = "поступлением" if direction > 0 else "списанием"
        raise ApplicationError(
            "amount_sign", f"«{EntryKind(kind).label}» может быть только {side}."
        )
    key = (idempotency_key or "").strip()
    if not key or len(key) > 128:
        raise ApplicationError("idempotency_key", "Нужен ключ идемпотентности до 128 символов.")
    if document.type not in DocumentType.values or not (document.label or "").strip():
        raise ApplicationError("entry_document", "Укажите документ операции.")

    existing = _existing_entry(key, client_id=client_id, kind=kind, amount=amount)
    if existing is not None:
        return existing
    balance = _lock_balance(client_id)
    # A twin call with the same key may have waited on this lock while the first committed.
    existing = _existing_entry(key, client_id=client_id, kind=kind, amount=amount)
    if existing is not None:
        return existing
    if enforce_limit and amount < 0 and balance.balance + amount < -balance.credit_limit:
        raise ApplicationError(
            "insufficient_funds",
            f"Недостаточно средств: на балансе {format_rub(balance.balance)}, "
            f"кредитный лимит {format_rub(balance.credit_limit)}, "
            f"к оплате {format_rub(-amount)}.",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                client_id=client_id,
                kind=kind,
                debit=-amount if amount < 0 else ZERO,
                credit=amount if amount > 0 else ZERO,
                document_type=document.type,
                document_id=str(document.id or "")[:64],
                document_label=document.label.strip()[:255],
                occurred_at=occurred_at or now,
                created_at=now,
                created_by=_actor(by),
                comment=(comment or "").strip(),
                idempotency_key=key,
            )
    except IntegrityError:
        # The key was taken by a twin that locked another client's balance (a conflict).
        existing = _existing_entry(key, client_id=client_id, kind=kind, amount=amount)
        if existing is None:
            raise
        return existing
    balance.balance += amount
    balance.updated_at = now
    balance.save(update_fields=["balance", "updated_at"])
    return entry


def balance_charge(
    *,
    client_id: int,
    amount: Decimal,
    document: Document,
    idempotency_key: str,
    kind: str = EntryKind.ORDER_CHARGE,
    by: Any = None,
    comment: str = "",
    occurred_at: datetime | None = None,
) -> LedgerEntry:
    """Charge `amount` (> 0) to the client's balance: an order paid «С баланса», a package.

    Refused with «Недостаточно средств …» when the balance would go below −credit_limit;
    then nothing is written. A retry with the same key returns the first charge.
    """
    if kind not in DEBIT_KINDS:
        raise ApplicationError("entry_kind", "Списать с баланса можно за заказ или пакет.")
    amount = _money(amount)
    if amount <= 0:
        raise ApplicationError("amount_not_positive", "Сумма списания должна быть больше нуля.")
    return ledger_post(
        client_id=client_id,
        kind=kind,
        amount=-amount,
        document=document,
        idempotency_key=idempotency_key,
        by=by,
        comment=comment,
        occurred_at=occurred_at,
        enforce_limit=True,
    )


def balance_credit(
    *,
    client_id: int,
    amount: Decimal,
    document: Document,
    idempotency_key: str,
    kind: str = EntryKind.PAYMENT,
    by: Any = None,
    comment: str = "",
    occurred_at: datetime | None = None,
) -> LedgerEntry:
    """Credit `amount` (> 0): a payment received, a refusal credit, a return refund."""
    if kind not in CREDIT_KINDS:
        raise ApplicationError(
            "entry_kind", "Зачислить можно оплату, возврат за отказ или возврат товара."
        )
    amount = _money(amount)
    if amount <= 0:
        raise ApplicationError("amount_not_positive", "Сумма зачисления должна быть больше нуля.")
    return ledger_post(
        client_id=client_id,
        kind=kind,
        amount=amount,
        document=document,
        idempotency_key=idempotency_key,
        by=by,
        comment=comment,
        occurred_at=occurred_at,
    )


def manual_correction(
    *,
    client_id: int,
    amount: Decimal,
    reason: str,
    by: Any,
    idempotency_key: str | None = None,
    occurred_at: datetime | None = None,
) -> LedgerEntry:
    """A manager's correction of the balance: signed `amount` (+ credit, − debit), a reason.

    The reason is required and is what the client reads as the document of the entry in
    «Финансы» and in the акт. A correction may take the balance below the credit limit: the
    manager decides. The back office passes the key of its confirmation form, so a double
    submit corrects once. `occurred_at` dates it (default now), e.g. to the day of a late bank
    statement it corrects.
    """
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ApplicationError("reason_required", "Укажите причину корректировки.", field="reason")
    if _actor(by) is None:
        raise ApplicationError("actor_required", "Корректировку делает сотрудник магазина.")
    amount = _money(amount)
    if amount == 0:
        raise ApplicationError(
            "amount_zero", "Сумма корректировки не может быть нулевой.", field="amount"
        )
    return ledger_post(
        client_id=client_id,
        kind=EntryKind.CORRECTION,
        amount=amount,
        document=Document(DocumentType.CORRECTION, "", reason[:255]),
        idempotency_key=idempotency_key or f"correction:{uuid.uuid4()}",
        by=by,
        comment=reason,
        occurred_at=occurred_at,
    )


@transaction.atomic
def credit_limit_set(
    *, client_id: int, limit: Decimal, by: Any, comment: str = ""
) -> ClientBalance:
    """Set how far below zero the client may pay from the balance; the change goes to history.

    Lowering the limit below a debt already there is allowed: it only stops new charges.
    """
    limit = _money(limit, field="limit")
    if limit < 0:
        raise ApplicationError(
            "limit_negative", "Кредитный лимит не может быть отрицательным.", field="limit"
        )
    balance = _lock_balance(client_id)
    if balance.credit_limit == limit:
        return balance
    history_record(
        CreditLimitChange,
        by=by,
        comment=comment,
        client_id=client_id,
        old_limit=balance.credit_limit,
        new_limit=limit,
    )
    balance.credit_limit = limit
    balance.updated_at = timezone.now()
    balance.save(update_fields=["credit_limit", "updated_at"])
    return balance


@transaction.atomic
def statement_request(*, client_id: int, start: date, end: date, by: Any = None) -> Statement:
    """Queue an «акт сверки» for the period; an unfinished one for the same period is returned.

    The акт is made by the background task `generate_statement` once this commits.
    """
    problem = period_problem(
        start, end, max_days=settings.FINANCE_STATEMENT_MAX_DAYS, what="акта сверки"
    )
    if problem:
        raise ApplicationError("statement_period", problem.message, field=problem.field)
    if not Client.objects.filter(pk=client_id).exists():
        raise NotFound("Клиент не найден.")
    pending = [Statement.Status.QUEUED, Statement.Status.RUNNING]
    lookup = {"client_id": client_id, "period_start": start, "period_end": end}
    existing = Statement.objects.filter(status__in=pending, **lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            statement = Statement.objects.create(requested_by=_actor(by), **lookup)
    except IntegrityError:
        existing = Statement.objects.filter(status__in=pending, **lookup).first()
        if existing is None:
            raise
        return existing
    enqueue_on_commit(tasks.generate_statement, statement_id=statement.pk)
    return statement
