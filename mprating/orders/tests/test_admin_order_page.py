"""The order's page in the back office, its fieldsets and lines written in Python
(orders/admin/order_page.py, issue 13), is the page unfold's own templates render: same labels,
values, escaping and markup."""

import re

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.orders import hooks, services
from mprating.orders.admin.orders import OrderAdmin, OrderLineInline
from mprating.orders.models import Order
from mprating.orders.tests.status_helpers import order_with_lines

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mails(monkeypatch):
    monkeypatch.setattr(hooks, "line_status_changed", lambda line_ids: None)


@pytest.fixture
def manager():
    return make_staff(roles.MANAGER, email="manager@example.ru")


def _normal(html: str) -> str:
    """What a browser reads the same: whitespace runs as one space, class names in any order
    (unfold joins them from a set), the CSRF token (masked anew on every page) left out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
    html = re.sub(r'class="([^"]*)"', lambda m: f'class="{" ".join(sorted(m[1].split()))}"', html)
    return re.sub(r"\s+", " ", html)


def _pages(client, manager, monkeypatch, order: Order) -> tuple[str, str]:
    client.force_login(manager)
    url = f"/backoffice/orders/order/{order.pk}/change/"
    fast = client.get(url)
    assert fast.status_code == 200
    # The fieldsets and the lines written in Python were used …
    assert fast.context["order_fieldsets_html"]
    assert fast.context["inline_admin_formsets"][0].fast_rows
    # … and unfold's own templates render the reference.
    monkeypatch.setattr(OrderAdmin, "change_form_template", "admin/change_form.html")
    monkeypatch.setattr(OrderLineInline, "template", "admin/edit_inline/tabular.html")
    reference = client.get(url)
    assert reference.status_code == 200
    return _normal(fast.content.decode()), _normal(reference.content.decode())


def test_order_page_is_what_unfold_renders_with_a_pickup_point(client, manager, monkeypatch):
    buyer = make_client(last_name="Покупатель", first_name="Иван")
    order, _ = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT))

    fast, reference = _pages(client, manager, monkeypatch, order)

    assert order.number in fast and "Покупатель Иван" in fast
    assert fast == reference


def test_order_page_is_what_unfold_renders_with_escaped_text(client, manager, monkeypatch):
    # A comment with markup and a line break, delivery to an address with «&», one line
    # refused (the total names it apart): the fields show values of every kind they have.
    buyer = make_client(last_name="О'Брайен <b>", first_name="Иван & Ко")
    order, lines = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT))
    Order.objects.filter(pk=order.pk).update(
        comment='Позвонить <script>alert("x")</script>\nдважды',
        pickup_point=None,
        delivery_address="г. Москва, ул. Тверская & Ко, д. 1",
    )
    services.line_refuse(line_ids=[lines[0].pk], actor=manager, reason="Нет <в> наличии")

    fast, reference = _pages(client, manager, monkeypatch, order)

    assert "&lt;script&gt;" in fast and "<script>alert" not in fast
    assert "Тверская &amp; Ко" in fast
    assert fast == reference
