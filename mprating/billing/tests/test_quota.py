"""`package_quota_use`: one request per order from the oldest valid paid purchase."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mprating.accounts.tests.factories import make_client
from mprating.billing import selectors, services
from mprating.billing.models import PackagePurchase
from mprating.billing.tests.factories import make_package, make_paid_purchase, order_by_invoice
from mprating.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
JAN = datetime(2026, 1, 10, 12, 0, tzinfo=MSK)


@pytest.fixture
def client_():
    return make_client()


def _left(purchase: PackagePurchase) -> int:
    purchase.refresh_from_db()
    return purchase.requests_left


def test_quota_takes_the_oldest_valid_purchase_first(client_):
    # given: a newer purchase with more requests and an older one
    package = make_package(requests=3, days=90)
    older = make_paid_purchase(client_, package, paid_at=JAN)
    newer = make_paid_purchase(client_, package, paid_at=JAN + timedelta(days=5))

    # when
    with time_machine.travel(JAN + timedelta(days=10), tick=False):
        used = [services.package_quota_use(client=client_) for _ in range(4)]

    # then: the older is used up first, then the newer
    assert [p.pk for p in used] == [older.pk, older.pk, older.pk, newer.pk]
    assert _left(older) == 0
    assert _left(newer) == 2
    assert used[-1].requests_left == 2


def test_quota_skips_an_expired_purchase_and_one_awaiting_payment(client_):
    # given: an old purchase that has expired, one ordered by invoice but not paid, a valid one
    short = make_package(requests=5, days=30)
    long = make_package(requests=5, days=365)
    expired = make_paid_purchase(client_, short, paid_at=JAN)
    unpaid = order_by_invoice(client_, short)
    valid = make_paid_purchase(client_, long, paid_at=JAN + timedelta(days=1))

    # when: 40 days later
    with time_machine.travel(JAN + timedelta(days=40), tick=False):
        used = services.package_quota_use(client=client_)

    # then
    assert used.pk == valid.pk
    assert _left(expired) == 5
    assert _left(unpaid) == 5


def test_a_package_expires_exactly_at_valid_until(client_):
    # given: 30 days from payment
    purchase = make_paid_purchase(client_, make_package(requests=5, days=30), paid_at=JAN)
    assert purchase.valid_until == JAN + timedelta(days=30)

    # when / then: a microsecond before the end it is used
    with time_machine.travel(purchase.valid_until - timedelta(microseconds=1), tick=False):
        assert services.package_quota_use(client=client_).pk == purchase.pk
        assert selectors.client_package_state(client=client_).next.pk == purchase.pk
    # and at valid_until itself it is over
    with time_machine.travel(purchase.valid_until, tick=False):
        assert services.package_quota_use(client=client_) is None
        assert selectors.client_package_state(client=client_).next is None
    assert _left(purchase) == 4


def test_none_left_gives_none_when_packages_are_not_required(client_, settings):
    # given: one request, used
    settings.BILLING_PACKAGES_REQUIRED = False
    purchase = make_paid_purchase(client_, make_package(requests=1))
    services.package_quota_use(client=client_)

    # when
    used = services.package_quota_use(client=client_)

    # then: the order goes on uncovered, nothing goes below zero
    assert used is None
    assert _left(purchase) == 0
    assert selectors.client_package_state(client=client_).can_order


def test_none_left_is_refused_in_russian_when_packages_are_required(client_, settings):
    # given
    settings.BILLING_PACKAGES_REQUIRED = True
    purchase = make_paid_purchase(client_, make_package(requests=1))
    services.package_quota_use(client=client_)

    # when
    with pytest.raises(ApplicationError) as error:
        services.package_quota_use(client=client_)

    # then
    assert error.value.code == "package_required"
    assert "Купите пакет в разделе «Пакеты»" in error.value.message
    assert _left(purchase) == 0
    assert not selectors.client_package_state(client=client_).can_order


def test_required_without_any_purchase_is_refused(client_, settings):
    settings.BILLING_PACKAGES_REQUIRED = True
    with pytest.raises(ApplicationError):
        services.package_quota_use(client=client_)


def test_another_clients_package_is_never_used(client_):
    # given
    other = make_client()
    theirs = make_paid_purchase(other, make_package())

    # when
    used = services.package_quota_use(client=client_)

    # then
    assert used is None
    assert _left(theirs) == 10


def test_package_state_lists_usable_purchases_in_quota_order(client_, django_assert_num_queries):
    # given
    package = make_package(requests=3, days=90)
    older = make_paid_purchase(client_, package, paid_at=JAN)
    newer = make_paid_purchase(client_, package, paid_at=JAN + timedelta(days=2))

    # when
    with time_machine.travel(JAN + timedelta(days=3), tick=False), django_assert_num_queries(1):
        state = selectors.client_package_state(client=client_)

    # then
    assert [p.pk for p in state.usable] == [older.pk, newer.pk]
    assert state.requests_left == 6
    assert state.requests_left_label == "6 заявок"
