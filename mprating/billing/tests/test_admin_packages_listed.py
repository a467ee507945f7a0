"""Back office «Пакеты»: the list counts the plain packages and reads «продано» on the page's
rows only (`core.admin_page_columns`, issue 13), showing exactly what it showed when its whole
query carried it."""

import pytest
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext
from unfold.admin import ModelAdmin

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.billing.admin.packages import PackageAdmin
from mprating.billing.tests.factories import make_package, make_paid_purchase, order_by_invoice
from mprating.core.testing import page_html

pytestmark = pytest.mark.django_db
PACKAGES = "/backoffice/billing/package/"


@pytest.fixture
def browser():
    browser = BrowserClient()
    browser.force_login(make_staff(roles.OPERATOR, email="operator@example.ru"))
    return browser


def _packages():
    popular = make_package(name="Популярный", price="4990.00", sort_order=1)
    for _ in range(2):
        make_paid_purchase(make_client(), popular)
    order_by_invoice(make_client(), popular)  # not paid: not sold
    make_package(name="Новый", price="990.00", on_sale=False, sort_order=2)
    return popular


def _page(browser, query: str) -> str:
    return page_html(browser, f"{PACKAGES}{query}")


@pytest.mark.parametrize(
    "query", ["", "?o=6", "?o=-6.2", "?is_on_sale__exact=1", "?q=Нов", "?_facets=1&o=6"]
)
def test_the_list_is_the_same_as_with_sold_on_its_whole_query(browser, monkeypatch, query):
    _packages()
    shown = _page(browser, query)

    # the list's root annotated as the admin's other pages read it
    monkeypatch.setattr(PackageAdmin, "get_changelist_instance", ModelAdmin.get_changelist_instance)
    assert _page(browser, query) == shown


def test_the_count_has_no_group_by_and_the_rows_have_sold(browser):
    popular = _packages()

    with CaptureQueriesContext(connection) as ctx:
        cl = browser.get(PACKAGES).context["cl"]

    counts = [
        q["sql"]
        for q in ctx.captured_queries
        if "COUNT(*)" in q["sql"] and "billing_package" in q["sql"]
    ]
    assert counts and all("GROUP BY" not in sql for sql in counts)
    assert not cl.root_queryset.query.annotations
    assert {p.name: p.sold_count for p in cl.result_list} == {popular.name: 2, "Новый": 0}


def test_a_new_sale_shows_on_the_next_visit(browser):
    popular = _packages()
    before = {p.name: p.sold_count for p in browser.get(PACKAGES).context["cl"].result_list}

    make_paid_purchase(make_client(), popular)

    after = {p.name: p.sold_count for p in browser.get(PACKAGES).context["cl"].result_list}
    assert (before[popular.name], after[popular.name]) == (2, 3)
