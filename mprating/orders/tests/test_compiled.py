"""`orders.compiled.ids_statement`: a statement compiled once gives, for any ids, the rows of
the queryset compiled for those ids, in one query (issue 13)."""

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.core.testing import count_queries
from mprating.orders.compiled import ids_statement
from mprating.orders.models import OrderStatus

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
