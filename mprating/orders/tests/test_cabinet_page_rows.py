"""Cabinet «Заказы» / «Архив»: the page's rows read over the statement compiled once
(`cabinet_selectors._page_rows`) are the rows the queryset `_with_row_data` gives (issue 13)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries
from mprating.orders import cabinet_selectors, services
from mprating.orders.models import OrderLine, OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = pytest.mark.django_db


def _snapshot(line: OrderLine) -> tuple:
    """Everything a row, the returns hook and the templates read from a line."""
    fields = tuple(
        (field.attname, getattr(line, field.attname)) for field in OrderLine._meta.concrete_fields
    )
    order = tuple(
        (field.attname, getattr(line.order, field.attname))
        for field in line.order._meta.concrete_fields
    )
    status = tuple(
        (field.attname, getattr(line.status, field.attname))
        for field in line.status._meta.concrete_fields
    )
    return (
        fields,
        order,
        status,
        line.order_all_final,
        line.is_refused,
        type(line.is_refused),
        line._state.db,
        line._state.adding,
    )


def test_page_rows_are_the_querysets_rows_for_every_number_of_ids():
    # Given: lines in work, refused (one order all final, one not) and an archived order
    account = make_client(last_name="Строчный", phone="+79035550079")
    manager = make_staff()
    warehouse = make_warehouse()
    for price in ("10.50", "1234.50", "7.00"):
        add_to_cart(account, make_offer(make_product(brand="BOSCH"), warehouse, price=price))
    place_order(account)
    for price in ("99.99", "5.00"):
        add_to_cart(account, make_offer(make_product(brand="MANN"), warehouse, price=price))
    refused_order = place_order(account)
    add_to_cart(account, make_offer(make_product(brand="NGK"), warehouse, price="3.10"))
    archived_order = place_order(account)
    refused_ids = list(refused_order.lines.values_list("pk", flat=True))
    services.line_refuse(line_ids=refused_ids, actor=manager, reason="Нет в наличии")
    services.line_refuse(
        line_ids=list(archived_order.lines.values_list("pk", flat=True)),
        actor=manager,
        reason="Нет в наличии",
    )
    services.order_archive(client=account, order_id=archived_order.pk)
    ids = list(
        OrderLine.objects.filter(client=account).order_by("-pk").values_list("pk", flat=True)
    )
    assert len(ids) == 6

    # When / then: every count of ids, in the page's order and in another, and a missing id
    for chosen in ([], ids[:1], ids[:2], ids, list(reversed(ids)), [*ids[:3], 0]):
        reference = list(cabinet_selectors._with_row_data(OrderLine.objects.filter(pk__in=chosen)))
        rows = []
        queries = count_queries(
            lambda chosen=chosen, rows=rows: rows.extend(cabinet_selectors._page_rows(chosen))
        )
        assert queries == (1 if chosen else 0)
        assert sorted(map(_snapshot, rows)) == sorted(map(_snapshot, reference))
    rows = {line.pk: line for line in cabinet_selectors._page_rows(ids)}
    assert {pk for pk, line in rows.items() if line.is_refused} == {
        *refused_ids,
        *archived_order.lines.values_list("pk", flat=True),
    }
    assert all(rows[pk].order_all_final for pk in refused_ids)
    assert not any(line.order_all_final for line in rows.values() if not line.is_refused)
    assert isinstance(rows[ids[0]].price, Decimal)
    assert timezone.is_aware(rows[ids[0]].order.created_at)
    assert rows[ids[0]].status.role == OrderStatus.Role.REFUSED
