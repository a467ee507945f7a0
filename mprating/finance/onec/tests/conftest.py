"""Fixtures: the fake 1С on localhost, saved connection settings, a client with a history."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.finance.onec import services
from mprating.finance.onec.tests.fake_onec import (
    PASSWORD,
    PAYMENT,
    SALE,
    USER,
    FakeOneC,
)

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 2, 1, 12, 0, tzinfo=MOSCOW)
INN = "7707083893"


@pytest.fixture(autouse=True)
def _onec_settings(settings):
    settings.FINANCE_ONEC_PAGE_SIZE = 3  # several pages even for a small history
    settings.FINANCE_ONEC_BATCH_SIZE = 50
    settings.FINANCE_ONEC_TIMEOUT = 5
    settings.FINANCE_ONEC_WINDOW_DAYS = 90
    settings.FINANCE_ONEC_STALE_MINUTES = 15
    settings.FINANCE_ONEC_TIMEZONE = "Europe/Moscow"
    settings.FINANCE_ONEC_SECRET_KEYS = []


@pytest.fixture
def onec():
    fake = FakeOneC().start()
    yield fake
    fake.stop()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin_user(db):
    return make_staff(superuser=True, email="boss@example.ru")


@pytest.fixture
def connection(db, onec, admin_user):
    return services.connection_update(
        base_url=onec.base_url,
        username=USER,
        password=PASSWORD,
        timeout_seconds=None,
        mapping=None,
        by=admin_user,
    )


@dataclass
class History:
    client: object
    counterparty: str
    key: str
    sale_1: str
    sale_2: str
    payment: str


@pytest.fixture
def history(db, onec) -> History:
    """ООО «Автодеталь» (ИНН 7707083893) in 1С: an old sale before the window, two sales
    (one of two lines) and a payment in January 2026; balance −8 846,00 ₽ (the client owes)."""
    client = make_client(company_name="ООО «Автодеталь»", inn=INN)
    counterparty = onec.add_counterparty(inn=INN, name="ООО «Автодеталь»")
    onec.add_counterparty(inn=INN, name="Удалённый дубль", deleted=True)
    key = onec.add_analytics_key(counterparty)
    old = onec.add_document(SALE, number="ТД00-000042", date="2025-06-01T10:00:00")
    onec.add_record(
        key=key,
        recorder=old,
        recorder_set=SALE,
        period="2025-06-01T10:00:00",
        record_type="Receipt",
        amount="5000",
    )
    sale_1 = onec.add_document(SALE, number="ТД00-000101", date="2026-01-10T12:00:00")
    onec.add_record(
        key=key,
        recorder=sale_1,
        recorder_set=SALE,
        period="2026-01-10T12:00:00",
        record_type="Receipt",
        amount="12345.60",
    )
    payment = onec.add_document(PAYMENT, number="ТД00-000055", date="2026-01-12T09:30:00")
    onec.add_record(
        key=key,
        recorder=payment,
        recorder_set=PAYMENT,
        period="2026-01-12T09:30:00",
        record_type="Expense",
        amount="10000",
    )
    sale_2 = onec.add_document(SALE, number="ТД00-000102", date="2026-01-20T23:30:00")
    for amount in ("1000", "500.40"):
        onec.add_record(
            key=key,
            recorder=sale_2,
            recorder_set=SALE,
            period="2026-01-20T23:30:00",
            record_type="Receipt",
            amount=amount,
        )
    return History(client, counterparty, key, sale_1, sale_2, payment)
