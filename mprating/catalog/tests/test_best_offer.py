"""«in stock, then cheapest, then fastest» (issue 3, cart import) — one query for many products."""

import pytest

from mprating.catalog.selectors import BestOffer, best_offer_facts, best_offers_for_products
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


def test_best_offer_facts_make_the_same_choice_as_plain_values():
    product = make_product(article="FACTS-1")
    make_offer(product, make_warehouse(), price="100.00", quantity=0)
    cheap = make_offer(product, make_warehouse(name="Север"), price="200.00", quantity=5)
    make_offer(product, make_warehouse(), price="300.00", quantity=5)
    make_offer(product, make_warehouse(is_active=False), price="1.00", quantity=50)
    empty = make_product(article="FACTS-2")
    only = make_offer(
        empty, make_warehouse(name="Юг"), price="9.00", quantity=0, min_order_quantity=3
    )
    ids = [product.pk, empty.pk, 999999]

    facts = best_offer_facts(ids)

    assert facts == {
        product.pk: BestOffer(cheap.pk, 5, 1, True, "Север"),
        empty.pk: BestOffer(only.pk, 0, 3, True, "Юг"),
    }
    assert {pk: fact.offer_id for pk, fact in facts.items()} == {
        pk: offer.pk for pk, offer in best_offers_for_products(ids).items()
    }
