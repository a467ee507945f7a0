"""The cells of «Заявки» and «Позиции заказов», built in Python instead of per-row templates
(issue 13: «cut what it costs: computed columns, repeated escaping, widgets per row»): the same
markup as the templates gave, every value escaped, the page's queries fixed."""

import pytest
from django.template.loader import render_to_string

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.orders.admin.common import refusal_cell, status_badge
from mprating.orders.models import Order, OrderLine, OrderStatus, RefusalState
from mprating.orders.tests.status_helpers import order_with_lines, role

pytestmark = pytest.mark.django_db

ORDERS = "/backoffice/orders/order/"
LINES = "/backoffice/orders/orderline/"
EVIL = '<script>alert("x")</script>'


@pytest.fixture
def manager_browser(client):
    client.force_login(make_staff(roles.MANAGER, email="manager@example.ru"))
    return client


@pytest.mark.parametrize("count", [None, 3])
@pytest.mark.parametrize("wrap", [False, True])
def test_status_badge_is_the_templates_markup(count, wrap):
    status = OrderStatus(name='Новый & "срочный"', colour="#2563eb")

    built = status_badge(status, count, wrap=wrap)

    template = render_to_string(
        "orders/admin/_status_badge.html", {"status": status, "count": count, "wrap": wrap}
    ).strip()
    assert built == template


def test_order_list_cells_escape_every_value(manager_browser):
    buyer = make_client(last_name=EVIL, first_name="Иван")
    order, [line] = order_with_lines(buyer)
    OrderLine.objects.filter(pk=line.pk).update(
        brand_name=EVIL, article=EVIL, product_name=EVIL, comment=EVIL
    )
    Order.objects.filter(pk=order.pk).update(comment=EVIL * 5)  # > 80: cut, full in title

    html = manager_browser.get(ORDERS).content.decode()

    assert EVIL not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert f"<b>{escaped}</b> {escaped} — {escaped} × 1" in html
    assert f'<em style="opacity:.7">«{escaped}»</em>' in html
    assert f'title="{escaped * 5}"' in html
    assert f">{escaped}" in html  # the client's name in its link


def test_order_list_shows_archived_mark_and_status_counts(manager_browser):
    order, lines = order_with_lines(make_client(), kinds=("home", "transit"))
    OrderLine.objects.filter(pk=lines[0].pk).update(status=role(OrderStatus.Role.REFUSED))
    Order.objects.filter(pk=order.pk).update(archived_at=order.created_at)

    html = manager_browser.get(ORDERS).content.decode()

    assert '<br><span style="opacity:.6">в архиве</span>' in html
    assert html.count("×&nbsp;1</span>") == 2  # two statuses, one line each


def test_refusal_cell_escapes_the_comment():
    line = OrderLine(manager_comment=EVIL, status=OrderStatus(role=OrderStatus.Role.NEW))

    assert str(refusal_cell(line)) == (
        '<div style="min-width:160px">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</div>'
    )
    assert str(refusal_cell(OrderLine(status=OrderStatus(role=OrderStatus.Role.NEW)))) == (
        '<div style="min-width:160px">—</div>'
    )


def _refusal_cell_as_before(line: OrderLine) -> str:
    """The cell as it was written before it was kept per value (issue 13)."""
    from django.utils.html import conditional_escape

    label = line.get_refusal_state_display() if line.refusal_state else ""
    state = label
    if line.status.role == OrderStatus.Role.REFUSED:
        seen = "клиент просмотрел" if line.refusal_seen else "клиент не просмотрел"
        state = f"{state}, {seen}" if state else seen.capitalize()
    comment = "" if line.manager_comment == label else line.manager_comment
    if state and comment:
        inner = f"<b>{conditional_escape(state)}</b><br>{conditional_escape(comment)}"
    elif state:
        inner = f"<b>{conditional_escape(state)}</b>"
    else:
        inner = conditional_escape(comment) if comment else "—"
    return f'<div style="min-width:160px">{inner}</div>'


@pytest.mark.parametrize("state", ["", *RefusalState.values])
@pytest.mark.parametrize("refused", [False, True])
@pytest.mark.parametrize("seen", [False, True])
def test_refusal_cell_kept_per_value_is_the_cell(state, refused, seen):
    status = OrderStatus(role=OrderStatus.Role.REFUSED if refused else OrderStatus.Role.NEW)
    labels = dict(RefusalState.choices)
    for comment in ("", EVIL, "Нет в наличии", labels.get(state, "")):
        line = OrderLine(
            refusal_state=state, refusal_seen=seen, manager_comment=comment, status=status
        )
        for _ in range(2):  # made, then kept
            assert str(refusal_cell(line)) == _refusal_cell_as_before(line)


def test_both_lists_keep_their_queries_from_one_order_to_twenty(
    manager_browser, django_assert_max_num_queries
):
    from mprating.core.testing import count_queries

    buyer = make_client()
    order_with_lines(buyer, kinds=("home", "transit"))
    one = {url: count_queries(lambda url=url: manager_browser.get(url)) for url in (ORDERS, LINES)}
    for _ in range(19):
        order_with_lines(buyer, kinds=("home", "transit"))

    for url, queries in one.items():
        with django_assert_max_num_queries(queries):
            assert manager_browser.get(url).status_code == 200
