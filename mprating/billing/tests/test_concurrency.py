"""Quota use under real concurrency (PostgreSQL row locks; SQLite serializes writers anyway).

At checkout the client's cart lines are locked first, so one client's checkouts already wait
for each other; the purchase's own lock is what keeps the count right against everything else
that takes requests at the same moment (here: two bare calls, each its own transaction)."""

import pytest
from django.db import connection

from mprating.accounts.tests.factories import make_client
from mprating.billing import services
from mprating.billing.tests.factories import make_package, make_paid_purchase
from mprating.core.testing import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_two_at_once_never_take_the_last_request_twice():
    # given: one request left
    buyer = make_client()
    purchase = make_paid_purchase(buyer, make_package(requests=1))

    # when
    results = run_together(
        lambda: services.package_quota_use(client=buyer),
        lambda: services.package_quota_use(client=buyer),
    )

    # then: one got the request, the other found none left
    assert sorted(r.pk if r else 0 for r in results) == [0, purchase.pk]
    purchase.refresh_from_db()
    assert purchase.requests_left == 0


def test_two_at_once_take_two_requests_of_two_purchases():
    buyer = make_client()
    package = make_package(requests=1)
    older = make_paid_purchase(buyer, package)
    newer = make_paid_purchase(buyer, package)

    results = run_together(
        lambda: services.package_quota_use(client=buyer),
        lambda: services.package_quota_use(client=buyer),
    )

    assert sorted(r.pk for r in results) == sorted([older.pk, newer.pk])
