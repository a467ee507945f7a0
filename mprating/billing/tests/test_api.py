"""`/api/v1/packages`: the cabinet's «Пакеты» as JSON — packages on sale, the client's
package state and purchases, the cancel of an unpaid invoice; 404 for another client's
purchase; constant query counts. (Buying: `cabinet/tests/test_packages_api.py`.)"""

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.billing.models import PackagePurchase, PurchaseChange, PurchaseStatus
from mprating.billing.tests.factories import make_package, make_paid_purchase, order_by_invoice
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db
BASE = "/api/v1/packages"


@pytest.fixture
def buyer(client):
    account = make_client(email="buyer@example.ru")
    client.force_login(account.user)
    return account


@pytest.fixture
def stranger():
    return make_client(email="chuzhoi@example.ru")


def _walk(client, url, limit):
    seen, cursor = [], None
    for _ in range(50):
        body = client.get(url, {"limit": limit, **({"cursor": cursor} if cursor else {})}).json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the pages did not end")


def test_packages_require_a_session(client):
    assert client.get(BASE).status_code == 401


def test_packages_on_sale_in_the_stores_order_with_money_as_strings(client, buyer):
    make_package(name="Разовый", price="1234.50", requests=1, days=1, sort_order=1)
    make_package(name="Старт", price="990.00", requests=5, days=30, sort_order=2)
    make_package(name="Архивный", on_sale=False)

    body = client.get(BASE).json()

    assert [p["name"] for p in body["items"]] == ["Разовый", "Старт"]
    first = body["items"][0]
    assert first["price"] == "1234.50"
    assert (first["requests_label"], first["validity_label"]) == ("1 заявка", "1 день")
    assert body["items"][1]["requests_label"] == "5 заявок"
    assert body["next_cursor"] is None


def test_state_shows_the_active_packages_and_requests_left(client, buyer, stranger, settings):
    settings.BILLING_PACKAGES_REQUIRED = True
    first = make_paid_purchase(buyer, make_package(requests=3))
    second = make_paid_purchase(buyer, make_package(requests=5))
    order_by_invoice(buyer, make_package())  # not paid: not active
    make_paid_purchase(stranger, make_package())

    body = client.get(f"{BASE}/state").json()

    assert body["required"] is True and body["can_order"] is True
    assert (body["requests_left"], body["requests_left_label"]) == (8, "8 заявок")
    assert [p["id"] for p in body["active"]] == [first.pk, second.pk]
    assert all(p["active"] and p["status"] == "paid" for p in body["active"])


def test_without_a_package_a_client_cannot_order_when_packages_are_required(
    client, buyer, settings
):
    settings.BILLING_PACKAGES_REQUIRED = True

    body = client.get(f"{BASE}/state").json()

    assert (body["can_order"], body["requests_left"], body["active"]) == (False, 0, [])


def test_purchases_are_the_clients_own_newest_first(client, buyer, stranger):
    paid = make_paid_purchase(buyer, make_package(price="500.00"))
    waiting = order_by_invoice(buyer, make_package())
    order_by_invoice(stranger, make_package())

    body = client.get(f"{BASE}/purchases").json()

    assert [p["id"] for p in body["items"]] == [waiting.pk, paid.pk]
    assert body["items"][0]["status_label"] == "Ожидает оплаты"
    assert body["items"][0]["number"] == waiting.number
    assert body["items"][1]["price"] == "500.00" and body["items"][1]["active"] is True


def test_another_clients_purchase_is_404_to_read_and_to_cancel(client, buyer, stranger):
    theirs = order_by_invoice(stranger, make_package())

    read = client.get(f"{BASE}/purchases/{theirs.pk}")
    cancel = client.post(f"{BASE}/purchases/{theirs.pk}/cancel")

    assert read.status_code == 404 and cancel.status_code == 404
    assert cancel.json() == {
        "code": "not_found",
        "message": "Покупка пакета не найдена.",
        "field": None,
    }
    theirs.refresh_from_db()
    assert theirs.status == PurchaseStatus.AWAITING_PAYMENT


def test_cancel_an_unpaid_invoice_and_not_a_paid_purchase(client, buyer):
    waiting = order_by_invoice(buyer, make_package())
    paid = make_paid_purchase(buyer, make_package())

    cancelled = client.post(f"{BASE}/purchases/{waiting.pk}/cancel")
    refused = client.post(f"{BASE}/purchases/{paid.pk}/cancel")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["cancelled_at"]
    assert refused.status_code == 400
    assert refused.json()["code"] == "purchase_not_awaiting"
    assert "можно только покупку, ожидающую оплаты" in refused.json()["message"]
    paid.refresh_from_db()
    assert paid.status == PurchaseStatus.PAID
    assert client.get(f"{BASE}/purchases/{waiting.pk}").json()["status"] == "cancelled"


def test_a_bad_limit_is_422_in_russian(client, buyer):
    response = client.get(f"{BASE}/purchases", {"limit": 0})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "limit", "message": "Значение должно быть не меньше 1."}
    ]


def test_cursor_walks_return_every_row_once_in_order(client, buyer):
    packages = [make_package(sort_order=n) for n in range(7)]
    purchases = [order_by_invoice(buyer, package) for package in packages]

    assert [p["id"] for p in _walk(client, BASE, 3)] == [p.pk for p in packages]
    assert [p["id"] for p in _walk(client, f"{BASE}/purchases", 2)] == [
        p.pk for p in reversed(purchases)
    ]


def test_lists_cost_the_same_for_one_row_and_many(client, buyer):
    package = make_package()
    make_paid_purchase(buyer, package)
    urls = (BASE, f"{BASE}/purchases", f"{BASE}/state")
    one = [count_queries(lambda url=url: client.get(url)) for url in urls]
    for _ in range(20):
        make_package()
        make_paid_purchase(buyer, package)

    many = [count_queries(lambda url=url: client.get(url)) for url in urls]

    assert len(client.get(BASE).json()["items"]) == 21
    assert len(client.get(f"{BASE}/purchases").json()["items"]) == 21
    assert len(client.get(f"{BASE}/state").json()["active"]) == 21
    assert one == many


def test_gets_change_nothing(client, buyer):
    waiting = order_by_invoice(buyer, make_package())
    make_paid_purchase(buyer, make_package())

    def state():
        return (
            list(PackagePurchase.objects.values_list("pk", "status", "requests_left")),
            PurchaseChange.objects.count(),
        )

    before = state()
    for url in (BASE, f"{BASE}/state", f"{BASE}/purchases", f"{BASE}/purchases/{waiting.pk}"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"{BASE}/purchases/{waiting.pk}/cancel").status_code == 405

    assert state() == before
