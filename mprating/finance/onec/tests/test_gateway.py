"""`OneCGateway`: the Protocol over the kept data, refresh on demand, old periods live."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.finance.gateway import AccountingGateway, Movement
from mprating.finance.onec import services
from mprating.finance.onec.gateway import OneCGateway
from mprating.finance.onec.models import OneCClientState
from mprating.finance.onec.services import OneCUnavailable
from mprating.finance.onec.tests.conftest import MOSCOW, NOW
from mprating.finance.onec.tests.fake_onec import COUNTERPARTIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(django_capture_on_commit_callbacks):
    """The client opens «Финансы»: the gateway is asked, a queued sync runs after commit."""

    def open_page(gateway, client):
        with django_capture_on_commit_callbacks(execute=True):
            return gateway.balance(client)

    return open_page


def test_it_is_an_accounting_gateway():
    gateway: AccountingGateway = OneCGateway()
    assert gateway.name == "onec"


def test_first_look_queues_a_sync_and_then_answers_from_1c(connection, history, clock, opened):
    # when: the client opens «Финансы» for the first time
    gateway = OneCGateway()
    first = opened(gateway, history.client)

    # then: nothing to show yet, the sync was queued and has run (test task backend)
    assert first == Decimal("0.00")
    assert gateway.balance(history.client) == Decimal("-8846.00")
    assert gateway.last_synced_at(history.client) == NOW
    two_weeks = gateway.movements(history.client, start=NOW - timedelta(days=14), end=NOW)
    assert [m.document for m in two_weeks] == [
        "Реализация товаров и услуг № ТД00-000102 от 20.01.2026"
    ]
    assert isinstance(two_weeks[0], Movement)


def test_fresh_data_is_not_asked_again(connection, history, clock, onec, opened):
    gateway = OneCGateway()
    opened(gateway, history.client)
    asked = len(onec.requests)

    clock.shift(timedelta(minutes=10))
    gateway.balance(history.client)
    gateway.movements(history.client, start=NOW - timedelta(days=14), end=NOW)

    assert len(onec.requests) == asked


def test_stale_data_is_refreshed(connection, history, clock, onec, opened):
    gateway = OneCGateway()
    opened(gateway, history.client)
    onec.add_record(
        key=history.key,
        recorder=history.payment,
        recorder_set="Document_ПоступлениеБезналичныхДенежныхСредств",
        period="2026-02-01T12:10:00",
        record_type="Expense",
        amount="846",
    )

    clock.shift(timedelta(minutes=16))

    assert opened(gateway, history.client) == Decimal("-8846.00")  # what was kept, at once
    assert gateway.balance(history.client) == Decimal("-8000.00")  # after the queued sync
    assert gateway.last_synced_at(history.client) == NOW + timedelta(minutes=16)


def test_1c_down_returns_the_last_data_with_its_time_and_records_the_error(
    connection, history, clock, onec, opened
):
    gateway = OneCGateway()
    opened(gateway, history.client)
    onec.fail("500")
    clock.shift(timedelta(hours=2))

    # when: the page asks again, the refresh fails
    balance = opened(gateway, history.client)
    movements = gateway.movements(history.client, start=NOW - timedelta(days=30), end=NOW)

    # then
    assert balance == Decimal("-8846.00")
    assert len(movements) == 3
    assert gateway.last_synced_at(history.client) == NOW
    status = gateway.status(history.client)
    assert status.status == OneCClientState.Status.ERROR
    assert "Ошибка на стороне 1С (HTTP 500)" in status.message
    assert status.has_data


def test_balance_at_a_moment_in_the_window_comes_from_the_kept_movements(
    connection, history, clock, onec, opened
):
    gateway = OneCGateway()
    opened(gateway, history.client)
    asked = len(onec.requests)

    # before the payment of 12.01 09:30: −5 000 − 12 345,60
    at = datetime(2026, 1, 12, 9, 30, tzinfo=MOSCOW)

    assert gateway.balance(history.client, at=at) == Decimal("-17345.60")
    assert gateway.balance(history.client, at=at + timedelta(seconds=1)) == Decimal("-7345.60")
    assert len(onec.requests) == asked


def test_an_older_period_is_read_from_1c(connection, history, clock, opened):
    gateway = OneCGateway()
    opened(gateway, history.client)
    start = datetime(2025, 5, 1, tzinfo=MOSCOW)
    end = datetime(2025, 7, 1, tzinfo=MOSCOW)

    assert gateway.balance(history.client, at=start) == Decimal("0.00")
    assert gateway.balance(history.client, at=end) == Decimal("-5000.00")
    assert [m.document for m in gateway.movements(history.client, start=start, end=end)] == [
        "Реализация товаров и услуг № ТД00-000042 от 01.06.2025"
    ]


def test_an_older_period_with_1c_down_is_a_clear_error(connection, history, clock, onec, opened):
    gateway = OneCGateway()
    opened(gateway, history.client)
    onec.fail("500")

    with pytest.raises(OneCUnavailable) as error:
        gateway.movements(
            history.client,
            start=datetime(2025, 1, 1, tzinfo=MOSCOW),
            end=datetime(2025, 7, 1, tzinfo=MOSCOW),
        )

    assert error.value.message.startswith(
        "Данные за этот период хранятся только в 1С, а 1С сейчас недоступна"
    )
    assert OneCClientState.objects.get(client=history.client).status == "error"


def test_an_unknown_counterparty_is_shown_as_a_state(connection, clock, opened):
    client = make_client(inn="7736207543")
    gateway = OneCGateway()

    assert opened(gateway, client) == Decimal("0.00")
    assert gateway.movements(client, start=NOW - timedelta(days=14), end=NOW) == []
    status = gateway.status(client)
    assert status.message == "Контрагент не найден в 1С по ИНН 7736207543."
    assert gateway.last_synced_at(client) is None


def test_reading_without_refresh_never_calls_1c(connection, history, clock, onec):
    gateway = OneCGateway(refresh=False)

    assert gateway.balance(history.client) == Decimal("0.00")
    assert gateway.status(history.client).message == "Данные из 1С ещё не получены."
    assert onec.requests_to(COUNTERPARTIES) == []


def test_a_queued_first_sync_is_said_plainly(connection, history, clock):
    gateway = OneCGateway()
    gateway.balance(history.client)  # queued, not run (no commit in this test)

    status = gateway.status(history.client)

    assert (status.status, status.message) == ("never", "Данные из 1С ещё не получены.")
    assert status.has_data is False


def test_a_sync_requested_twice_in_a_row_is_queued_once(connection, history, clock, onec):
    assert services.sync_request(client_id=history.client.pk) is True
    onec.requests.clear()

    assert services.sync_request(client_id=history.client.pk) is False
    assert onec.requests == []


def test_the_gateway_costs_a_constant_number_of_queries(
    connection, history, clock, opened, django_assert_max_num_queries
):
    gateway = OneCGateway()
    opened(gateway, history.client)

    with django_assert_max_num_queries(2):
        gateway.movements(history.client, start=NOW - timedelta(days=60), end=NOW)
