"""`/api/v1/finance`: the cabinet's «Финансы» as JSON — the balance and the operations read
through the same gateway and period report, the акт сверки through the same service, 404 for
another client's акт, constant query counts.

Seed 004: «позволяющее увидеть баланс клиента … а также раскрыть подробности в виде
транзакций за последние две недели … по отдельной кнопке можно запросить акт сверки за
определённый период».
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mprating.accounts.tests.factories import make_client
from mprating.core.testing import count_queries
from mprating.finance import services
from mprating.finance.gateway import GatewayUnavailable
from mprating.finance.models import ClientBalance, LedgerEntry, Statement
from mprating.finance.statements import statement_generate
from mprating.finance.tests.factories import charge, pay

pytestmark = pytest.mark.django_db
BASE = "/api/v1/finance"


@pytest.fixture
def customer(client):
    account = make_client(email="dengi@example.ru", company_name="ООО «Колесо»")
    client.force_login(account.user)
    return account


@pytest.fixture
def stranger():
    return make_client(email="chuzhoi@example.ru")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def _walk(client, url, limit, **query):
    seen, cursor = [], None
    for _ in range(50):
        params = {**query, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the pages did not end")


def test_finance_requires_a_session(client):
    assert client.get(f"{BASE}/balance").status_code == 401


def test_balance_credit_limit_and_what_is_available(client, customer):
    services.credit_limit_set(client_id=customer.pk, limit=Decimal("5000"), by=None)
    pay(customer, "20000.00", at=days_ago(30))
    charge(customer, "1234.50", at=days_ago(3))

    body = client.get(f"{BASE}/balance").json()

    # Money is a decimal string, never a float.
    assert body["balance"] == "18765.50"
    assert body["credit_limit"] == "5000.00"
    assert body["available"] == "23765.50"
    assert body["data_as_of"] is None and body["stale"] is False and body["notice"] == ""


def test_a_debt_within_the_limit_leaves_the_rest_available(client, customer):
    services.credit_limit_set(client_id=customer.pk, limit=Decimal("1000"), by=None)
    charge(customer, "400.00")

    body = client.get(f"{BASE}/balance").json()

    assert (body["balance"], body["available"]) == ("-400.00", "600.00")


def test_data_copied_from_1c_says_how_fresh_it_is(client, customer, monkeypatch, settings):
    settings.FINANCE_STALE_AFTER_MINUTES = 60
    synced = timezone.now() - timedelta(hours=3)
    monkeypatch.setattr(
        "mprating.finance.embedded.EmbeddedGateway.last_synced_at", lambda self, client: synced
    )

    body = client.get(f"{BASE}/balance").json()
    period = client.get(f"{BASE}/period").json()

    assert body["stale"] is True and body["data_as_of"] is not None
    assert body["notice"] == (
        f"Данные учётной системы на {timezone.localtime(synced):%d.%m.%Y %H:%M}. Они могут быть "
        "неактуальны: обновление из учётной системы задерживается."
    )
    assert period["stale"] is True


def test_an_unreachable_accounting_system_is_503_in_russian(client, customer, monkeypatch):
    def unavailable(self, client, *, at=None):
        raise GatewayUnavailable()

    monkeypatch.setattr("mprating.finance.embedded.EmbeddedGateway.balance", unavailable)

    for url in ("balance", "transactions", "period"):
        response = client.get(f"{BASE}/{url}")
        assert response.status_code == 503
        assert response.json() == {
            "code": "accounting_unavailable",
            "message": "Учётная система сейчас недоступна, попробуйте через несколько минут.",
            "field": None,
        }


def test_transactions_of_the_last_two_weeks_with_the_balance_after_each(client, customer):
    pay(customer, "20000.00", at=days_ago(30))
    charge(customer, "1234.50", at=days_ago(3))
    pay(customer, "300.00", at=days_ago(1))

    body = client.get(f"{BASE}/transactions").json()
    period = client.get(f"{BASE}/period").json()

    assert [(i["debit"], i["credit"], i["balance_after"]) for i in body["items"]] == [
        ("1234.50", "0.00", "18765.50"),
        ("0.00", "300.00", "19065.50"),
    ]
    assert body["items"][0]["document"].startswith("Списание — Заказ MP-")
    assert body["next_cursor"] is None
    today = timezone.localdate()
    assert period == {
        "date_from": f"{today - timedelta(days=13):%Y-%m-%d}",
        "date_to": f"{today:%Y-%m-%d}",
        "opening": "20000.00",
        "debit_total": "1234.50",
        "credit_total": "300.00",
        "closing": "19065.50",
        "count": 2,
        "data_as_of": None,
        "stale": False,
    }


def test_transactions_of_a_chosen_period(client, customer):
    pay(customer, "100.00", at=days_ago(40))
    pay(customer, "200.00", at=days_ago(30))
    today = timezone.localdate()
    query = {
        "date_from": f"{today - timedelta(days=45):%Y-%m-%d}",
        "date_to": f"{today - timedelta(days=35):%Y-%m-%d}",
    }

    body = client.get(f"{BASE}/transactions", query).json()

    assert [i["credit"] for i in body["items"]] == ["100.00"]


def test_cursor_walk_returns_every_operation_once_in_order(client, customer):
    entries = [pay(customer, f"{n + 1}.00", at=days_ago(5)) for n in range(7)]
    entries += [charge(customer, "1.00", at=days_ago(2)) for _ in range(3)]

    seen = _walk(client, f"{BASE}/transactions", limit=3)

    assert [item["id"] for item in seen] == [str(entry.pk) for entry in entries]
    assert seen[-1]["balance_after"] == "25.00"


def test_a_cursor_of_another_period_is_refused(client, customer):
    for _ in range(3):
        pay(customer, "1.00", at=days_ago(1))
    cursor = client.get(f"{BASE}/transactions", {"limit": 1}).json()["next_cursor"]
    today = timezone.localdate()

    response = client.get(
        f"{BASE}/transactions",
        {"cursor": cursor, "date_from": f"{today - timedelta(days=3):%Y-%m-%d}", "date_to": today},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor" and response.json()["field"] == "cursor"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "date_to", "Дата окончания раньше"),
        ({"date_from": "2026-03-01"}, "date_to", "Укажите дату окончания периода."),
        ({"date_from": "2020-01-01", "date_to": "2026-01-01"}, "date_from", "Период выписки не"),
    ],
)
def test_a_bad_period_is_400_on_its_field(client, customer, query, field, message):
    response = client.get(f"{BASE}/transactions", query)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "period_invalid" and body["field"] == field
    assert body["message"].startswith(message)


def test_a_date_that_is_not_a_date_is_422_in_russian(client, customer):
    response = client.get(f"{BASE}/transactions", {"date_from": "31.03.2026", "date_to": "x"})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "date_from", "message": "Введите дату в формате ГГГГ-ММ-ДД."},
        {"field": "date_to", "message": "Введите дату в формате ГГГГ-ММ-ДД."},
    ]


def test_request_a_statement_answers_202_and_it_is_made_in_the_background(
    client, customer, django_capture_on_commit_callbacks
):
    pay(customer, "1000", at=days_ago(20))
    today = timezone.localdate()
    start = today - timedelta(days=30)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"{BASE}/statements",
            {"date_from": f"{start:%Y-%m-%d}", "date_to": f"{today:%Y-%m-%d}"},
            content_type="application/json",
        )

    assert response.status_code == 202, response.content
    body = response.json()
    statement = Statement.objects.get(client=customer)
    assert body["id"] == statement.pk and body["status"] == "queued"
    assert body["title"] == f"Акт сверки с {start:%d.%m.%Y} по {today:%d.%m.%Y}"
    assert body["files"] == {"pdf": None, "xlsx": None}
    assert client.get(f"{BASE}/statements/{statement.pk}/files/pdf").status_code == 404

    for callback in callbacks:  # the worker
        callback()
    ready = client.get(f"{BASE}/statements/{statement.pk}").json()
    assert ready["status"] == "done" and ready["progress"] == 100
    assert ready["closing_balance"] == "1000.00"
    pdf = client.get(ready["files"]["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "akt-sverki_" in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(ready["files"]["xlsx"])
    assert b"".join(xlsx.streaming_content).startswith(b"PK")


def test_a_second_request_of_the_same_period_returns_the_same_statement(client, customer):
    body = {"date_from": "2026-01-01", "date_to": "2026-01-31"}

    first = client.post(f"{BASE}/statements", body, content_type="application/json").json()
    second = client.post(f"{BASE}/statements", body, content_type="application/json").json()

    assert first["id"] == second["id"] and Statement.objects.count() == 1


def test_a_bad_statement_period_is_400_and_nothing_is_queued(client, customer):
    response = client.post(
        f"{BASE}/statements",
        {"date_from": "2026-03-31", "date_to": "2026-03-01"},
        content_type="application/json",
    )
    missing = client.post(
        f"{BASE}/statements", {"date_from": "2026-03-01"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "statement_period",
        "message": "Дата окончания раньше даты начала.",
        "field": "date_to",
    }
    assert missing.status_code == 422 and missing.json()["field"] == "date_to"
    assert not Statement.objects.exists()


def test_another_clients_statement_and_its_files_are_404(client, customer, stranger):
    theirs = services.statement_request(
        client_id=stranger.pk, start=date(2026, 1, 1), end=date(2026, 1, 31)
    )
    statement_generate(theirs.pk)

    for url in (
        f"{BASE}/statements/{theirs.pk}",
        f"{BASE}/statements/{theirs.pk}/files/pdf",
        f"{BASE}/statements/{theirs.pk}/files/xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    assert client.get(f"{BASE}/statements").json()["items"] == []


def test_an_unknown_file_kind_is_404(client, customer):
    mine = services.statement_request(
        client_id=customer.pk, start=date(2026, 1, 1), end=date(2026, 1, 31)
    )
    statement_generate(mine.pk)

    assert client.get(f"{BASE}/statements/{mine.pk}/files/pdf").status_code == 200
    assert client.get(f"{BASE}/statements/{mine.pk}/files/exe").status_code == 404


def test_statements_walk_newest_first_each_once(client, customer):
    made = [
        services.statement_request(
            client_id=customer.pk, start=date(2026, 1, day), end=date(2026, 1, 28)
        )
        for day in range(1, 8)
    ]

    seen = _walk(client, f"{BASE}/statements", limit=3)

    assert [item["id"] for item in seen] == [s.pk for s in reversed(made)]


def test_lists_cost_the_same_for_one_row_and_many(client, customer):
    pay(customer, "1.00", at=days_ago(1))
    services.statement_request(client_id=customer.pk, start=date(2026, 1, 1), end=date(2026, 1, 2))
    one = (
        count_queries(lambda: client.get(f"{BASE}/transactions")),
        count_queries(lambda: client.get(f"{BASE}/statements")),
    )
    for index in range(40):
        pay(customer, "1.00", at=days_ago(index % 10))
    for day in range(3, 28):
        services.statement_request(
            client_id=customer.pk, start=date(2026, 1, 1), end=date(2026, 1, day)
        )

    many = (
        count_queries(lambda: client.get(f"{BASE}/transactions")),
        count_queries(lambda: client.get(f"{BASE}/statements")),
    )

    assert len(client.get(f"{BASE}/transactions").json()["items"]) == 41
    assert len(client.get(f"{BASE}/statements").json()["items"]) == 26
    assert one == many


def test_gets_change_nothing(client, customer):
    pay(customer, "10.00", at=days_ago(1))
    mine = services.statement_request(
        client_id=customer.pk, start=date(2026, 1, 1), end=date(2026, 1, 31)
    )
    statement_generate(mine.pk)

    def state():
        return (
            LedgerEntry.objects.count(),
            list(ClientBalance.objects.values_list("balance", "credit_limit", "updated_at")),
            list(Statement.objects.values_list("pk", "status", "progress")),
        )

    before = state()
    for url in (
        "balance",
        "transactions",
        "period",
        "statements",
        f"statements/{mine.pk}",
        f"statements/{mine.pk}/files/pdf",
    ):
        assert client.get(f"{BASE}/{url}").status_code == 200, url

    assert state() == before
