"""«in stock, then cheapest, then fastest» (issue 3, cart import) — one query for many products."""

import pytest

from mprating.catalog.selectors import best_offers_for_products
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse

pytestmark = pytest.mark.django_db


def test_best_offer_is_in_stock_then_cheapest_then_fastest():
    product = make_product(article="BEST-1")
    make_offer(product, make_warehouse(), price="100.00", quantity=0)
    make_offer(product, make_warehouse(), price="300.00", quantity=5, delivery_days=1)
    fast = make_offer(product, make_warehouse(), price="200.00", quantity=5, delivery_days=1)
    make_offer(product, make_warehouse(), price="200.00", quantity=5, delivery_days=4)
    closed = make_warehouse(is_active=False)
    make_offer(product, closed, price="1.00", quantity=50)
    lonely = make_product(article="BEST-2")
    only = make_offer(lonely, make_warehouse(), price="50.00", quantity=0)

    best = best_offers_for_products([product.pk, lonely.pk, 999999])

    assert best == {product.pk: fast, lonely.pk: only}
