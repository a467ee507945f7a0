"""The embedded accounting gateway: the store's own ledger (`FINANCE_GATEWAY=embedded`).

The data is read live from `LedgerEntry` and `ClientBalance`, so `last_synced_at` is None.
"""

from datetime import datetime
from decimal import Decimal

from mprating.accounts.models import Client
from mprating.finance import selectors
from mprating.finance.gateway import Movement
from mprating.finance.models import entry_document


class EmbeddedGateway:
    name = "embedded"

    def balance(self, client: Client, *, at: datetime | None = None) -> Decimal:
        if at is None:
            return selectors.client_balance(client.pk)
        return selectors.opening_balance(client.pk, at=at)

    def movements(self, client: Client, *, start: datetime, end: datetime) -> list[Movement]:
        return [
            Movement(
                occurred_at=occurred_at,
                document=entry_document(kind, label),
                debit=debit,
                credit=credit,
                ref=str(entry_id),
            )
            for entry_id, occurred_at, kind, label, debit, credit in selectors.ledger_rows(
                client.pk, start=start, end=end
            )
        ]

    def last_synced_at(self, client: Client) -> datetime | None:
        return None
