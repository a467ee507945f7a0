"""Cross-reference traversal: depths, cycles, duplicate paths, both columns of a pair."""

from itertools import pairwise

import pytest

from mprating.catalog.models import CrossLink
from mprating.catalog.search import analogs_of
from mprating.catalog.tests.factories import link, make_product
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db


def chain(n: int) -> list:
    products = [make_product(article=f"CH-{i}") for i in range(n)]
    for first, second in pairwise(products):
        link(first, second)
    return products


def test_chain_gives_each_product_its_depth():
    # given A - B - C - D - E
    a, b, c, d, _ = chain(5)

    # when / then
    assert analogs_of(product_id=a.pk, depth=1) == {b.pk: 1}
    assert analogs_of(product_id=a.pk, depth=2) == {b.pk: 1, c.pk: 2}
    assert analogs_of(product_id=a.pk, depth=3) == {b.pk: 1, c.pk: 2, d.pk: 3}


def test_walks_both_columns_of_the_stored_pair():
    # given a chain walked from its middle: links point both "up" and "down" in id order
    a, b, c, d, e = chain(5)

    # when
    found = analogs_of(product_id=c.pk, depth=2)

    # then
    assert found == {b.pk: 1, d.pk: 1, a.pk: 2, e.pk: 2}
    assert CrossLink.objects.filter(product_a=b, product_b=c).exists()  # stored a < b


def test_cycle_never_repeats_a_product_and_never_returns_the_product_itself():
    # given a triangle A-B-C plus C-D
    a, b, c, d = (make_product(article=f"CY-{i}") for i in range(4))
    link(a, b)
    link(b, c)
    link(c, a)
    link(c, d)

    # when
    found = analogs_of(product_id=a.pk, depth=3)

    # then
    assert found == {b.pk: 1, c.pk: 1, d.pk: 2}
    assert a.pk not in found


def test_duplicate_paths_keep_the_smallest_depth():
    # given A-B-D, A-C-D and a long way round A-E-F-C
    a, b, c, d, e, f = (make_product(article=f"DU-{i}") for i in range(6))
    link(a, b)
    link(a, c)
    link(b, d)
    link(c, d)
    link(a, e)
    link(e, f)
    link(f, c)

    # when
    found = analogs_of(product_id=a.pk, depth=3)

    # then
    assert found == {b.pk: 1, c.pk: 1, e.pk: 1, d.pk: 2, f.pk: 2}


def test_reversed_ids_are_found_the_same_way():
    # given the requested product has the largest id
    other, first = make_product(article="RV-1"), make_product(article="RV-2")
    link(first, other)  # stored as (other, first)

    # when / then
    assert analogs_of(product_id=first.pk, depth=1) == {other.pk: 1}
    assert analogs_of(product_id=other.pk, depth=1) == {first.pk: 1}


def test_no_links_and_zero_depth():
    lonely = make_product(article="LONELY")
    assert analogs_of(product_id=lonely.pk, depth=3) == {}
    assert analogs_of(product_id=lonely.pk, depth=0) == {}


def test_limit_keeps_the_nearest_with_exact_depths():
    # given A linked to 3 products, each linked to 3 more
    a = make_product(article="LIM-A")
    near = [make_product(article=f"LIM-N{i}") for i in range(3)]
    far = []
    for i, product in enumerate(near):
        link(a, product)
        for j in range(3):
            leaf = make_product(article=f"LIM-F{i}{j}")
            link(product, leaf)
            far.append(leaf)

    # when
    found = analogs_of(product_id=a.pk, depth=3, limit=5)

    # then: the three direct ones and two of the second level, nothing deeper
    assert len(found) == 5
    assert {pk for pk, depth in found.items() if depth == 1} == {p.pk for p in near}
    assert sorted(pk for pk, depth in found.items() if depth == 2) == sorted(p.pk for p in far)[:2]


def test_one_query_for_every_level():
    # given a chain long enough for every level
    a, *_ = chain(6)

    # when / then: the whole walk is one statement (issue 13)
    for depth in (1, 2, 3):
        assert count_queries(lambda d=depth: analogs_of(product_id=a.pk, depth=d)) == 1
