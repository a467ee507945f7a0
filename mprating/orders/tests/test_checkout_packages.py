"""Checkout and packages (seed 000 «Монетизация»): every order placed takes one request of the
client's package, in checkout's transaction, and records which purchase covered it."""

import uuid

import pytest
from django.test import Client as BrowserClient

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.billing.models import PackagePurchase
from mprating.billing.tests.factories import make_package, make_paid_purchase
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer
from mprating.catalog.tests.factories import make_offer
from mprating.core.errors import ApplicationError
from mprating.orders.models import Order
from mprating.orders.tests.factories import add_to_cart, make_pickup_point, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return make_client(email="buyer@example.ru")


@pytest.fixture
def offer():
    return make_offer(price="1500.00", quantity=10)


def _state(client):
    return (
        Order.objects.count(),
        sorted(CartLine.objects.filter(client=client).values_list("offer_id", "quantity")),
        sorted(Offer.objects.values_list("id", "quantity")),
        sorted(PackagePurchase.objects.values_list("id", "requests_left")),
    )


def test_each_order_uses_one_request_and_records_the_purchase(buyer, offer):
    # given
    purchase = make_paid_purchase(buyer, make_package(name="Старт", requests=10))

    # when: two orders
    add_to_cart(buyer, offer, 1)
    first = place_order(buyer)
    add_to_cart(buyer, offer, 1)
    second = place_order(buyer)

    # then
    purchase.refresh_from_db()
    assert purchase.requests_left == 8
    assert first.package_purchase_id == second.package_purchase_id == purchase.pk


def test_without_a_package_an_order_is_placed_uncovered_when_not_required(buyer, offer, settings):
    settings.BILLING_PACKAGES_REQUIRED = False
    add_to_cart(buyer, offer, 1)
    order = place_order(buyer)
    assert order.package_purchase is None


def test_required_package_missing_places_nothing_and_keeps_cart_and_stock(buyer, offer, settings):
    # given: packages are required, the client's only package is used up
    settings.BILLING_PACKAGES_REQUIRED = True
    make_paid_purchase(buyer, make_package(requests=1))
    add_to_cart(buyer, offer, 1)
    place_order(buyer)
    add_to_cart(buyer, offer, 2)
    before = _state(buyer)

    # when
    with pytest.raises(ApplicationError) as error:
        place_order(buyer)

    # then
    assert error.value.code == "package_required"
    assert _state(buyer) == before


def test_a_double_submit_uses_one_request(buyer, offer):
    purchase = make_paid_purchase(buyer, make_package(requests=5))
    add_to_cart(buyer, offer, 1)
    key = uuid.uuid4()
    point = make_pickup_point()

    first = place_order(buyer, idempotency_key=key, pickup_point=point)
    second = place_order(buyer, idempotency_key=key, pickup_point=point)

    purchase.refresh_from_db()
    assert first.pk == second.pk
    assert purchase.requests_left == 4


def _browser(client) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(client.user)
    return browser


def test_checkout_page_tells_before_placing_when_a_package_is_required(buyer, offer, settings):
    # given
    settings.BILLING_PACKAGES_REQUIRED = True
    add_to_cart(buyer, offer, 1)
    browser = _browser(buyer)

    # when
    cart = browser.get("/cabinet/cart/").content.decode()
    checkout = browser.get("/cabinet/orders/checkout/").content.decode()

    # then: both pages say so, with the way to «Пакеты»; the button is off
    for page in (cart, checkout):
        assert 'data-testid="package-missing"' in page
        assert 'href="/cabinet/packages/"' in page
    assert "disabled" in checkout.split("Оформить заказ</button>")[0].rsplit("<button", 1)[1]


def test_checkout_page_says_which_package_the_order_will_use(buyer, offer):
    make_paid_purchase(buyer, make_package(name="Профи", requests=50))
    add_to_cart(buyer, offer, 1)

    page = _browser(buyer).get("/cabinet/orders/checkout/").content.decode()

    assert "Заказ спишет 1 заявку из пакета «Профи»: в нём 50 заявок" in page
    assert 'data-testid="package-missing"' not in page


def test_order_page_shows_the_package_in_cabinet_and_back_office(buyer, offer):
    # given
    make_paid_purchase(buyer, make_package(name="Профи", requests=50))
    add_to_cart(buyer, offer, 1)
    order = place_order(buyer)

    # when
    cabinet = _browser(buyer).get(f"/cabinet/orders/{order.number}/").content.decode()
    staff = BrowserClient()
    staff.force_login(make_staff(superuser=True, email="root@example.ru"))
    backoffice = staff.get(f"/backoffice/orders/order/{order.pk}/change/").content.decode()

    # then
    assert "Заявка по пакету «Профи», осталось 49" in cabinet
    assert "Заявка по пакету «Профи»" in backoffice
    assert "осталось 49" in backoffice
