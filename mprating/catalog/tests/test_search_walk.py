"""The walk over the cross links on random graphs, written through every path that writes them.

Issue 13, target 4: on PostgreSQL the search walks `catalog_crossneighbours` (each product's links
as one array, kept by triggers on `catalog_crosslink`, migration 0004) instead of the two indexes
of the stored pairs; SQLite still walks the pairs. Whatever wrote the links (the service, the
import's bulk insert, the back office's change and bulk delete, a product's deletion, TRUNCATE),
the walk must give what a breadth-first walk in Python gives over the same links, and the search
what the earlier search gave (`test_search_one_statement.old_search`, which reads the pairs).
"""

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mprating.catalog import search as search_module
from mprating.catalog import services
from mprating.catalog.models import CrossLink, Product
from mprating.catalog.search import analogs_of, search
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.catalog.tests.test_search_one_statement import client_with, old_search

pytestmark = pytest.mark.django_db

PRODUCTS = 9


def reference_analogs(edges: set[frozenset], start: int, depth: int, limit: int) -> dict:
    """Breadth-first in Python: each product at its smallest depth; on the level that passes
    `limit`, the smallest ids; no deeper level once `limit` is reached."""
    found: dict[int, int] = {}
    seen, frontier = {start}, [start]
    for level in range(1, depth + 1):
        if not frontier or len(found) >= limit:
            break
        fresh = sorted({other for edge in edges for other in edge if edge & set(frontier)} - seen)[
            : limit - len(found)
        ]
        found.update(dict.fromkeys(fresh, level))
        seen.update(fresh)
        frontier = fresh
    return found


def neighbours_stored() -> dict[int, list[int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT product_id, neighbour_ids FROM catalog_crossneighbours")
        return {pk: sorted(ids) for pk, ids in cursor.fetchall() if ids}


def neighbours_recounted() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for a, b in CrossLink.objects.values_list("product_a_id", "product_b_id"):
        found.setdefault(a, []).append(b)
        found.setdefault(b, []).append(a)
    return {pk: sorted(ids) for pk, ids in found.items()}


class Rollback(Exception):
    pass


pairs = st.tuples(st.integers(0, PRODUCTS - 1), st.integers(0, PRODUCTS - 1)).filter(
    lambda pair: pair[0] != pair[1]
)
# A graph written link by link (the service) or in batches (the import), then changed.
operations = st.tuples(
    st.lists(st.tuples(st.sampled_from(["service", "bulk"]), pairs), min_size=3, max_size=24),
    st.lists(
        st.one_of(
            st.tuples(st.just("service"), pairs),
            st.tuples(st.just("bulk"), st.lists(pairs, max_size=6)),
            st.tuples(st.just("delete"), st.integers(0, 99)),
            st.tuples(st.just("change"), st.integers(0, 99), st.integers(0, PRODUCTS - 1)),
            st.tuples(st.just("delete_product"), st.integers(0, PRODUCTS - 1)),
        ),
        max_size=8,
    ),
).map(
    lambda graph_and_changes: [
        *((kind, pair if kind == "service" else [pair]) for kind, pair in graph_and_changes[0]),
        *graph_and_changes[1],
    ]
)


def _apply(operation, products: list[Product], alive: list[bool]) -> None:
    """One write, through the code path it stands for; TRUNCATE is tested on its own."""
    kind, *args = operation

    ids = [product.pk for product in products]
    if kind == "service":  # services.cross_link_add: factories, demo data, the admin's «add»
        i, j = args[0]
        if alive[i] and alive[j]:
            services.cross_link_add(product_1=products[i], product_2=products[j])
    elif kind == "bulk":  # the cross import: bulk_create(ignore_conflicts=True) of a batch
        links = {services.cross_pair(ids[i], ids[j]) for i, j in args[0] if alive[i] and alive[j]}
        CrossLink.objects.bulk_create(
            [CrossLink(product_a_id=a, product_b_id=b) for a, b in links], ignore_conflicts=True
        )
    elif kind == "delete":  # the back office's delete and bulk delete: a queryset delete
        link = _existing_link(args[0])
        if link is not None:
            CrossLink.objects.filter(pk__in=[link.pk]).delete()
    elif kind == "change":  # the back office's change form: one product of a pair replaced
        link, k = _existing_link(args[0]), args[1]
        if link is not None and alive[k] and ids[k] not in (link.product_a_id, link.product_b_id):
            pair = services.cross_pair(ids[k], link.product_b_id)
            if not CrossLink.objects.filter(product_a_id=pair[0], product_b_id=pair[1]).exists():
                link.product_a_id, link.product_b_id = pair
                link.save()
    elif kind == "delete_product" and alive[args[0]]:  # its links go by CASCADE
        Product.objects.filter(pk=ids[args[0]]).delete()
        alive[args[0]] = False


def _existing_link(index: int) -> CrossLink | None:
    links = list(CrossLink.objects.order_by("pk"))
    return links[index % len(links)] if links else None


@pytest.fixture
def products() -> list[Product]:
    home = make_warehouse()
    found = [make_product("FEBI", f"WALK-{i}") for i in range(PRODUCTS)]
    for i, product in enumerate(found):
        if i % 3:
            make_offer(product, home, quantity=i % 2)
    return found


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=operations, limit=st.integers(1, 6))
def test_walk_equals_a_breadth_first_walk_in_python(products, writes, limit):
    try:
        with transaction.atomic():
            alive = [True] * PRODUCTS
            for operation in writes:
                _apply(operation, products, alive)
            edges = {
                frozenset(pair)
                for pair in CrossLink.objects.values_list("product_a_id", "product_b_id")
            }
            if connection.vendor == "postgresql":
                assert neighbours_stored() == neighbours_recounted()
            for i, product in enumerate(products):
                if not alive[i]:
                    continue
                for depth in (1, 2, 3):
                    for cut in (limit, search_module.NO_LIMIT):
                        expected = reference_analogs(edges, product.pk, depth, cut)
                        got = analogs_of(product_id=product.pk, depth=depth, limit=cut)
                        assert got == expected, (i, depth, cut)
            raise Rollback
    except Rollback:
        pass


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    writes=operations,
    traversal=st.integers(1, 8),
    analogs=st.integers(1, 5),
    scheme=st.integers(1, 3),
)
def test_search_equals_the_earlier_search_on_random_graphs(
    products, monkeypatch, writes, traversal, analogs, scheme
):
    # the walk's limit and the analogs shown small, so that levels and analogs are cut
    monkeypatch.setattr(search_module, "TRAVERSAL_LIMIT", traversal)
    monkeypatch.setattr(search_module, "ANALOG_LIMIT", analogs)
    try:
        with transaction.atomic():
            alive = [True] * PRODUCTS
            for operation in writes:
                _apply(operation, products, alive)
            client = client_with("10", scheme)
            for i, product in enumerate(products):
                if not alive[i]:
                    continue
                for in_stock in (False, True):
                    kwargs = {"client": client, "query": product.article, "in_stock": in_stock}
                    assert search(**kwargs) == old_search(**kwargs), (i, in_stock)
            raise Rollback
    except Rollback:
        pass


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the arrays are PostgreSQL's")
def test_truncating_the_links_empties_the_neighbours(products):
    # given links (bench scripts truncate them; so does Django's flush between tests)
    services.cross_link_add(product_1=products[0], product_2=products[1])
    assert neighbours_stored()

    # when
    with connection.cursor() as cursor:
        # the deferred foreign key checks first: PostgreSQL does not truncate a table with
        # pending trigger events
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE catalog_crosslink")

    # then
    assert neighbours_stored() == {}
    assert analogs_of(product_id=products[0].pk, depth=3) == {}


def test_the_reference_walk():
    # a chain 0-1-2-3-4-5 plus a chord 0-2: smallest depths, the cut level by smallest ids
    edges = {frozenset((i, i + 1)) for i in range(5)} | {frozenset((0, 2))}
    assert reference_analogs(edges, 0, 3, 10) == {1: 1, 2: 1, 3: 2, 4: 3}
    assert reference_analogs(edges, 3, 3, 3) == {2: 1, 4: 1, 0: 2}
    assert reference_analogs(edges, 3, 1, 10) == {2: 1, 4: 1}
