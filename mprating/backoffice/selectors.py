"""Reads the back office puts together from several apps (floor 7 may read them all)."""

from dataclasses import dataclass

from mprating.accounts.models import ClientStatusChange
from mprating.accounts.selectors import client_status_history
from mprating.billing.models import PackagePurchase
from mprating.billing.selectors import purchases_of_client
from mprating.finance.selectors import BalanceInfo, balance_info
from mprating.orders.selectors import ClientOrderRow, orders_of_client

CARD_ROWS = 10


@dataclass(frozen=True)
class ClientCard:
    """Seed 000 «Пользователи»: «Видеть их покупки (покупки пакетов)», «Видеть личные данные
    пользователя» — and, to judge a client, the orders, the money and the access history."""

    purchases: list[PackagePurchase]
    purchases_total: int
    orders: list[ClientOrderRow]
    orders_total: int
    access_history: list[ClientStatusChange]
    money: BalanceInfo


def client_card(*, client_id: int) -> ClientCard:
    """At most six queries, whatever the client has: purchases (+ their count), orders (+ their
    count), access history, balance with credit limit."""
    purchases, purchases_total = purchases_of_client(client_id=client_id, limit=CARD_ROWS)
    orders, orders_total = orders_of_client(client_id=client_id, limit=CARD_ROWS)
    return ClientCard(
        purchases=purchases,
        purchases_total=purchases_total,
        orders=orders,
        orders_total=orders_total,
        access_history=list(client_status_history(client_id=client_id)),
        money=balance_info(client_id),
    )
