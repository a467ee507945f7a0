"""The accounting gateway: where the cabinet «Финансы» and the акт сверки read a client's money.

Seed 004: «просмотр финансовой информации, выгружаемой из учётной системы интернет-магазина,
например такой как, “1С:Управление торговлей”». One interface, two implementations chosen by
the setting `FINANCE_GATEWAY`:

- `embedded` (default): our own ledger (`mprating.finance.embedded.EmbeddedGateway`);
- `onec`: 1С:Управление торговлей over OData with a local sync cache
  (`mprating.finance.onec.OneCGateway`, a package of its own).

Views, the statement task and the frame call `get_gateway()` and only the methods below, so
switching the setting changes no view.

The contract every implementation follows
-----------------------------------------
- `client` is an `accounts.Client`. Amounts are `Decimal` with two places, RUB.
- Sign: the store's books. `Movement.debit` is what was charged to the client (a sale, an order
  paid from the balance), `Movement.credit` what was received from or returned to the client
  (a payment, a refund). Both are ≥ 0; a movement normally has one of them non-zero.
  `balance()` = Σ credit − Σ debit: positive means the client has money on account (the store
  owes the client), negative means the client owes the store.
- `balance(client)` is the balance now; `balance(client, at=t)` the balance just before the
  moment `t` (movements with `occurred_at < t`), i.e. the opening balance of a period starting
  at `t`.
- `movements(client, start=, end=)` are the movements with `start <= occurred_at < end`
  (aware datetimes), in chronological order (ties in a stable order). So for any period
  `balance(at=start) + Σ credit − Σ debit == balance(at=end)`; the акт relies on it.
- `last_synced_at(client)` says how fresh the data is: `None` when it is read live (the
  embedded ledger), else the moment the local copy was last brought up to date from the
  accounting system. The page then shows «Данные на ДД.ММ.ГГГГ ЧЧ:ММ» and, when that is older
  than `FINANCE_STALE_AFTER_MINUTES`, a notice that they may be out of date (see `freshness`).
- When the accounting system cannot be reached and there is no usable copy, raise
  `GatewayUnavailable` (an `ApplicationError` with a Russian message): the page shows the
  message instead of failing, a statement task marks the акт failed with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from mprating.core.errors import ApplicationError

if TYPE_CHECKING:
    from mprating.accounts.models import Client

GATEWAYS: dict[str, str] = {
    "embedded": "mprating.finance.embedded.EmbeddedGateway",
    "onec": "mprating.finance.onec.gateway.OneCGateway",
}


@dataclass(frozen=True)
class Movement:
    """One movement of the client's money as the accounting source reports it."""

    occurred_at: datetime
    document: str
    debit: Decimal
    credit: Decimal
    ref: str = ""  # the source's own id of the record (ledger entry id, 1С document GUID)


@runtime_checkable
class AccountingGateway(Protocol):
    name: str

    def balance(self, client: Client, *, at: datetime | None = None) -> Decimal: ...

    def movements(self, client: Client, *, start: datetime, end: datetime) -> list[Movement]: ...

    def last_synced_at(self, client: Client) -> datetime | None: ...


class GatewayUnavailable(ApplicationError):
    """The accounting system did not answer and there is no copy to show."""

    def __init__(
        self,
        message: str = "Учётная система сейчас недоступна, попробуйте через несколько минут.",
    ) -> None:
        super().__init__("accounting_unavailable", message)


def get_gateway() -> AccountingGateway:
    """The gateway named by `FINANCE_GATEWAY` (`embedded` by default, or `onec`)."""
    name = getattr(settings, "FINANCE_GATEWAY", "embedded") or "embedded"
    if name not in GATEWAYS:
        raise ImproperlyConfigured(
            f"FINANCE_GATEWAY must be one of {', '.join(GATEWAYS)}, got {name!r}"
        )
    return import_string(GATEWAYS[name])()


@dataclass(frozen=True)
class Freshness:
    """How current the figures on a page are: `as_of` None means live."""

    as_of: datetime | None
    stale: bool


def freshness(gateway: AccountingGateway, client: Client) -> Freshness:
    synced_at = gateway.last_synced_at(client)
    if synced_at is None:
        return Freshness(as_of=None, stale=False)
    limit = timedelta(minutes=settings.FINANCE_STALE_AFTER_MINUTES)
    return Freshness(as_of=synced_at, stale=timezone.now() - synced_at > limit)
