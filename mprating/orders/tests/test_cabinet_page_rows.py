"""Cabinet «Заказы» / «Архив»: the page's rows read over the statement compiled once
(`cabinet_selectors._page_rows`, plain `PageLine`s) hold the values of the model instances the
queryset `_with_row_data` gives (issue 13)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries
from mprating.orders import cabinet_rows, cabinet_selectors, hooks, services
from mprating.orders.models import OrderLine, OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = pytest.mark.django_db


def _snapshot(line) -> tuple:
    """Everything a row and the returns hook read from a line: every column of
    `ROW_COLUMNS` under its model name (`pk`, `order.number`, `status.role`, …), with types."""
    values = []
    for column in cabinet_selectors.ROW_COLUMNS:
        target = line
        *relations, name = column.split("__")
        for relation in relations:
            target = getattr(target, relation)
        value = getattr(target, "pk" if name == "id" else name)
        values.append((column, value, type(value)))
    values += [
        ("order.pk", line.order.pk, line.order.id),
        ("status.pk", line.status.pk, line.status.id, line.status_id),
    ]
    return tuple(values)


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
    # Rows of one order share its order, rows of one status their status.
    refused = [rows[pk] for pk in refused_ids]
    assert refused[0].order is refused[1].order and refused[0].status is refused[1].status


@pytest.mark.parametrize("archived", [False, True])
def test_rows_of_a_page_render_as_the_model_instances_did(archived):
    # Given: lines in work, a shipped one (returns offers «Создать возврат» through the
    # hook), refused ones with a manager's comment and one seen, in «Заказы» and in «Архив»
    account = make_client(last_name="Рендер", phone="+79035550078")
    manager = make_staff()
    warehouse = make_warehouse()
    for brand, price in (("BOSCH", "10.50"), ("MANN", "1234.50"), ("NGK", "7.00")):
        add_to_cart(account, make_offer(make_product(brand=brand), warehouse, price=price))
    first = place_order(account)
    add_to_cart(account, make_offer(make_product(brand="<b>&"), warehouse, price="99.99"))
    second = place_order(account)
    first_ids = sorted(first.lines.values_list("pk", flat=True))
    shipped = OrderStatus.objects.get(role=OrderStatus.Role.SHIPPED)
    services.line_status_set(
        line_ids=first_ids[:1], status_id=shipped.pk, actor=manager, comment="Выдано"
    )
    services.line_refuse(line_ids=first_ids[1:], actor=manager, reason="Нет <в> наличии")
    services.line_refusal_seen_set(client=account, line_id=first_ids[1], seen=True)
    second_ids = list(second.lines.values_list("pk", flat=True))
    services.line_refuse(line_ids=second_ids, actor=manager, reason="Нет")
    if archived:
        services.order_archive(client=account, order_id=second.pk)

    # When: the page's rows, and the same rows as model instances, with the hook's actions
    page = cabinet_selectors.lines_page(
        client=account, archived=archived, filters=cabinet_selectors.LineFilters()
    )
    ids = [line.pk for line in page.lines]
    by_id = {
        line.pk: line
        for line in cabinet_selectors._with_row_data(OrderLine.objects.filter(pk__in=ids))
    }
    instances = [by_id[pk] for pk in ids]
    hooks.line_actions_attach(page.lines)
    hooks.line_actions_attach(instances)
    ctx = cabinet_rows.row_context(
        archived=archived, next_url="/cabinet/orders/?a=1&b=2", csrf_token="t"
    )

    # Then: byte for byte the same rows
    html = cabinet_rows.line_rows(page.lines, ctx, page.first_of_order)
    assert html == cabinet_rows.line_rows(instances, ctx, page.first_of_order)
    assert len(ids) == (1 if archived else 4)
    assert ("line-return" in html) is not archived
    assert ("Убрать в архив" in html) is not archived and "line-reorder" in html


@pytest.mark.parametrize("archived", [False, True])
def test_unfiltered_keys_are_the_orms_keys_for_every_sort_and_offset(archived):
    # Given: two clients' lines, some refused and one order archived
    account = make_client(last_name="Ключи", phone="+79035550077")
    other = make_client(last_name="Другой", phone="+79035550076")
    manager = make_staff()
    warehouse = make_warehouse()
    for buyer in (account, other):
        for brand, price in (("BOSCH", "10.50"), ("MANN", "10.50"), ("NGK", "7.00")):
            add_to_cart(buyer, make_offer(make_product(brand=brand), warehouse, price=price))
            place_order(buyer)
    orders = list(account.orders.order_by("pk"))
    services.line_refuse(
        line_ids=list(orders[0].lines.values_list("pk", flat=True)), actor=manager, reason="Нет"
    )
    services.order_archive(client=account, order_id=orders[0].pk)

    for key in cabinet_selectors.SORTS:
        for sort in (key, f"-{key}"):
            for offset in (0, 1):
                # When: the statement kept per process and the ORM's own query
                kept = cabinet_selectors._unfiltered_keys(account.pk, archived, sort, offset, 3)
                lines = cabinet_selectors.client_lines(
                    client=account,
                    archived=archived,
                    filters=cabinet_selectors.LineFilters(),
                    by_order=key in {"date", "number"},
                )
                ordering = cabinet_selectors._ordering(sort, archived=archived)
                columns = cabinet_selectors._columns(ordering)
                orm = list(lines.order_by(*ordering).values_list(*columns)[offset : offset + 3])

                # Then: the same keys, of this client only
                assert kept == orm, (sort, offset)
                assert len(kept) == (max(1 - offset, 0) if archived else 2 - offset)
