"""`core.kept_queries`: a plain list query's statements compiled once, its rows and count the
ORM's own, every other query compiled as Django compiles it."""

import pytest
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from mprating.accounts.models import Client
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.catalog.tests.factories import make_warehouse
from mprating.core import kept_queries
from mprating.core.kept_queries import kept_statements, plain_key
from mprating.core.testing import record_compiled_models

pytestmark = pytest.mark.django_db

WAREHOUSES = "/backoffice/catalog/warehouse/"


@pytest.fixture
def compiled(monkeypatch):
    """The models whose queries were compiled while the test ran."""
    return record_compiled_models(monkeypatch)


def _fields(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _list_query():
    return Client.objects.select_related("user").order_by("-created_at", "-id")


def test_a_list_query_is_plain_and_its_key_names_what_it_sets():
    key = plain_key(_list_query()[:100].query, "default")
    assert key == ("default", Client, (("user", ()),), ("-created_at", "-id"), 0, 100)
    assert plain_key(_list_query()[100:200].query, "default") != key
    assert plain_key(_list_query().order_by("id")[:100].query, "default") != key
    assert plain_key(Client.objects.order_by("-created_at", "-id")[:100].query, "default") != key


@pytest.mark.parametrize(
    "queryset",
    [
        lambda: _list_query().filter(inn="1"),
        lambda: _list_query().exclude(pk=1),
        lambda: _list_query().annotate(n=Count("user__groups")),
        lambda: _list_query().order_by(F("created_at").desc()),
        lambda: _list_query().only("inn"),
        lambda: _list_query().defer("inn"),
        lambda: _list_query().distinct(),
        lambda: _list_query().extra(select={"one": "1"}),
        lambda: _list_query().select_for_update(),
        lambda: _list_query().values("pk"),
        lambda: _list_query().none(),
        lambda: _list_query().union(Client.objects.all()),
    ],
)
def test_anything_else_is_not_plain(queryset):
    assert plain_key(queryset().query, "default") is None


def test_rows_are_the_orms_and_the_statement_is_compiled_once(compiled):
    people = [make_client(), make_client()]
    kept_queries._rows.clear()
    expected = list(_list_query()[:10])

    first = list(kept_statements(_list_query())[:10])
    compiled.clear()
    with CaptureQueriesContext(connection) as queries:
        again = list(kept_statements(_list_query())[:10])

    assert compiled == [] and len(queries) == 1
    for rows in (first, again):
        assert [_fields(c) for c in rows] == [_fields(c) for c in expected]
        assert [_fields(c.user) for c in rows] == [_fields(c.user) for c in expected]
        assert all(type(c) is Client and not c._state.adding for c in rows)
    assert {c.pk for c in again} == {p.pk for p in people}


def test_a_new_row_is_seen_and_a_filtered_query_is_compiled_anew(compiled):
    make_client()
    assert len(list(kept_statements(_list_query())[:10])) == 1
    assert kept_statements(_list_query()).count() == 1
    newcomer = make_client()
    compiled.clear()

    assert len(list(kept_statements(_list_query())[:10])) == 2
    assert kept_statements(_list_query()).count() == 2
    assert compiled == []

    found = list(kept_statements(_list_query().filter(pk=newcomer.pk)))
    assert [c.pk for c in found] == [newcomer.pk]
    assert kept_statements(_list_query().filter(pk=newcomer.pk)).count() == 1
    assert compiled == [Client, Client]


def test_the_count_is_kept_apart_from_the_ordering(compiled):
    make_client()
    assert kept_statements(_list_query()).count() == 1
    compiled.clear()
    with CaptureQueriesContext(connection) as queries:
        assert kept_statements(_list_query().order_by("pk")).count() == 1
    assert compiled == []
    assert "COUNT(" in queries.captured_queries[0]["sql"].upper()


def test_an_unfiltered_changelist_compiles_its_statements_once(client, compiled):
    # «Склады»: a plain list (lists that annotate their page, «Клиенты» since it reads its
    # users' fields as values, are compiled as Django compiles them).
    client.force_login(make_staff(email="boss@example.ru", superuser=True))
    make_warehouse(name="Склад 1")
    make_warehouse(name="Склад 2")
    first = client.get(WAREHOUSES)
    compiled.clear()

    again = client.get(WAREHOUSES)

    assert again.status_code == 200
    assert Warehouse not in compiled
    assert again.context["cl"].result_count == 2
    assert [w.pk for w in again.context["cl"].result_list] == [
        w.pk for w in first.context["cl"].result_list
    ]
    # A search is compiled as Django compiles it, with its own rows.
    found = client.get(WAREHOUSES + "?q=nobody-by-that-name")
    assert Warehouse in compiled and found.context["cl"].result_count == 0


def test_an_unfiltered_list_without_its_total_does_not_offer_to_show_all(client):
    # «Товары» does not count its total (show_full_result_count = False); unfiltered, the
    # header must not say «2 результата (Показать все)» with a link to the same list.
    from mprating.catalog.tests.factories import make_product

    client.force_login(make_staff(email="boss@example.ru", superuser=True))
    make_product(article="AB-1")
    make_product(article="CD-2")

    plain = client.get("/backoffice/catalog/product/").content.decode()
    searched = client.get("/backoffice/catalog/product/?q=AB1").content.decode()

    assert "Показать все" not in plain
    assert "Показать все" in searched and "1 результат" in searched
