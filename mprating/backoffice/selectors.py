"""Reads the back office puts together from several apps (floor 7 may read them all)."""

from dataclasses import dataclass

from mprating.accounts.models import ClientStatusChange, DeletionRequest, PersonalDataView
from mprating.accounts.personal_data import (
    deletion_requests_of_client,
    personal_data_views_of_client,
)
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
    # Issue 12 (152-ФЗ): who viewed the personal data (the last 50) and the deletion requests.
    data_views: list[PersonalDataView]
    deletion_requests: list[DeletionRequest]


def client_card(*, client_id: int) -> ClientCard:
    """At most eight queries, whatever the client has: purchases (+ their count), orders (+
    their count), access history, balance with credit limit, views of the personal data,
    deletion requests."""
    purchases, purchases_total = purchases_of_client(client_id=client_id, limit=CARD_ROWS)
    orders, orders_total = orders_of_client(client_id=client_id, limit=CARD_ROWS)
    return ClientCard(
        purchases=purchases,
        purchases_total=purchases_total,
        orders=orders,
        orders_total=orders_total,
        access_history=list(client_status_history(client_id=client_id)),
        money=balance_info(client_id),
        data_views=personal_data_views_of_client(client_id=client_id),
        deletion_requests=deletion_requests_of_client(client_id=client_id),
    )
