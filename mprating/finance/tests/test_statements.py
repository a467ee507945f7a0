"""«Акт сверки»: the figures, the debt sentence, the PDF text and the XLSX numbers."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from mprating.accounts.tests.factories import make_client
from mprating.core.errors import ApplicationError
from mprating.finance import services
from mprating.finance.gateway import GatewayUnavailable, get_gateway
from mprating.finance.models import Statement
from mprating.finance.reports import debt_sentence, period_report
from mprating.finance.statements import Party, render_xlsx, statement_generate
from mprating.finance.tests.factories import charge, pay

pytestmark = pytest.mark.django_db


def at(day: int, month: int = 3) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 12, 0))


@pytest.fixture
def ledger(settings, tmp_path):
    """A company client with entries before and inside March 2026."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORE_LEGAL_NAME = "ООО «МП Рейтинг»"
    settings.STORE_INN = "7700000009"
    client = make_client(company_name="ООО «Автодеталь»", inn="7701234567")
    services.credit_limit_set(client_id=client.pk, limit=Decimal("50000"), by=None)
    pay(client, "10000.00", at=at(20, 2))
    charge(client, "2500.00", at=at(25, 2))  # opening on 01.03: 7 500,00 in the client's favour
    charge(client, "12345.60", at=at(3))
    pay(client, "3000.00", at=at(15))
    charge(client, "1000.00", at=at(1, 4))  # after the period
    return client


def request_and_run(client, start: date, end: date) -> Statement:
    statement = services.statement_request(client_id=client.pk, start=start, end=end)
    statement_generate(statement.pk)
    statement.refresh_from_db()
    return statement


def pdf_text(statement: Statement) -> str:
    with statement.pdf.open("rb") as file:
        reader = PdfReader(BytesIO(file.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_figures_of_a_period_add_up(ledger, time_machine):
    time_machine.move_to(at(20, 4))

    statement = request_and_run(ledger, date(2026, 3, 1), date(2026, 3, 31))

    assert statement.status == Statement.Status.DONE
    assert statement.progress == 100
    assert statement.opening_balance == Decimal("7500.00")
    assert statement.debit_turnover == Decimal("12345.60")
    assert statement.credit_turnover == Decimal("3000.00")
    assert statement.closing_balance == Decimal("-1845.60")
    assert (
        statement.opening_balance + statement.credit_turnover - statement.debit_turnover
        == statement.closing_balance
    )
    assert statement.movements_count == 2
    assert statement.source == "embedded"


def test_the_pdf_is_the_customary_act_in_cyrillic(ledger, time_machine):
    time_machine.move_to(at(20, 4))

    statement = request_and_run(ledger, date(2026, 3, 1), date(2026, 3, 31))
    text = pdf_text(statement)
    flat = " ".join(text.split())

    assert "Акт сверки взаимных расчётов за период с 01.03.2026 по 31.03.2026" in flat
    assert "между ООО «МП Рейтинг» (ИНН 7700000009) и ООО «Автодеталь» (ИНН 7701234567)" in flat
    assert "По данным ООО «МП Рейтинг», руб." in flat
    assert "По данным ООО «Автодеталь», руб." in flat
    for words in ("Сальдо начальное", "Обороты за период", "Сальдо конечное", "М. П."):
        assert words in flat
    assert "03.03.2026" in flat and "15.03.2026" in flat
    assert "Списание — Заказ MP-" in flat
    # Opening 7 500,00 is a credit saldo (the store owes the client), closing a debit one.
    assert "7\u202f500,00" in text and "12\u202f345,60" in text and "1\u202f845,60" in text
    plain = flat.replace("\u202f", " ").replace("\u00a0", " ")
    assert "На 31.03.2026 задолженность в пользу ООО «МП Рейтинг» составляет 1 845,60 руб." in plain
    assert "01.04.2026" not in flat.split("Сальдо конечное")[0]


def test_the_xlsx_opens_and_has_the_numbers(ledger, time_machine):
    time_machine.move_to(at(20, 4))

    statement = request_and_run(ledger, date(2026, 3, 1), date(2026, 3, 31))
    with statement.xlsx.open("rb") as file:
        sheet = load_workbook(BytesIO(file.read())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]

    by_title = {row[1]: row for row in rows if isinstance(row[1], str)}
    assert rows[0][0] == "Акт сверки взаимных расчётов за период с 01.03.2026 по 31.03.2026"
    assert by_title["Сальдо начальное"][2:4] == [None, 7500]
    assert by_title["Обороты за период"][2:4] == [12345.6, 3000]
    assert by_title["Сальдо конечное"][2:4] == [1845.6, None]
    first_movement = next(r for r in sheet.iter_rows() if isinstance(r[0].value, datetime))
    assert first_movement[0].number_format == "DD.MM.YYYY"
    assert first_movement[2].number_format == "#,##0.00"
    assert first_movement[5].border.left.style == "thin"
    movement_rows = [row for row in rows if isinstance(row[0], datetime)]
    assert [row[0].date() for row in movement_rows] == [date(2026, 3, 3), date(2026, 3, 15)]
    assert movement_rows[0][2] == 12345.6
    assert any(
        row[0] == "На 31.03.2026 задолженность в пользу ООО «МП Рейтинг» составляет "
        "1\u202f845,60 руб."
        for row in rows
    )


def test_a_document_name_that_looks_like_a_formula_stays_text_in_the_xlsx(ledger):
    # 1С names its documents itself: one of them that Excel would evaluate.
    report = period_report(get_gateway(), ledger, start=date(2026, 3, 1), end=date(2026, 3, 31))
    first = report.rows[0]
    evil = replace(first, movement=replace(first.movement, document='=HYPERLINK("http://evil")'))
    report = replace(report, rows=[evil, *report.rows[1:]])

    content = render_xlsx(report, store=Party("ООО «МП Рейтинг»"), client=Party("ООО «Ось»"))

    sheet = load_workbook(BytesIO(content)).active
    cell = next(row[1] for row in sheet.iter_rows() if str(row[1].value).startswith("="))
    assert (cell.value, cell.data_type, cell.quotePrefix) == (
        '=HYPERLINK("http://evil")',
        "s",
        True,
    )
    assert cell.border.left.style == "thin"  # the table's style is kept


def test_a_person_without_a_company_is_named_by_full_name(settings, tmp_path, time_machine):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(at(20, 4))
    client = make_client(last_name="Петрова", first_name="Мария", middle_name="Ивановна")
    pay(client, "100", at=at(2))

    text = " ".join(pdf_text(request_and_run(client, date(2026, 3, 1), date(2026, 3, 31))).split())

    assert "и Петрова Мария Ивановна" in text
    assert "задолженность в пользу Петрова Мария Ивановна составляет 100,00 руб." in text


def test_the_debt_sentence_for_both_signs_and_zero():
    on = date(2026, 3, 31)

    assert debt_sentence(closing=Decimal("-1845.60"), on=on, store="Магазин", client="Клиент") == (
        "На 31.03.2026 задолженность в пользу Магазин составляет 1\u202f845,60 руб."
    )
    assert debt_sentence(closing=Decimal("250"), on=on, store="Магазин", client="Клиент") == (
        "На 31.03.2026 задолженность в пользу Клиент составляет 250,00 руб."
    )
    assert debt_sentence(closing=Decimal("0"), on=on, store="Магазин", client="Клиент") == (
        "На 31.03.2026 задолженность отсутствует."
    )


def test_running_the_task_twice_changes_nothing(ledger, time_machine):
    time_machine.move_to(at(20, 4))
    statement = request_and_run(ledger, date(2026, 3, 1), date(2026, 3, 31))
    files = (statement.pdf.name, statement.xlsx.name)

    statement_generate(statement.pk)

    statement.refresh_from_db()
    assert (statement.pdf.name, statement.xlsx.name) == files
    assert statement.status == Statement.Status.DONE


def test_an_unreachable_accounting_system_fails_the_statement_with_its_message(
    ledger, time_machine, monkeypatch
):
    time_machine.move_to(at(20, 4))

    def unavailable(self, client, *, at=None):
        raise GatewayUnavailable()

    monkeypatch.setattr("mprating.finance.embedded.EmbeddedGateway.balance", unavailable)
    statement = request_and_run(ledger, date(2026, 3, 1), date(2026, 3, 31))

    assert statement.status == Statement.Status.FAILED
    assert statement.error_message.startswith("Учётная система сейчас недоступна")
    assert not statement.pdf


def test_a_second_request_for_the_same_pending_period_returns_the_first(ledger):
    first = services.statement_request(
        client_id=ledger.pk, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    second = services.statement_request(
        client_id=ledger.pk, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )

    assert first.pk == second.pk
    assert Statement.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (date(2026, 3, 31), date(2026, 3, 1), "date_to", "Дата окончания раньше даты начала."),
        (date(2026, 3, 1), date(2099, 1, 1), "date_to", "Дата окончания не может быть позже"),
        (date(2020, 1, 1), date(2026, 3, 1), "date_from", "Период акта сверки не длиннее 1096"),
    ],
)
def test_a_bad_period_is_refused(ledger, start, end, field, message):
    with pytest.raises(ApplicationError) as error:
        services.statement_request(client_id=ledger.pk, start=start, end=end)

    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert not Statement.objects.exists()
