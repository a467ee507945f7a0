"""Cabinet «Пакеты»: packages on sale, buying from the balance (billing + finance in one
transaction) or by invoice, the client's purchases; the frame's balance follows."""

import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client as BrowserClient

from mprating.accounts.tests.factories import make_client
from mprating.billing.models import PackagePurchase, PurchaseMethod, PurchaseStatus
from mprating.billing.tests.factories import make_package, make_paid_purchase, order_by_invoice
from mprating.cabinet import services
from mprating.core.errors import ApplicationError
from mprating.core.testing import count_queries
from mprating.finance import services as finance
from mprating.finance.models import EntryKind, LedgerEntry
from mprating.finance.selectors import client_balance
from mprating.finance.tests.factories import pay

pytestmark = pytest.mark.django_db

PACKAGES = "/cabinet/packages/"
BUY = "/cabinet/packages/buy/"
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def buyer():
    return make_client(email="buyer@example.ru")


@pytest.fixture
def browser(buyer):
    browser = BrowserClient()
    browser.force_login(buyer.user)
    return browser


def _frame_balance(html: str) -> str:
    return re.search(r'data-testid="balance">.*?<strong>(.*?)</strong>', html, re.S).group(1)


def test_page_lists_packages_on_sale_with_russian_prices_and_plurals(browser):
    # given
    make_package(name="Разовый", price="1234.50", requests=1, days=1, sort_order=1)
    make_package(name="Старт", price="990.00", requests=5, days=30, sort_order=2)
    make_package(name="Тройной", price="2000.00", requests=3, days=22, sort_order=3)
    make_package(name="Архивный", on_sale=False)

    # when
    html = browser.get(PACKAGES).content.decode()

    # then
    names = re.findall(r"<h3>(.*?)</h3>", html)
    assert names == ["Разовый", "Старт", "Тройной"]
    assert f"1{NNBSP}234,50{NBSP}₽" in html
    for label in ("1 заявка", "1 день", "5 заявок", "30 дней", "3 заявки", "22 дня"):
        assert label in html, label
    assert 'data-testid="nav-packages"' in html and 'aria-current="page"' in html
    assert "{#" not in html


def test_buy_from_balance_charges_the_ledger_and_the_package_is_valid_at_once(browser, buyer):
    # given: 5 000 ₽ on the balance
    pay(buyer, "5000.00")
    package = make_package(name="Профи", price="3990.00", requests=50, days=90)
    page = browser.get(PACKAGES).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]+)"', page).group(1)

    # when
    response = browser.post(
        BUY,
        {"package": package.pk, "method": PurchaseMethod.BALANCE, "idempotency_key": key},
        follow=True,
    )

    # then
    purchase = PackagePurchase.objects.get(client=buyer)
    assert purchase.status == PurchaseStatus.PAID
    assert purchase.payment_method == PurchaseMethod.BALANCE
    assert purchase.requests_left == 50
    entry = LedgerEntry.objects.get(client=buyer, kind=EntryKind.PACKAGE_PURCHASE)
    assert entry.debit == Decimal("3990.00")
    assert entry.get_kind_display() == "Покупка пакета"
    assert entry.idempotency_key == f"package-purchase:{purchase.pk}"
    assert client_balance(buyer.pk) == Decimal("1010.00")
    html = response.content.decode()
    assert "Пакет «Профи» оплачен с баланса: 50 заявок до" in html
    assert _frame_balance(html) == f"1{NNBSP}010,00{NBSP}₽"
    assert "осталось 50 из 50 заявок" in html


def test_insufficient_funds_says_so_and_writes_nothing(browser, buyer):
    # given: 100 ₽, no credit limit
    pay(buyer, "100.00")
    package = make_package(price="990.00")

    # when
    response = browser.post(
        BUY,
        {"package": package.pk, "method": PurchaseMethod.BALANCE, "idempotency_key": uuid.uuid4()},
    )

    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "Недостаточно средств" in html
    assert "Пополните баланс или выберите оплату по счёту." in html
    assert not PackagePurchase.objects.exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.PACKAGE_PURCHASE).exists()
    assert client_balance(buyer.pk) == Decimal("100.00")


def test_the_credit_limit_lets_the_balance_go_below_zero(buyer):
    finance.credit_limit_set(client_id=buyer.pk, limit=Decimal("1000.00"), by=None)
    package = make_package(price="990.00")

    purchase = services.package_buy(
        client=buyer, package_id=package.pk, method="balance", idempotency_key=uuid.uuid4()
    )

    assert purchase.status == PurchaseStatus.PAID
    assert client_balance(buyer.pk) == Decimal("-990.00")


def test_double_submit_with_the_same_form_key_buys_once(browser, buyer):
    pay(buyer, "5000.00")
    package = make_package(price="990.00")
    data = {"package": package.pk, "method": "balance", "idempotency_key": uuid.uuid4()}

    browser.post(BUY, data)
    browser.post(BUY, data)

    assert PackagePurchase.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.PACKAGE_PURCHASE).count() == 1
    assert client_balance(buyer.pk) == Decimal("4010.00")


def test_buy_by_invoice_waits_with_the_stores_requisites(browser, buyer, settings):
    # given
    settings.BILLING_PAYMENT_DETAILS = ["р/с 40702810900000012345 в АО «Банк»", "БИК 044525000"]
    package = make_package(name="Старт", price="990.00")

    # when
    response = browser.post(
        BUY,
        {"package": package.pk, "method": "invoice", "idempotency_key": uuid.uuid4()},
        follow=True,
    )

    # then: nothing charged, the invoice awaits with what to pay and where
    purchase = PackagePurchase.objects.get(client=buyer)
    html = response.content.decode()
    assert purchase.status == PurchaseStatus.AWAITING_PAYMENT
    assert not LedgerEntry.objects.exists()
    assert f"Счёт {purchase.number} на пакет «Старт» выставлен" in html
    assert 'data-testid="requisites"' in html
    assert "р/с 40702810900000012345 в АО «Банк»" in html
    assert f"Оплата по счёту {purchase.number} за пакет заявок «Старт»" in html
    assert "Ожидает оплаты" in html


def test_invoice_without_requisites_in_settings_says_the_manager_sends_them(
    browser, buyer, settings
):
    settings.BILLING_PAYMENT_DETAILS = []
    order_by_invoice(buyer, make_package())
    html = browser.get(PACKAGES).content.decode()
    assert 'data-testid="no-requisites"' in html


def test_client_cancels_an_unpaid_invoice_by_post_only(browser, buyer):
    purchase = order_by_invoice(buyer, make_package())
    url = f"/cabinet/packages/{purchase.pk}/cancel/"

    assert browser.get(url).status_code == 405
    browser.post(url)

    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CANCELLED


def test_another_clients_purchase_cannot_be_cancelled(browser):
    theirs = order_by_invoice(make_client(), make_package())
    assert browser.post(f"/cabinet/packages/{theirs.pk}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == PurchaseStatus.AWAITING_PAYMENT


def test_buying_needs_post_and_csrf(buyer):
    package = make_package()
    strict = BrowserClient(enforce_csrf_checks=True)
    strict.force_login(buyer.user)
    data = {"package": package.pk, "method": "invoice", "idempotency_key": uuid.uuid4()}

    assert strict.get(BUY).status_code == 405
    assert strict.post(BUY, data).status_code == 403
    assert not PackagePurchase.objects.exists()


def test_a_package_off_sale_meanwhile_is_refused_with_a_message(browser, buyer):
    package = make_package(on_sale=False)
    response = browser.post(
        BUY, {"package": package.pk, "method": "invoice", "idempotency_key": uuid.uuid4()}
    )
    assert response.status_code == 422
    assert "Этот пакет больше не продаётся" in response.content.decode()


def test_package_buy_service_refuses_without_writing(buyer):
    package = make_package(price="990.00")
    with pytest.raises(ApplicationError) as error:
        services.package_buy(
            client=buyer, package_id=package.pk, method="balance", idempotency_key=uuid.uuid4()
        )
    assert error.value.code == "insufficient_funds"
    assert not PackagePurchase.objects.exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_page_query_count_does_not_grow(browser, buyer, rows):
    for index in range(rows):
        package = make_package()
        if index % 2:
            make_paid_purchase(buyer, package)
        else:
            order_by_invoice(buyer, package)

    queries = count_queries(lambda: browser.get(PACKAGES))

    # user with its client (the session comes from the cache); the frame (one statement);
    # packages; purchases (count + page); the package state — 6 for 5 rows and for 50
    assert queries == 6, queries
