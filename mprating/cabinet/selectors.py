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

from mprating.accounts.models import Client
from mprating.core.money import ZERO
from mprating.finance.selectors import client_balance
from mprating.garage.selectors import unread_for_client_total
from mprating.orders.selectors import StatusCount, client_positions


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
    """Three small reads by key, whatever the number of lines, ledger entries and messages, and
    none on the order lines (issue 13: the frame costs ≤ 1 ms): the balance row
    (`finance.ClientBalance`), the client's counters by status (`orders.ClientStatusCount`:
    positions in work, refusals and the unseen ones) and the unread-chat row
    (`garage.ClientChatUnread`) — each kept by its app's services in the transaction of the
    change it counts."""
    positions = client_positions(client=client)
    return CabinetSummary(
        balance=client_balance(client.pk),
        status_counts=positions.status_counts,
        unread_chat=unread_for_client_total(client),
        refusals_total=positions.refusals_total,
        refusals_unseen=positions.refusals_unseen,
    )
