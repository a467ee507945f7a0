"""The accounting gateway: where a client's balance and movements come from.

Two implementations: the embedded ledger (default) and 1С:Управление торговлей over OData.
Chosen by the setting FINANCE_GATEWAY = "embedded" | "onec".
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class Movement:
    occurred_at: datetime
    document: str
    debit: Decimal
    credit: Decimal
    ref: str = ""


class AccountingGateway(Protocol):
    name: str

    def balance(self, client, *, at: datetime | None = None) -> Decimal: ...

    def movements(self, client, *, start: datetime, end: datetime) -> list[Movement]: ...

    def last_synced_at(self, client) -> datetime | None: ...
