"""The cabinet's left frame, put together from the selectors of the apps that own the data.

Seed 004: «Баланс … всегда выводится в левом фрейме над статусами заказов»; under it the
positions by status and «значок, указывающий какое количество из общего числа отказов не было
просмотрено пользователем»; on «VIN-запросы» the manager's messages the client has not read.
Finance gives the balance, orders the positions and the refusals, garage the unread chat —
each from a per-client row its services maintain, so the frame costs the same for a client
with 50,000 lines as for a new one.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.db import connection

from mprating.accounts.models import Client
from mprating.core.money import ZERO, to_money
from mprating.finance.models import ClientBalance
from mprating.garage.models import ClientChatUnread
from mprating.orders.models import ClientStatusCount, OrderStatus
from mprating.orders.selectors import COUNT_KEYS, StatusCount, positions_from_counts


@dataclass(frozen=True)
class CabinetSummary:
    balance: Decimal = ZERO
    status_counts: list[StatusCount] = field(default_factory=list)
    unread_chat: int = 0
    refusals_total: int = 0
    refusals_unseen: int = 0

    @property
    def attention(self) -> int:
        """What waits for the client: unseen refusals and unread manager messages (the
        badge on the phone's menu button)."""
        return self.refusals_unseen + self.unread_chat

    @property
    def refusals_label(self) -> str:
        """«2 из 5 отказов не просмотрены», «1 из 1 отказа не просмотрен»."""
        total, unseen = self.refusals_total, self.refusals_unseen
        if not unseen:
            return "Все отказы просмотрены"
        noun = "отказа" if total % 10 == 1 and total % 100 != 11 else "отказов"
        verb = "не просмотрен" if unseen % 10 == 1 and unseen % 100 != 11 else "не просмотрены"
        return f"{unseen} из {total} {noun} {verb}"


def cabinet_summary(*, client: Client) -> CabinetSummary:
    """The frame in one statement, whatever the number of lines, ledger entries and messages,
    and none on the order lines (issue 13: the frame costs ≤ 1 ms): the balance row
    (`finance.ClientBalance`), the client's counters by status (`orders.ClientStatusCount`,
    with their status) and the unread-chat row (`garage.ClientChatUnread`) — each kept by its
    app's services in the transaction of the change it counts — read by key, LEFT JOINed to
    the client's id so that one row comes back even when the client has none of them.
    What the rows mean stays with their owners: `orders.selectors.positions_from_counts`
    turns the counters into positions (the same as `client_positions`)."""
    with connection.cursor() as cursor:
        cursor.execute(_frame_sql(), [client.pk])
        rows = cursor.fetchall()
    balance, unread = rows[0][0], rows[0][1]
    positions = positions_from_counts(
        dict(zip(COUNT_KEYS, row[2:], strict=True)) for row in rows if row[2] is not None
    )
    return CabinetSummary(
        # As text, so that SQLite's REAL never becomes a float on the way (money is Decimal).
        balance=ZERO if balance is None else to_money(balance),
        status_counts=positions.status_counts,
        unread_chat=unread or 0,
        refusals_total=positions.refusals_total,
        refusals_unseen=positions.refusals_unseen,
    )


@cache
def _frame_sql() -> str:
    """Built once per process from the models' tables and columns (renames follow)."""
    q = connection.ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    def col(model, field: str) -> str:
        return q(model._meta.get_field(field).column)

    Balance, Unread, Count, Status = ClientBalance, ClientChatUnread, ClientStatusCount, OrderStatus
    counts = ", ".join(f"c.{col(Count, name)}" for name in ("in_work", "total", "unseen"))
    status = ", ".join(f"s.{col(Status, n)}" for n in ("name", "colour", "sort_order", "role"))
    return (
        # Only the models' own table and column names, quoted; no input in the text.
        f"SELECT CAST(b.{col(Balance, 'balance')} AS TEXT), u.{col(Unread, 'unread')}, "  # nosec B608
        f"{counts}, {status} "
        "FROM (SELECT CAST(%s AS BIGINT) AS id) k "
        f"LEFT JOIN {table(Balance)} b ON b.{col(Balance, 'client')} = k.id "
        f"LEFT JOIN {table(Unread)} u ON u.{col(Unread, 'client')} = k.id "
        f"LEFT JOIN {table(Count)} c ON c.{col(Count, 'client')} = k.id "
        f"LEFT JOIN {table(Status)} s ON s.{q(Status._meta.pk.column)} = c.{col(Count, 'status')}"
    )
