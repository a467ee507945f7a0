"""Ledger entries are made through the services, as in production."""

import itertools
from datetime import datetime
from decimal import Decimal

from mprating.finance import services
from mprating.finance.models import DocumentType, EntryKind, LedgerEntry
from mprating.finance.services import Document

_keys = itertools.count(1)


def pay(client, amount: str | Decimal, *, at: datetime | None = None, key: str = "") -> LedgerEntry:
    number = next(_keys)
    return services.balance_credit(
        client_id=client.pk,
        amount=Decimal(amount),
        document=Document(DocumentType.PAYMENT, str(number), f"Платёжное поручение № {number}"),
        idempotency_key=key or f"test:payment:{number}",
        occurred_at=at,
    )


def charge(
    client, amount: str | Decimal, *, at: datetime | None = None, key: str = ""
) -> LedgerEntry:
    number = next(_keys)
    return services.balance_charge(
        client_id=client.pk,
        amount=Decimal(amount),
        document=Document(DocumentType.ORDER, str(number), f"Заказ MP-{number:06d}"),
        idempotency_key=key or f"test:order:{number}",
        occurred_at=at,
    )


def post(client, kind: str, amount: str | Decimal, *, at: datetime | None = None) -> LedgerEntry:
    """Any kind, without the credit limit (a signed amount: + credit, − debit)."""
    number = next(_keys)
    return services.ledger_post(
        client_id=client.pk,
        kind=kind,
        amount=Decimal(amount),
        document=Document(DocumentType.ORDER, str(number), f"Заказ MP-{number:06d}"),
        idempotency_key=f"test:{kind}:{number}",
        occurred_at=at,
    )


__all__ = ["EntryKind", "charge", "pay", "post"]
