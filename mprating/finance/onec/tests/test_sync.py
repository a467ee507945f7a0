"""Syncing a client from the fake 1С: mapping, paging, batching, failures and recovery."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mprating.accounts.tests.factories import make_client
from mprating.finance.onec import services
from mprating.finance.onec.models import OneCClientState, OneCMovement
from mprating.finance.onec.tests.conftest import INN, MOSCOW, NOW
from mprating.finance.onec.tests.fake_onec import REGISTER, SALE

pytestmark = pytest.mark.django_db
Status = OneCClientState.Status


def _movements(state):
    return list(OneCMovement.objects.filter(state=state).order_by("occurred_at", "id"))


def test_balance_and_movements_are_mapped_from_the_register(connection, history, clock):
    # when
    state = services.sync_client(client_id=history.client.pk)

    # then: balance = credits − debits = 10 000 − (5 000 + 12 345,60 + 1 500,40)
    assert state.status == Status.OK
    assert state.last_error == ""
    assert state.balance == Decimal("-8846.00")
    assert state.counterparty_name == "ООО «Автодеталь»"
    assert state.synced_at == NOW
    rows = _movements(state)
    assert [(timezone.localtime(r.occurred_at), r.document, r.debit, r.credit) for r in rows] == [
        (
            datetime(2026, 1, 10, 12, 0, tzinfo=MOSCOW),
            "Реализация товаров и услуг № ТД00-000101 от 10.01.2026",
            Decimal("12345.60"),
            Decimal("0.00"),
        ),
        (
            datetime(2026, 1, 12, 9, 30, tzinfo=MOSCOW),
            "Поступление безналичных денежных средств № ТД00-000055 от 12.01.2026",
            Decimal("0.00"),
            Decimal("10000.00"),
        ),
        (
            # two register lines of one document are one movement; 23:30 in Moscow stays
            # on the 20th (it is the 20th in UTC too, but not in, say, Vladivostok)
            datetime(2026, 1, 20, 23, 30, tzinfo=MOSCOW),
            "Реализация товаров и услуг № ТД00-000102 от 20.01.2026",
            Decimal("1500.40"),
            Decimal("0.00"),
        ),
    ]
    assert {r.ref for r in rows} == {history.sale_1, history.sale_2, history.payment}


def test_the_sign_rule_can_be_reversed_in_the_mapping(connection, history, clock, admin_user):
    # given: a configuration where a payment is the register's receipt
    services.connection_update(
        base_url=connection.base_url,
        username=connection.username,
        password=None,
        timeout_seconds=None,
        mapping={"receipt_is_debit": False},
        by=admin_user,
    )

    # when
    state = services.sync_client(client_id=history.client.pk)

    # then
    assert state.balance == Decimal("8846.00")
    first = _movements(state)[0]
    assert (first.debit, first.credit) == (Decimal("0.00"), Decimal("12345.60"))


def test_movements_are_read_page_by_page(connection, history, clock, onec):
    # given: 8 more payments, 12 records in the window; pages of 3 (test settings)
    for day in range(1, 9):
        payment = onec.add_document(
            "Document_ПоступлениеБезналичныхДенежныхСредств",
            number=f"П-{day}",
            date=f"2026-01-2{day}T10:00:00",
        )
        onec.add_record(
            key=history.key,
            recorder=payment,
            recorder_set="Document_ПоступлениеБезналичныхДенежныхСредств",
            period=f"2026-01-2{day}T10:00:00",
            record_type="Expense",
            amount="100",
        )

    # when
    state = services.sync_client(client_id=history.client.pk)

    # then: every record arrived, read with $top=3 and growing $skip
    assert state.status == Status.OK
    assert len(_movements(state)) == 11
    assert state.balance == Decimal("-8046.00")
    skips = [r.split("$skip=")[1].split("&")[0] for r in onec.requests_to(f"{REGISTER}_RecordType")]
    assert skips[:5] == ["0", "3", "6", "9", "12"]
    assert all("$top=3" in r for r in onec.requests_to(f"{REGISTER}_RecordType"))


def test_long_key_lists_are_split_into_batches(connection, history, clock, onec, settings):
    # given: a counterparty with 120 analytics keys (organisations × contracts)
    settings.FINANCE_ONEC_BATCH_SIZE = 50
    for _ in range(119):
        onec.add_analytics_key(history.counterparty)

    # when
    state = services.sync_client(client_id=history.client.pk)

    # then: 3 or-chains of ≤ 50 keys for the records and for the balance
    assert state.status == Status.OK
    assert state.balance == Decimal("-8846.00")
    record_filters = [r for r in onec.requests_to(f"{REGISTER}_RecordType") if "$skip=0" in r]
    assert len(record_filters) == 3
    for request in record_filters:
        assert request.count("АналитикаУчетаПоПартнерам_Key eq guid'") <= 50
    balance_calls = [r for r in onec.requests if r.startswith(f"{REGISTER}/Balance(")]
    assert len(balance_calls) == 3
    assert [c.count("guid'") for c in balance_calls] == [50, 50, 20]


def test_an_unknown_counterparty_is_a_state_not_an_exception(connection, clock, onec):
    # given: a client whose ИНН is not in 1С
    client = make_client(inn="7736207543")

    # when
    state = services.sync_client(client_id=client.pk)

    # then
    assert state.status == Status.NOT_FOUND
    assert state.last_error == "Контрагент не найден в 1С по ИНН 7736207543."
    assert state.synced_at is None


def test_a_client_without_inn_or_link(connection, clock):
    client = make_client(inn="")

    state = services.sync_client(client_id=client.pk)

    assert state.status == Status.NO_IDENTITY
    assert "не указан ИНН" in state.last_error


def test_a_hand_made_link_finds_the_counterparty_by_ref_key(
    connection, history, clock, onec, admin_user
):
    # given: another client without ИНН, linked by hand to the same counterparty
    other = make_client(inn="")
    services.counterparty_link_set(
        client_id=other.pk, counterparty=history.counterparty.upper(), by=admin_user
    )

    # when
    state = services.sync_client(client_id=other.pk)

    # then
    assert state.status == Status.OK
    assert state.balance == Decimal("-8846.00")


def test_a_link_by_code(connection, clock, onec, admin_user):
    other = make_client(inn="")
    counterparty = onec.add_counterparty(inn="", name="ИП Сидоров", code="00-000777")
    onec.add_analytics_key(counterparty)
    services.counterparty_link_set(client_id=other.pk, counterparty="00-000777", by=admin_user)

    state = services.sync_client(client_id=other.pk)

    assert state.status == Status.OK
    assert state.counterparty_name == "ИП Сидоров"
    assert state.balance == Decimal("0.00")


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        ("500", "Ошибка на стороне 1С (HTTP 500)"),
        ("bad_json", "не читается как JSON"),
        ("timeout", "1С не ответила за 0,3 с"),
    ],
)
def test_1c_down_keeps_the_last_data_records_the_error_and_recovers(
    connection, history, clock, onec, settings, failure, words
):
    # given: a successful sync, then 1С breaks
    services.sync_client(client_id=history.client.pk)
    settings.FINANCE_ONEC_TIMEOUT = 0.3
    onec.sleep_seconds = 1.0
    onec.fail(failure)
    clock.shift(3600)

    # when
    state = services.sync_client(client_id=history.client.pk)

    # then: the data and its time stay, the error is recorded
    assert state.status == Status.ERROR
    assert words in state.last_error
    assert state.error_at == NOW + (timedelta(hours=1))
    assert state.synced_at == NOW
    assert state.balance == Decimal("-8846.00")
    assert len(_movements(state)) == 3

    # and when 1С is back, the next sync recovers by itself
    onec.fail(None)
    clock.shift(60)
    state = services.sync_client(client_id=history.client.pk)
    assert state.status == Status.OK
    assert state.last_error == ""
    assert state.synced_at == NOW + timedelta(hours=1, minutes=1)


def test_a_bom_before_the_json_is_skipped(connection, history, clock, onec):
    onec.fail("bom")

    state = services.sync_client(client_id=history.client.pk)

    assert state.status == Status.OK
    assert state.balance == Decimal("-8846.00")


def test_an_unpublished_document_set_keeps_the_movement_without_a_number(
    connection, history, clock, onec
):
    onec.unpublished.add("Document_ПоступлениеБезналичныхДенежныхСредств")

    state = services.sync_client(client_id=history.client.pk)

    assert state.status == Status.OK
    documents = [m.document for m in _movements(state)]
    assert "Поступление безналичных денежных средств от 12.01.2026" in documents


def test_an_unpublished_register_is_an_error_with_the_1c_message(connection, history, clock, onec):
    onec.unpublished.add(f"{REGISTER}_RecordType")

    state = services.sync_client(client_id=history.client.pk)

    assert state.status == Status.ERROR
    assert "HTTP 404" in state.last_error
    assert f"Не найден ресурс {REGISTER}_RecordType" in state.last_error


def test_records_that_do_not_add_up_to_the_turnovers_are_not_stored(
    connection, history, clock, onec, monkeypatch
):
    # given: a sync that stored data, then 1С keeps «losing» a record while paging
    services.sync_client(client_id=history.client.pk)
    from mprating.finance.onec.tests import fake_onec

    original = fake_onec.FakeOneC._rows

    def lossy(self, resource, query):
        rows = original(self, resource, query)
        if resource.endswith("_RecordType") and query.get("$skip") == "0":
            return rows[1:]
        return rows

    monkeypatch.setattr(fake_onec.FakeOneC, "_rows", lossy)
    clock.shift(3600)

    # when
    state = services.sync_client(client_id=history.client.pk)

    # then: read twice, still inconsistent → the last good data stays
    assert state.status == Status.ERROR
    assert "не сходятся с оборотами" in state.last_error
    assert len(_movements(state)) == 3
    assert state.synced_at == NOW


def test_sync_twice_gives_the_same_data(connection, history, clock):
    first = services.sync_client(client_id=history.client.pk)
    before = [(m.ref, m.debit, m.credit) for m in _movements(first)]

    second = services.sync_client(client_id=history.client.pk)

    assert [(m.ref, m.debit, m.credit) for m in _movements(second)] == before
    assert second.balance == first.balance


def test_unconfigured_connection_is_a_clear_state(db, clock):
    client = make_client(inn=INN)

    state = services.sync_client(client_id=client.pk)

    assert state.status == Status.NOT_CONFIGURED
    assert state.last_error == "Подключение к 1С не настроено в бэкофисе."


def test_a_document_unknown_to_the_mapping_is_spelt_out(connection, history, clock, onec):
    refund = onec.add_document(
        "Document_АктВыполненныхРабот", number="А-7", date="2026-01-25T10:00:00"
    )
    onec.add_record(
        key=history.key,
        recorder=refund,
        recorder_set="Document_АктВыполненныхРабот",
        period="2026-01-25T10:00:00",
        record_type="Receipt",
        amount="300",
    )

    state = services.sync_client(client_id=history.client.pk)

    assert "Акт выполненных работ № А-7 от 25.01.2026" in [m.document for m in _movements(state)]


def test_records_of_the_sale_document_set_are_selected_by_period(connection, history, clock, onec):
    services.sync_client(client_id=history.client.pk)

    request = onec.requests_to(f"{REGISTER}_RecordType")[0]
    assert "Period ge datetime'2025-11-03T12:00:00'" in request
    assert "Period lt datetime'2026-02-01T12:00:00'" in request
    assert SALE not in request
