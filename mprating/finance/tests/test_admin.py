"""Back office «Финансы»: read-only ledger, corrections with confirmation, credit limits."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.finance import selectors, services
from mprating.finance.models import CreditLimitChange, EntryKind, LedgerEntry, Statement
from mprating.finance.statements import statement_generate
from mprating.finance.tests.factories import charge, pay

pytestmark = pytest.mark.django_db

LEDGER = "/backoffice/finance/ledgerentry/"
ACCOUNTS = "/backoffice/finance/clientaccount/"
STATEMENTS = "/backoffice/finance/statement/"


@pytest.fixture
def manager(client):
    user = make_staff(roles.MANAGER, email="manager@example.ru")
    client.force_login(user)
    return user


@pytest.fixture
def operator(client):
    user = make_staff(roles.OPERATOR, email="operator@example.ru")
    client.force_login(user)
    return user


@pytest.fixture
def customer():
    return make_client(email="klient@example.ru", last_name="Орлов", company_name="ООО «Колесо»")


def test_the_ledger_is_read_only(client, manager, customer):
    entry = pay(customer, "100")

    assert client.get(LEDGER).status_code == 200
    assert client.get(f"{LEDGER}add/").status_code == 403
    assert client.post(f"{LEDGER}{entry.pk}/change/", {"credit": "999"}).status_code in (200, 403)
    assert client.post(f"{LEDGER}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.credit == Decimal("100.00")
    assert LedgerEntry.objects.count() == 1


def test_the_ledger_filters_and_search(client, manager, customer):
    other = make_client(email="drugoi@example.ru", last_name="Зайцев")
    pay(customer, "100")
    charge(customer, "40")
    pay(other, "7")

    by_kind = client.get(LEDGER, {"kind__exact": EntryKind.ORDER_CHARGE})
    by_client = client.get(LEDGER, {"client__id__exact": customer.pk})
    by_search = client.get(LEDGER, {"q": "Зайцев"})

    assert [e.debit for e in by_kind.context["cl"].result_list] == [Decimal("40.00")]
    assert len(by_client.context["cl"].result_list) == 2
    assert [e.client_id for e in by_search.context["cl"].result_list] == [other.pk]


def test_the_ledger_date_filter_takes_typed_dates_and_whole_days(client, manager, customer):
    # given a payment late on 28.02.2026 (Moscow) and one just after midnight
    moscow = timezone.get_current_timezone()
    inside = pay(customer, "100", at=datetime(2026, 2, 28, 23, 30, tzinfo=moscow))
    pay(customer, "7", at=datetime(2026, 3, 1, 0, 30, tzinfo=moscow))

    # when
    page = client.get(LEDGER, {"occurred_at_from": "01.02.2026", "occurred_at_to": "28.02.2026"})

    # then
    assert [e.pk for e in page.context["cl"].result_list] == [inside.pk]


def test_the_statements_date_filter_takes_typed_dates(client, manager, customer):
    # given a statement requested on 28.02.2026 (Moscow) and one on 01.03.2026
    moscow = timezone.get_current_timezone()
    inside, outside = (
        services.statement_request(client_id=customer.pk, start=date(2026, 1, 1), end=end)
        for end in (date(2026, 1, 31), date(2026, 2, 27))
    )
    Statement.objects.filter(pk=inside.pk).update(
        created_at=datetime(2026, 2, 28, 23, 30, tzinfo=moscow)
    )
    Statement.objects.filter(pk=outside.pk).update(
        created_at=datetime(2026, 3, 1, 0, 30, tzinfo=moscow)
    )

    # when
    page = client.get(STATEMENTS, {"created_at_from": "28.02.2026", "created_at_to": "28.02.2026"})

    # then
    assert [s.pk for s in page.context["cl"].result_list] == [inside.pk]


def test_the_ledger_exports_to_xlsx(client, manager, customer):
    entries = [pay(customer, "100"), charge(customer, "40")]

    response = client.post(
        LEDGER,
        {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [e.pk for e in entries]},
    )

    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:7] == ("Дата", "Клиент", "E-mail", "Операция", "Документ", "Дебет", "Кредит")
    assert sorted((row[3], row[5], row[6]) for row in rows[1:]) == [
        ("Поступление оплаты", 0, 100),
        ("Списание за заказ", 40, 0),
    ]


@pytest.mark.parametrize("rows", [5, 50])
def test_changelists_keep_their_query_count(client, manager, rows, django_assert_max_num_queries):
    for index in range(rows):
        someone = make_client(email=f"c{index}@example.ru")
        pay(someone, "10")
        services.statement_request(
            client_id=someone.pk, start=date(2026, 1, 1), end=date(2026, 1, 31)
        )

    for url in (LEDGER, ACCOUNTS, STATEMENTS):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_a_correction_needs_a_reason_and_a_confirmation(client, manager, customer):
    pay(customer, "1000")
    url = f"{ACCOUNTS}{customer.pk}/correct/"
    page = client.get(url)
    token = page.context["form"].initial["token"]
    assert "Корректировка баланса" in page.content.decode()

    no_reason = client.post(url, {"amount": "-1500,00", "reason": "", "token": token})
    assert no_reason.status_code == 422
    assert "Укажите причину корректировки." in no_reason.content.decode()

    confirm = client.post(url, {"amount": "-1500,00", "reason": "Ошибка оплаты", "token": token})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Списать с баланса" in html and "Баланс станет" in html
    assert "−500,00" in html
    assert LedgerEntry.objects.count() == 1  # nothing yet

    data = {"amount": "-1500,00", "reason": "Ошибка оплаты", "token": token, "confirm": "yes"}
    done = client.post(url, data)
    again = client.post(url, data)  # a double submit of the confirmation

    assert done.status_code == 302 and again.status_code == 302
    correction = LedgerEntry.objects.get(kind=EntryKind.CORRECTION)
    assert correction.debit == Decimal("1500.00")
    assert correction.created_by == manager
    assert correction.comment == "Ошибка оплаты"
    assert selectors.client_balance(customer.pk) == Decimal("-500.00")


def test_a_correction_is_post_only(client, manager, customer):
    response = client.get(
        f"{ACCOUNTS}{customer.pk}/correct/",
        {"amount": "100", "reason": "x" * 10, "token": "t", "confirm": "yes"},
    )

    assert response.status_code == 200
    assert not LedgerEntry.objects.exists()


def test_the_credit_limit_is_edited_with_history(client, manager, customer):
    url = f"{ACCOUNTS}{customer.pk}/credit-limit/"

    bad = client.post(url, {"limit": "-5", "comment": ""})
    good = client.post(url, {"limit": "15 000,00", "comment": "Оптовый клиент"})

    assert bad.status_code == 422
    assert "не может быть отрицательным" in bad.content.decode()
    assert good.status_code == 302
    change = CreditLimitChange.objects.get()
    assert (change.old_limit, change.new_limit) == (Decimal("0.00"), Decimal("15000.00"))
    assert change.changed_by == manager and change.comment == "Оптовый клиент"
    detail = client.get(f"{ACCOUNTS}{customer.pk}/change/").content.decode()
    assert "История кредитного лимита" in detail and "Оптовый клиент" in detail
    assert "15\u202f000,00\u00a0₽" in detail


def test_the_balances_list_shows_every_client_and_filters_debtors(client, manager, customer):
    debtor = make_client(email="dolg@example.ru", last_name="Должников")
    services.credit_limit_set(client_id=debtor.pk, limit=Decimal("100"), by=None)
    charge(debtor, "60")
    make_client(email="nol@example.ru")

    everyone = client.get(ACCOUNTS).context["cl"].result_list
    debtors = client.get(ACCOUNTS, {"balance": "debt"}).context["cl"].result_list

    assert len(everyone) == 3
    assert [c.pk for c in debtors] == [debtor.pk]
    assert debtors[0].balance_value == Decimal("-60.00")


def test_operators_see_finance_but_cannot_correct(client, operator, customer):
    assert client.get(LEDGER).status_code == 200
    assert client.get(ACCOUNTS).status_code == 200
    assert client.get(STATEMENTS).status_code == 200

    response = client.post(
        f"{ACCOUNTS}{customer.pk}/correct/",
        {"amount": "100", "reason": "Подарок", "token": "t", "confirm": "yes"},
    )
    limit = client.post(f"{ACCOUNTS}{customer.pk}/credit-limit/", {"limit": "100"})

    assert response.status_code == 403
    assert limit.status_code == 403
    assert not LedgerEntry.objects.exists()
    assert not CreditLimitChange.objects.exists()


def test_staff_download_a_finished_statement(client, manager, customer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    statement = services.statement_request(
        client_id=customer.pk, start=date(2026, 1, 1), end=date(2026, 1, 31)
    )
    statement_generate(statement.pk)

    listing = client.get(STATEMENTS).content.decode()
    pdf = client.get(reverse("admin:finance_statement_file", args=[statement.pk, "pdf"]))

    assert "с 01.01.2026 по 31.01.2026" in listing
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
