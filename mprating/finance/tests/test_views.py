"""Cabinet «Финансы»: the balance, the operations of two weeks or a period, the акт сверки."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.finance import services
from mprating.finance.gateway import GatewayUnavailable
from mprating.finance.models import Statement
from mprating.finance.tests.factories import charge, pay

pytestmark = pytest.mark.django_db

URL = "/cabinet/finance/"


@pytest.fixture
def customer():
    return make_client(email="dengi@example.ru", company_name="ООО «Колесо»")


@pytest.fixture
def logged_in(client, customer):
    client.force_login(customer.user)
    return client


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def test_url_names():
    assert reverse("finance:page") == URL
    assert reverse("finance:statement_file", args=[5, "pdf"]) == URL + "statements/5/pdf/"


def test_the_cabinet_navigation_links_to_finance(logged_in):
    html = logged_in.get("/cabinet/profile/").content.decode()

    assert f'href="{URL}"' in html
    assert ">Финансы</a>" in html


def test_the_page_shows_the_balance_and_the_last_two_weeks(logged_in, customer):
    services.credit_limit_set(client_id=customer.pk, limit=Decimal("5000"), by=None)
    pay(customer, "20000.00", at=days_ago(30))
    charge(customer, "1234.50", at=days_ago(3))
    pay(customer, "300.00", at=days_ago(1))

    response = logged_in.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Операции за последние 14 дней" in html
    assert 'data-testid="finance-balance-amount">19\u202f065,50\u00a0₽' in html
    assert "Кредитный лимит" in html and "5\u202f000,00\u00a0₽" in html
    assert "24\u202f065,50\u00a0₽" in html  # available: balance + limit
    rows = response.context["rows_page"].object_list
    assert [r.movement.debit for r in rows] == [Decimal("1234.50"), Decimal("0.00")]
    assert [r.balance_after for r in rows] == [Decimal("18765.50"), Decimal("19065.50")]
    assert response.context["report"].opening == Decimal("20000.00")
    assert "Оплата — Платёжное поручение" in html
    assert (days_ago(3)).astimezone().strftime("%d.%m.%Y") in html


def test_without_a_credit_limit_none_is_shown(logged_in, customer):
    pay(customer, "10")

    html = logged_in.get(URL).content.decode()

    assert "Кредитный лимит" not in html
    assert "Средства на счёте" in html


def test_an_older_period_on_request(logged_in, customer):
    pay(customer, "500", at=timezone.make_aware(datetime(2026, 2, 10, 10)))
    charge(customer, "200", at=timezone.make_aware(datetime(2026, 3, 5, 10)))

    response = logged_in.get(URL, {"date_from": "01.03.2026", "date_to": "31.03.2026"})

    html = response.content.decode()
    assert "Операции с 01.03.2026 по 31.03.2026" in html
    report = response.context["report"]
    assert (report.opening, report.debit_total, report.closing) == (
        Decimal("500.00"),
        Decimal("200.00"),
        Decimal("300.00"),
    )
    assert "05.03.2026" in html and "10.02.2026" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"date_from": "32.13.2026", "date_to": "01.01.2026"},
            "Введите дату в формате ДД.ММ.ГГГГ.",
        ),
        (
            {"date_from": "10.03.2026", "date_to": "01.03.2026"},
            "Дата окончания раньше даты начала.",
        ),
        ({"date_from": "01.01.2026", "date_to": "01.01.2099"}, "Дата окончания не может быть"),
        ({"date_from": "01.01.2020", "date_to": "01.03.2026"}, "Период выписки не длиннее 366"),
        ({"date_from": "", "date_to": ""}, "Укажите дату."),
        ({"date_from": "'; DROP TABLE", "date_to": "x" * 3000}, "Введите дату в формате"),
    ],
)
def test_a_bad_period_gets_a_message_and_the_last_two_weeks(logged_in, customer, params, message):
    charge_at = days_ago(2)
    pay(customer, "100", at=charge_at)

    response = logged_in.get(URL, params)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Операции за последние 14 дней" in html
    assert len(response.context["rows_page"].object_list) == 1


def test_the_page_query_count_does_not_grow_with_operations(client, django_assert_max_num_queries):
    few, many = make_client(email="few@example.ru"), make_client(email="many@example.ru")
    for index in range(5):
        pay(few, "10", at=days_ago(index % 10))
    for index in range(50):
        pay(many, "10", at=days_ago(index % 10))
    for who in (few, many):
        services.statement_request(
            client_id=who.pk, start=date(2026, 1, 1), end=timezone.localdate()
        )

    client.force_login(few.user)
    # 12: the cabinet frame reads the balance too (cabinet.selectors.cabinet_summary)
    with django_assert_max_num_queries(12) as few_queries:
        assert client.get(URL).status_code == 200
    client.force_login(many.user)
    with django_assert_max_num_queries(len(few_queries)) as many_queries:
        response = client.get(URL)
    assert len(response.context["rows_page"].object_list) == 50
    assert len(many_queries) == len(few_queries)


def test_a_statement_is_requested_by_post_and_made_in_the_background(
    logged_in, customer, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    pay(customer, "1000", at=days_ago(20))
    today = timezone.localdate()
    start = today - timedelta(days=30)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(
            reverse("finance:statement_request"),
            {"akt-date_from": f"{start:%d.%m.%Y}", "akt-date_to": f"{today:%d.%m.%Y}"},
        )

    assert response.status_code == 302
    statement = Statement.objects.get(client=customer)
    assert statement.status == Statement.Status.DONE
    assert statement.closing_balance == Decimal("1000.00")
    page = logged_in.get(response.url).content.decode()
    assert f"Акт сверки с {start:%d.%m.%Y} по {today:%d.%m.%Y}" in page
    pdf = logged_in.get(reverse("finance:statement_file", args=[statement.pk, "pdf"]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "akt-sverki_" in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = logged_in.get(reverse("finance:statement_file", args=[statement.pk, "xlsx"]))
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content).startswith(b"PK")


def test_a_bad_statement_period_is_explained_and_nothing_is_queued(logged_in):
    response = logged_in.post(
        reverse("finance:statement_request"),
        {"akt-date_from": "31.03.2026", "akt-date_to": "01.03.2026"},
    )

    assert response.status_code == 422
    assert "Дата окончания раньше даты начала." in response.content.decode()
    assert not Statement.objects.exists()


def test_requesting_a_statement_needs_post(logged_in):
    response = logged_in.get(reverse("finance:statement_request"))

    assert response.status_code == 405
    assert not Statement.objects.exists()


def test_the_statement_list_polls_while_one_is_being_made(logged_in, customer):
    services.statement_request(client_id=customer.pk, start=date(2026, 1, 1), end=date(2026, 1, 31))

    html = logged_in.get(reverse("finance:statements")).content.decode()

    assert 'hx-trigger="every 1s"' in html
    assert 'data-status="queued"' in html
    assert 'aria-valuenow="0"' in html
    assert "<html" not in html


def test_another_clients_statement_and_files_are_404(client, customer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    statement = services.statement_request(
        client_id=customer.pk, start=date(2026, 1, 1), end=date(2026, 1, 31)
    )
    from mprating.finance.statements import statement_generate

    statement_generate(statement.pk)
    stranger = make_client(email="chuzhoi@example.ru")
    client.force_login(stranger.user)

    for kind in ("pdf", "xlsx"):
        url = reverse("finance:statement_file", args=[statement.pk, kind])
        assert client.get(url).status_code == 404
    client.force_login(customer.user)
    assert (
        client.get(reverse("finance:statement_file", args=[statement.pk, "pdf"])).status_code == 200
    )
    assert (
        client.get(reverse("finance:statement_file", args=[statement.pk, "exe"])).status_code == 404
    )


def test_an_unfinished_statement_has_no_file(logged_in, customer):
    statement = services.statement_request(
        client_id=customer.pk, start=date(2026, 1, 1), end=date(2026, 1, 31)
    )

    response = logged_in.get(reverse("finance:statement_file", args=[statement.pk, "pdf"]))

    assert response.status_code == 404


def test_an_unreachable_accounting_system_is_a_message_not_an_error(logged_in, monkeypatch):
    def unavailable(self, client, *, at=None):
        raise GatewayUnavailable()

    monkeypatch.setattr("mprating.finance.embedded.EmbeddedGateway.balance", unavailable)

    response = logged_in.get(URL)

    assert response.status_code == 200
    assert "Учётная система сейчас недоступна" in response.content.decode()


def test_data_copied_from_the_accounting_system_shows_its_date_and_staleness(
    logged_in, monkeypatch, settings
):
    settings.FINANCE_STALE_AFTER_MINUTES = 60
    synced = timezone.now() - timedelta(hours=3)
    monkeypatch.setattr(
        "mprating.finance.embedded.EmbeddedGateway.last_synced_at", lambda self, client: synced
    )

    html = logged_in.get(URL).content.decode()

    assert f"Данные учётной системы на {timezone.localtime(synced):%d.%m.%Y %H:%M}" in html
    assert "могут быть неактуальны" in html


def test_only_clients_have_finance(client):
    assert client.get(URL).status_code == 302
    client.force_login(make_staff(email="manager@example.ru"))
    assert client.get(URL).status_code == 403
