"""«Заявки» and «Позиции заказов» read their page, its lines and the statuses with statements
compiled once, and write the orders' composed cells once per value (issue 13): what a request
shows is still what the database holds, and the HTML is what the ORM's reads give."""

import re
from html import escape

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from mprating.accounts.tests.factories import make_client
from mprating.core.testing import count_queries, record_compiled_models
from mprating.orders.admin import listed
from mprating.orders.admin.listed import composition_html, lines_of, status_summary_html
from mprating.orders.models import Order, OrderLine, OrderStatus
from mprating.orders.tests.status_helpers import order_with_lines

pytestmark = pytest.mark.django_db

ORDERS = "/backoffice/orders/order/"
LINES = "/backoffice/orders/orderline/"


@pytest.fixture
def orders():
    buyer = make_client()
    return [order_with_lines(buyer, kinds=("home", "transit"))[0] for _ in range(3)]


def _html(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def _forget_kept() -> None:
    """Empty what the lists keep between requests, as in a process that just started."""
    from mprating.core import kept_queries

    for store in (kept_queries._pages, listed._cells, listed._summaries, kept_queries._rows):
        store.clear()
    listed._lines_statement.cache_clear()


@pytest.mark.parametrize("url", [ORDERS, LINES, ORDERS + "?o=-3", LINES + "?p=1&o=1"])
def test_a_lists_statements_are_compiled_once(manager_browser, orders, monkeypatch, url):
    _forget_kept()
    compiled = record_compiled_models(monkeypatch)
    first = _html(manager_browser.get(url))
    assert OrderLine in compiled and OrderStatus in compiled
    compiled.clear()

    again = _html(manager_browser.get(url))

    # The page, its lines (or its orders' fields) and the statuses: nothing compiled anew.
    assert not {Order, OrderLine, OrderStatus} & set(compiled)
    assert again == first


@pytest.mark.parametrize("url", [ORDERS, LINES])
def test_the_kept_page_is_the_orms_page(manager_browser, orders, url):
    _forget_kept()
    compiled_by_django = _html(manager_browser.get(url + "?q=MP"))  # a search: not kept
    _forget_kept()
    first = _html(manager_browser.get(url))
    kept = _html(manager_browser.get(url))

    assert kept == first
    # The searched page (nothing found) aside, the same header, filters and actions.
    assert compiled_by_django.count('name="_selected_action"') == 0
    assert kept.count('name="_selected_action"') == (3 if url == ORDERS else 6)


def test_a_changed_line_and_status_show_on_the_next_request(manager_browser, orders):
    manager_browser.get(ORDERS)
    manager_browser.get(LINES)
    line = OrderLine.objects.filter(order=orders[-1]).order_by("pk").first()
    status = OrderStatus.objects.get(pk=line.status_id)
    OrderLine.objects.filter(pk=line.pk).update(brand_name="ACME-7", quantity=7)
    OrderStatus.objects.filter(pk=status.pk).update(name="Переименован", colour="#123456")

    orders_page = _html(manager_browser.get(ORDERS))
    lines_page = _html(manager_browser.get(LINES))

    assert "<b>ACME-7</b>" in orders_page and "× 7</li>" in orders_page
    assert "Переименован" in orders_page and "#123456" in orders_page
    assert f"<span>{status.name}</span>" not in orders_page.split('id="result_list"')[1]
    assert "ACME-7" in lines_page and "Переименован" in lines_page


def test_a_new_order_and_a_filtered_list_are_read_anew(manager_browser, orders):
    manager_browser.get(ORDERS)
    newcomer, _ = order_with_lines(make_client(email="newcomer@example.ru"), kinds=("home",))

    page = _html(manager_browser.get(ORDERS))
    assert newcomer.number in page
    status = OrderStatus.objects.get(role=OrderStatus.Role.NEW)
    OrderLine.objects.filter(order=orders[0]).update(
        status=OrderStatus.objects.exclude(pk=status.pk).order_by("pk").first()
    )

    filtered = _html(manager_browser.get(f"{ORDERS}?status={status.pk}"))
    searched = _html(manager_browser.get(f"{ORDERS}?q={orders[1].number}"))

    assert newcomer.number in filtered and orders[0].number not in filtered
    assert orders[1].number in searched and newcomer.number not in searched


def test_listed_cells_are_the_cells_of_the_orders_lines(manager, orders):
    request = RequestFactory().get(ORDERS)
    request.user = manager
    for _ in range(2):  # written, then kept
        changelist = admin.site._registry[Order].get_changelist_instance(request)
        listed_orders = list(changelist.result_list)
        for order in listed_orders:
            lines = list(OrderLine.objects.filter(order=order).select_related("status"))
            model_admin = admin.site._registry[Order]
            assert model_admin.composition(order) == composition_html(lines)
            assert model_admin.current_status(order) == status_summary_html(lines)
            assert [line.article for line in lines_of(order)] == [x.article for x in lines]
        assert len(listed_orders) == 3


def test_the_page_reads_stay_fixed_with_kept_statements(manager_browser, orders):
    manager_browser.get(ORDERS)
    manager_browser.get(LINES)
    queries = {
        url: count_queries(lambda url=url: manager_browser.get(url)) for url in (ORDERS, LINES)
    }
    for _ in range(5):
        order_with_lines(make_client(email=f"more{_}@example.ru"), kinds=("home", "transit"))

    for url, number in queries.items():
        assert count_queries(lambda url=url: manager_browser.get(url)) == number


def test_line_cells_written_per_page_are_the_lines_own(manager, orders, settings):
    settings.TIME_ZONE = "Asia/Yekaterinburg"
    request = RequestFactory().get(LINES)
    request.user = manager
    model_admin = admin.site._registry[OrderLine]
    for _ in range(2):  # compiled, then kept
        rows = list(model_admin.get_changelist_instance(request).result_list)
        for row in rows:
            line = OrderLine.objects.select_related("order", "client__user").get(pk=row.pk)
            local = timezone.localtime(line.order.created_at)
            assert model_admin.created(row) == local.strftime("%d.%m.%Y %H:%M")
            assert model_admin.created(row) == model_admin.created(line)
            assert model_admin.client_display(row) == escape(line.client.user.get_full_name())
            assert model_admin.order_link(row) == model_admin.order_link(line)
            assert row.status == line.status
        assert len(rows) == 6
