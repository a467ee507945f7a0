"""`orders.compiled`: a statement compiled once gives, for any ids, the rows of the queryset
compiled for those ids, in one query; a kept page gives the ORM's objects (issue 13)."""

import pytest
from django.db.models import F

from mprating.accounts.tests.factories import make_client
from mprating.core import kept_queries
from mprating.core.kept_queries import kept_page
from mprating.core.testing import count_queries, record_compiled_models
from mprating.orders.compiled import ids_statement
from mprating.orders.models import Order, OrderStatus
from mprating.orders.tests.status_helpers import order_with_lines

pytestmark = pytest.mark.django_db


def _make(ids):
    return (
        OrderStatus.objects.using("default")
        .filter(pk__any_of=ids, sort_order__gte=0)
        .order_by("pk")
        .values_list("pk", "name", "is_final")
    )


def test_the_statement_gives_the_querysets_rows_for_any_ids():
    make_client()
    all_ids = list(OrderStatus.objects.order_by("pk").values_list("pk", flat=True))
    statement = ids_statement(_make, "default")

    for ids in ([], all_ids[:1], all_ids[:2], list(reversed(all_ids)), [*all_ids, 0, 10**12]):
        rows = []
        queries = count_queries(
            lambda ids=ids, rows=rows: rows.extend(statement.rows("default", ids))
        )
        assert queries == 1
        assert sorted(map(tuple, rows)) == sorted(_make(set(ids)))
    assert len(all_ids) > 2


def test_an_id_that_is_not_an_int_is_refused():
    statement = ids_statement(_make, "default")

    with pytest.raises(ValueError):
        list(statement.rows("default", ["1) OR (1=1"]))


def _listed(queryset):
    return queryset.annotate(listed_email=F("client__user__email")).only("number", "client_id")


def test_a_kept_page_gives_the_shaped_querysets_objects_and_compiles_once(monkeypatch):
    buyer = make_client()
    for _ in range(2):
        order_with_lines(buyer)
    kept_queries._pages.clear()
    page = Order.objects.prefetch_related("lines").order_by("-pk")[:10]
    expected = list(_listed(page))
    key = ("test", "listed orders")
    given = []

    first = list(kept_page(page, key, shape=_listed, then=given.append))
    models = record_compiled_models(monkeypatch)
    queries = count_queries(lambda: first.extend(kept_page(page, key, shape=_listed, then=len)))

    assert queries == 1 and models == []  # the rows alone: no prefetch, nothing compiled
    assert given == [first[:2]]
    assert len(first) == 2 * len(expected) == 4
    for got, want in zip(first, expected + expected, strict=True):
        assert type(got) is Order and not got._state.adding and got._state.db == "default"
        assert (got.pk, got.number, got.client_id) == (want.pk, want.number, want.client_id)
        assert got.listed_email == want.listed_email == buyer.user.email
        assert got.get_deferred_fields() == want.get_deferred_fields() != set()
