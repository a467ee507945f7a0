"""In Chromium: the client opens «Финансы», sees the balance and the last two weeks, asks for
an акт сверки, downloads the PDF and it opens; the page at 1366 and at 390 px."""

import re
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.finance import services
from mprating.finance.models import Statement
from mprating.finance.tests.factories import charge, pay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_client_reads_finance_and_downloads_the_act(
    live_server, page, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    customer = make_client(
        email="finansy@example.ru", company_name="ООО «Колесо»", inn="7701234567"
    )
    services.credit_limit_set(client_id=customer.pk, limit=Decimal("20000"), by=None)
    now = timezone.now()
    pay(customer, "30000.00", at=now - timedelta(days=40))
    charge(customer, "12380.50", at=now - timedelta(days=20))
    charge(customer, "8450.00", at=now - timedelta(days=10))
    pay(customer, "5000.00", at=now - timedelta(days=6))
    charge(customer, "17430.90", at=now - timedelta(days=2))

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(re.compile(r"^E-mail или телефон")).fill("finansy@example.ru")
    page.get_by_label(re.compile(r"^Пароль")).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.get_by_test_id("nav-finance").click()

    # the balance now, the credit limit, and the operations of the last 14 days only
    page.get_by_role("heading", name="Финансы").wait_for()
    assert page.get_by_test_id("finance-balance-amount").inner_text() == "−3\u202f261,40\u00a0₽"
    assert "20\u202f000,00" in page.get_by_test_id("credit-limit").inner_text()
    assert page.get_by_text("Операции за последние 14 дней").is_visible()
    assert page.get_by_test_id("operation").count() == 3
    assert no_sideways_scroll(page)
    screenshot("1366")

    # a bad period gets a message, not an error page
    form = page.get_by_test_id("period-form")
    form.get_by_label("С").fill("31.02.2026")
    form.get_by_role("button", name="Показать").click()
    assert page.get_by_text("Введите дату в формате ДД.ММ.ГГГГ.").is_visible()

    # the акт for the last 60 days is made in the background and offered for download
    today = timezone.localdate()
    statement_form = page.get_by_test_id("statement-form")
    statement_form.get_by_label("С").fill(f"{today - timedelta(days=60):%d.%m.%Y}")
    statement_form.get_by_label("По").fill(f"{today:%d.%m.%Y}")
    page.get_by_test_id("statement-request").click()
    done = page.locator('[data-testid="statement"][data-status="done"]')
    done.wait_for()
    with page.expect_download() as download_info:
        done.get_by_test_id("statement-pdf").click()
    download = download_info.value
    assert download.suggested_filename.startswith("akt-sverki_")
    reader = PdfReader(BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Акт сверки взаимных расчётов за период" in text
    assert "ООО «Колесо» (ИНН 7701234567)" in text
    assert "задолженность в пользу" in text
    assert Statement.objects.get().status == Statement.Status.DONE
    screenshot("1366-act")

    # a phone: the operations become cards, nothing scrolls sideways; an акт being made shows
    # its progress (written directly: the test backend makes every акт at once)
    Statement.objects.create(
        client=customer,
        period_start=today - timedelta(days=300),
        period_end=today,
        status=Statement.Status.RUNNING,
        progress=40,
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/cabinet/finance/")
    page.get_by_test_id("operation").first.wait_for()
    assert no_sideways_scroll(page)
    assert page.get_by_test_id("statement-pdf").is_visible()
    assert page.get_by_role("progressbar").get_attribute("aria-valuenow") == "40"
    screenshot("390")


def test_a_manager_corrects_a_balance_with_confirmation(live_server, page, screenshot):
    from mprating.accounts import roles
    from mprating.accounts.tests.factories import make_staff
    from mprating.finance import selectors

    customer = make_client(
        email="korr@example.ru",
        last_name="Орлова",
        first_name="Ольга",
        middle_name="Петровна",
        company_name="ИП Орлова",
    )
    pay(customer, "1000.00")
    make_staff(roles.MANAGER, email="manager@example.ru")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/backoffice/login/")
    page.get_by_label(re.compile(r"E-mail|Адрес электронной почты|Логин", re.I)).first.fill(
        "manager@example.ru"
    )
    page.get_by_label(re.compile(r"Пароль")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Войти")).click()
    page.goto(live_server.url + "/backoffice/finance/clientaccount/")
    screenshot("balances")
    page.get_by_role("link", name="Орлова Ольга Петровна").click()
    page.get_by_role("link", name="Корректировка баланса").click()
    page.get_by_label("Сумма, ₽").fill("-1 500,00")
    page.get_by_label("Причина").fill("Ошибочно зачисленная оплата")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("correction-confirm").wait_for()
    assert "Баланс станет −500,00" in page.get_by_test_id("correction-confirm").inner_text()
    screenshot("confirm")
    page.get_by_test_id("submit").click()
    page.get_by_text("Баланс скорректирован").wait_for()

    assert selectors.client_balance(customer.pk) == Decimal("-500.00")
    page.goto(live_server.url + "/backoffice/finance/ledgerentry/")
    screenshot("ledger")
