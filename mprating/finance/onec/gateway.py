"""`OneCGateway`: the accounting gateway over 1С:Управление торговлей (FINANCE_GATEWAY="onec").

Seed 004 «Финансы»: the window shows «баланс клиента в интернет-магазине на данный момент
времени, а также … транзакции за последние две недели», and «Информация получается путём
запроса и выгрузки её с учётной системы». A page never waits for 1С: the gateway answers from
the last synced data (`OneCClientState`, `OneCMovement`), and when that data is older than
`FINANCE_ONEC_STALE_MINUTES` it queues a refresh (the page shows the time via
`last_synced_at`). If 1С is down the last data stays and the error is recorded.

Only a period older than the kept window (`FINANCE_ONEC_WINDOW_DAYS`, e.g. a reconciliation
statement for last year) is read from 1С there and then; if 1С cannot answer, that raises
`OneCUnavailable` (an `ApplicationError` with a Russian message) instead of a wrong number.

`balance(at=…)` counts movements strictly before `at` (1С's «остаток на начало момента»).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from mprating.finance.gateway import Movement
from mprating.finance.onec import selectors, services
from mprating.finance.onec.models import OneCClientState

Status = OneCClientState.Status


@dataclass(frozen=True)
class OneCStatus:
    """What the «Финансы» page can say about the data: `message` is Russian and empty when
    everything is fine («контрагент не найден в 1С по ИНН …», «1С не ответила …»)."""

    status: str
    label: str
    message: str
    synced_at: datetime | None
    counterparty: str

    @property
    def has_data(self) -> bool:
        return self.synced_at is not None


def _client_id(client) -> int:
    return int(getattr(client, "pk", client))


class OneCGateway:
    name = "onec"

    def __init__(self, *, refresh: bool = True) -> None:
        # refresh=False: read the kept data only (back office lists, tests of reading).
        self.refresh = refresh

    def _state(self, client) -> OneCClientState | None:
        client_id = _client_id(client)
        state = selectors.client_state(client_id)
        if self.refresh and services.sync_is_stale(state):
            services.sync_request(client_id=client_id)
            state = selectors.client_state(client_id)
        return state

    def _window_start(self, state: OneCClientState | None) -> datetime:
        """From when the kept data covers (what the next sync will cover, before the first)."""
        if state is not None and state.window_start is not None:
            return state.window_start
        return timezone.now() - timedelta(days=settings.FINANCE_ONEC_WINDOW_DAYS)

    def balance(self, client, *, at: datetime | None = None) -> Decimal:
        state = self._state(client)
        current = state.balance if state is not None else Decimal("0.00")
        if at is None or (state is not None and state.synced_at and at >= state.synced_at):
            return current
        if at >= self._window_start(state):
            later = selectors.cached_movements(state, start=at) if state is not None else []
            return current - sum((m.credit - m.debit for m in later), Decimal("0.00"))
        return services.live_balance(client_id=_client_id(client), at=at)

    def movements(self, client, *, start: datetime, end: datetime) -> list[Movement]:
        state = self._state(client)
        if start >= self._window_start(state):
            return selectors.cached_movements(state, start=start, end=end) if state else []
        return services.live_movements(client_id=_client_id(client), start=start, end=end)

    def last_synced_at(self, client) -> datetime | None:
        state = selectors.client_state(_client_id(client))
        return state.synced_at if state is not None else None

    def status(self, client) -> OneCStatus:
        state = selectors.client_state(_client_id(client))
        if state is None or state.status == Status.NEVER:
            return OneCStatus(
                status=Status.NEVER,
                label=Status.NEVER.label,
                message="Данные из 1С ещё не получены.",
                synced_at=None,
                counterparty="",
            )
        return OneCStatus(
            status=state.status,
            label=state.get_status_display(),
            message="" if state.status == Status.OK else state.last_error,
            synced_at=state.synced_at,
            counterparty=state.counterparty_name,
        )
