"""`POST /api/v1/packages/{package_id}/buy`: «Купить» of «Пакеты» through the same
`cabinet.services.package_buy` — from the balance within the credit limit, or by invoice;
the same idempotency key makes one purchase and one charge."""

import uuid
from decimal import Decimal

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.billing.models import PackagePurchase, PurchaseStatus
from mprating.billing.tests.factories import make_package
from mprating.finance.models import EntryKind, LedgerEntry
from mprating.finance.selectors import client_balance
from mprating.finance.tests.factories import pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(client):
    account = make_client(email="buyer@example.ru")
    client.force_login(account.user)
    return account


def _buy(client, package, method="balance", key=None):
    body = {"method": method, "idempotency_key": str(key or uuid.uuid4())}
    return client.post(f"/api/v1/packages/{package.pk}/buy", body, content_type="application/json")


def test_buy_from_the_balance_charges_once_even_when_sent_twice(client, buyer):
    pay(buyer, "5000.00")
    package = make_package(name="Профи", price="3990.00", requests=50, days=90)
    key = uuid.uuid4()

    first = _buy(client, package, key=key)
    again = _buy(client, package, key=key)

    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "paid" and body["active"] is True
    assert body["price"] == "3990.00" and body["requests_left"] == 50
    assert again.json()["id"] == body["id"]
    assert PackagePurchase.objects.filter(client=buyer).count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.PACKAGE_PURCHASE).count() == 1
    assert client_balance(buyer.pk) == Decimal("1010.00")
    state = client.get("/api/v1/packages/state").json()
    assert state["requests_left"] == 50


def test_not_enough_money_buys_nothing_and_says_what_to_do(client, buyer):
    pay(buyer, "100.00")
    package = make_package(price="3990.00")

    response = _buy(client, package)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "insufficient_funds"
    assert body["message"].endswith("Пополните баланс или выберите оплату по счёту.")
    assert not PackagePurchase.objects.exists()
    assert client_balance(buyer.pk) == Decimal("100.00")


def test_buy_by_invoice_waits_for_payment(client, buyer):
    response = _buy(client, make_package(price="990.00"), method="invoice")

    assert response.status_code == 201
    assert response.json()["status"] == PurchaseStatus.AWAITING_PAYMENT
    assert response.json()["active"] is False
    assert not LedgerEntry.objects.exists()


def test_a_package_off_sale_or_unknown_cannot_be_bought(client, buyer):
    off_sale = make_package(on_sale=False)

    response = _buy(client, off_sale, method="invoice")
    unknown = client.post(
        "/api/v1/packages/999999/buy",
        {"method": "invoice", "idempotency_key": str(uuid.uuid4())},
        content_type="application/json",
    )

    assert response.status_code == 400 and unknown.status_code == 400
    assert response.json()["code"] == "package_not_on_sale"
    assert response.json()["field"] == "package"
    assert not PackagePurchase.objects.exists()


def test_bad_input_is_400_or_422_on_its_field(client, buyer):
    package = make_package()

    method = _buy(client, package, method="cash")
    no_key = client.post(
        f"/api/v1/packages/{package.pk}/buy", {"method": "invoice"}, content_type="application/json"
    )
    bad_key = client.post(
        f"/api/v1/packages/{package.pk}/buy",
        {"method": "invoice", "idempotency_key": "123"},
        content_type="application/json",
    )

    assert method.status_code == 400
    assert method.json() == {
        "code": "invalid_payment_method",
        "message": "Выберите способ оплаты.",
        "field": "method",
    }
    assert no_key.status_code == 422 and no_key.json()["field"] == "idempotency_key"
    assert bad_key.status_code == 422
    assert bad_key.json()["errors"] == [{"field": "idempotency_key", "message": "Ожидается UUID."}]
    assert not PackagePurchase.objects.exists()


def test_buying_needs_a_post(client, buyer):
    response = client.get(f"/api/v1/packages/{make_package().pk}/buy")

    assert response.status_code == 405
    assert not PackagePurchase.objects.exists()
