"""Back office «Управление заявками»: the order list, an order's page, the line actions and
«Отказы на рассмотрении» (seed 000)."""

import re
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.core.admin_paging import EstimatedCountPaginator
from mprating.core.testing import count_queries
from mprating.orders import hooks, services
from mprating.orders.admin.common import refusal_cell
from mprating.orders.models import Order, OrderLine, RefusalState, StatusChange
from mprating.orders.tests.status_helpers import order_with_lines, role, status

pytestmark = pytest.mark.django_db

ORDERS = "/backoffice/orders/order/"
LINES = "/backoffice/orders/orderline/"


@pytest.fixture(autouse=True)
def mails(monkeypatch):
    sent: list[list[int]] = []
    monkeypatch.setattr(hooks, "line_status_changed", sent.append)
    return sent


@pytest.fixture
def buyer():
    return make_client(last_name="Покупатель", first_name="Иван", phone="+7 916 111-22-33")


def _orders(count: int):
    client = make_client(last_name="Оптовик")
    for _ in range(count):
        order_with_lines(client, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT))


def test_order_list_shows_the_seed_columns_with_mixed_statuses(manager_browser, buyer, manager):
    # given: one line «Принят», one «Новый»
    order, [home, _] = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT))
    Order.objects.filter(pk=order.pk).update(comment="Позвонить за час")
    services.line_status_set(line_ids=[home.pk], status_id=status("Принят").pk, actor=manager)

    # when
    page = _flat(manager_browser.get(ORDERS).content.decode())

    # then
    assert order.number in page
    assert "Принят × 1" in page and "Новый × 1" in page
    assert home.article in page and home.brand_name in page and home.product_name in page
    assert "Покупатель Иван" in page
    assert "Позвонить за час" in page
    assert "При получении" in page
    assert "+7 916 555-44-33" in page


def test_order_list_query_count_does_not_depend_on_rows(manager_browser):
    _orders(5)
    few = count_queries(lambda: manager_browser.get(ORDERS))
    _orders(45)
    many = count_queries(lambda: manager_browser.get(ORDERS))

    assert few == many


@pytest.mark.parametrize(
    "term",
    [
        "{number}",
        "{number_lower}",
        "{digits}",
        "+7 (916) 555 44 33",
        "89165554433",
        "{article_spaced}",
    ],
)
def test_search_by_number_phone_and_article(manager_browser, buyer, term):
    # given
    order, [line] = order_with_lines(buyer)
    other, _ = order_with_lines(make_client(last_name="Другой"))
    Order.objects.filter(pk=other.pk).update(recipient_phone="+79160000000")
    spaced = " ".join(line.article.replace("-", "")).lower()
    term = term.format(
        number=order.number,
        number_lower=order.number.lower(),
        digits=str(order.pk),
        article_spaced=spaced,
    )

    # when
    page = manager_browser.get(ORDERS, {"q": term}).content.decode()

    # then
    assert order.number in page
    assert other.number not in page


def test_filter_by_status_finds_orders_having_a_line_in_it(manager_browser, buyer, manager):
    shipped_order, [line] = order_with_lines(buyer)
    services.line_status_set(line_ids=[line.pk], status_id=role("shipped").pk, actor=manager)
    new_order, _ = order_with_lines(buyer)

    page = manager_browser.get(ORDERS, {"status": role("shipped").pk}).content.decode()

    assert shipped_order.number in page
    assert new_order.number not in page


def test_export_to_xlsx(manager_browser, buyer):
    order, [line] = order_with_lines(buyer)

    response = manager_browser.post(
        ORDERS, {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [order.pk]}
    )

    sheet = load_workbook(BytesIO(response.content)).active
    header, row = list(sheet.iter_rows(values_only=True))
    assert header[:6] == ("Номер", "Создан", "Клиент", "E-mail клиента", "Текущий статус", "Состав")
    assert row[0] == order.number
    assert row[4] == "Новый"
    assert line.article in row[5]


def test_unfiltered_list_never_counts_the_whole_table_on_postgresql(manager_browser, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the estimate exists on PostgreSQL only; SQLite counts exactly")
    _orders(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 0)

    with CaptureQueriesContext(connection) as unfiltered:
        assert manager_browser.get(ORDERS).status_code == 200
    with CaptureQueriesContext(connection) as filtered:
        manager_browser.get(ORDERS, {"payment_method__exact": "on_receipt"})

    counts = [q["sql"] for q in unfiltered.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if '"orders_order"' in sql]
    assert any("COUNT(" in q["sql"].upper() for q in filtered.captured_queries)


def test_paginator_counts_exactly_when_filtered_or_small(buyer):
    order_with_lines(buyer)
    queryset = Order.objects.all()

    assert EstimatedCountPaginator(queryset, 10, estimate=True).count == 1
    assert EstimatedCountPaginator(queryset.filter(client=buyer), 10).count == 1


def test_order_page_shows_lines_history_and_refusal(manager_browser, buyer, manager):
    # given
    order, [line] = order_with_lines(buyer, kinds=(Warehouse.Kind.TRANSIT,))
    services.line_status_set(
        line_ids=[line.pk], status_id=status("В пути").pk, actor=manager, comment="Машина вышла"
    )
    services.line_refusal_request(client=buyer, line_id=line.pk)

    # when
    page = manager_browser.get(f"{ORDERS}{order.pk}/change/").content.decode()

    # then
    assert "Позиции заказа" in page
    assert "В пути" in page and "Машина вышла" in page
    assert "Отказ от заказа на рассмотрении" in page
    assert "Сменить статус" in page and "Подтвердить отказ" in page


def test_change_status_from_the_order_page(manager_browser, buyer, manager):
    # given
    order, [home, transit] = order_with_lines(
        buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT)
    )
    url = f"{ORDERS}{order.pk}/lines-status/"

    # when: the form, then the confirmation
    form = manager_browser.get(url).content.decode()
    response = manager_browser.post(
        url,
        {
            "confirm": "yes",
            ACTION_CHECKBOX_NAME: [home.pk],
            "status": status("Принят").pk,
            "comment": "Приняли на склад",
        },
    )

    # then
    assert home.article in form and transit.article in form
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.status.name == "Принят"
    change = home.history.order_by("-id").first()
    assert (change.changed_by, change.comment) == (manager, "Приняли на склад")
    transit.refresh_from_db()
    assert transit.status.name == "Новый"


def test_status_outside_the_chain_shows_the_error_and_changes_nothing(manager_browser, buyer):
    order, [home] = order_with_lines(buyer)
    before = StatusChange.objects.count()

    response = manager_browser.post(
        f"{ORDERS}{order.pk}/lines-status/",
        {"confirm": "yes", ACTION_CHECKBOX_NAME: [home.pk], "status": status("В пути").pk},
    )

    assert response.status_code == 200
    assert "не входит в цепочку" in response.content.decode()
    assert StatusChange.objects.count() == before


def test_refuse_needs_a_reason(manager_browser, buyer):
    order, [line] = order_with_lines(buyer)
    url = f"{ORDERS}{order.pk}/lines-refuse/"

    empty = manager_browser.post(url, {"confirm": "yes", ACTION_CHECKBOX_NAME: [line.pk]})
    done = manager_browser.post(
        url,
        {
            "confirm": "yes",
            ACTION_CHECKBOX_NAME: [line.pk],
            "comment": "Нет в наличии у поставщика",
        },
    )

    assert "Укажите причину отказа." in empty.content.decode()
    assert done.status_code == 302
    line.refresh_from_db()
    assert (line.status.role, line.manager_comment) == ("refused", "Нет в наличии у поставщика")


def test_manager_comment_from_the_order_page(manager_browser, buyer, manager):
    order, [line] = order_with_lines(buyer)

    manager_browser.post(
        f"{ORDERS}{order.pk}/lines-comment/",
        {"confirm": "yes", ACTION_CHECKBOX_NAME: [line.pk], "comment": "Ждём поставщика"},
    )

    line.refresh_from_db()
    assert line.manager_comment == "Ждём поставщика"
    assert line.history.order_by("-id").first().changed_by == manager


def test_refusal_queue_lists_requests_and_confirms_them(manager_browser, buyer):
    # given
    _, [asked, quiet] = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.HOME))
    services.line_refusal_request(client=buyer, line_id=asked.pk)

    # when
    queue = manager_browser.get(reverse("admin:orders_orderline_refusals"), follow=True)
    confirm_page = manager_browser.post(
        f"{LINES}?refusal=requested",
        {"action": "selected_confirm", ACTION_CHECKBOX_NAME: [asked.pk]},
    )
    done = manager_browser.post(
        f"{LINES}?refusal=requested",
        {"action": "selected_confirm", ACTION_CHECKBOX_NAME: [asked.pk], "confirm": "yes"},
    )

    # then
    text = queue.content.decode()
    assert "Отказы на рассмотрении" in text
    assert asked.article in text and quiet.article not in text
    assert "Подтвердить отказ клиента" in confirm_page.content.decode()
    assert done.status_code == 302
    asked.refresh_from_db()
    assert (asked.status.role, asked.refusal_state) == ("refused", RefusalState.CONFIRMED)


def test_decline_from_the_queue_needs_a_comment(manager_browser, buyer):
    _, [line] = order_with_lines(buyer)
    services.line_refusal_request(client=buyer, line_id=line.pk)
    data = {"action": "selected_decline", ACTION_CHECKBOX_NAME: [line.pk], "confirm": "yes"}

    empty = manager_browser.post(LINES, data)
    done = manager_browser.post(LINES, {**data, "comment": "Уже отгружаем"})

    assert "Укажите причину: клиент увидит её в заказе." in empty.content.decode()
    assert done.status_code == 302
    line.refresh_from_db()
    assert (line.refusal_state, line.manager_comment) == (RefusalState.DECLINED, "Уже отгружаем")


def test_refusal_queue_query_count_is_constant(manager_browser):
    client = make_client(last_name="Отказник")

    def add(count):
        for _ in range(count):
            _, [line] = order_with_lines(client)
            services.line_refusal_request(client=client, line_id=line.pk)

    add(3)
    few = count_queries(lambda: manager_browser.get(f"{LINES}?refusal=requested"))
    add(20)
    many = count_queries(lambda: manager_browser.get(f"{LINES}?refusal=requested"))

    assert few == many


def test_operator_sees_orders_but_cannot_change_lines(client, buyer):
    # given
    order, [line] = order_with_lines(buyer)
    client.force_login(make_staff(roles.OPERATOR, email="operator@example.ru"))

    # when
    page = client.get(f"{ORDERS}{order.pk}/change/")
    action = client.post(
        f"{ORDERS}{order.pk}/lines-status/",
        {"confirm": "yes", ACTION_CHECKBOX_NAME: [line.pk], "status": status("Принят").pk},
    )
    queue = client.post(
        LINES, {"action": "selected_refuse", ACTION_CHECKBOX_NAME: [line.pk], "confirm": "yes"}
    )

    # then
    assert page.status_code == 200
    assert "Сменить статус" not in page.content.decode()
    assert action.status_code == 403
    assert queue.status_code in (200, 302)
    assert OrderLine.objects.get(pk=line.pk).status.name == "Новый"


def test_filters_by_client_dates_payment_and_source(manager_browser, buyer):
    # given
    mine, _ = order_with_lines(buyer, kinds=(Warehouse.Kind.MARKETPLACE,))
    other, _ = order_with_lines(make_client(last_name="Другой"))
    Order.objects.filter(pk=other.pk).update(
        payment_method="invoice", created_at=mine.created_at - timedelta(days=3)
    )
    day = timezone.localdate(mine.created_at).strftime("%d.%m.%Y")

    # when
    pages = {
        name: manager_browser.get(ORDERS, params).content.decode()
        for name, params in {
            "client": {"client__id__exact": buyer.pk},
            "dates": {"created_at_from": day, "created_at_to": day},
            "payment": {"payment_method__exact": "on_receipt"},
            "source": {"source": "marketplace"},
        }.items()
    }

    # then
    for name in ("client", "dates", "payment", "source"):
        assert mine.number in pages[name], name
        assert other.number not in pages[name], name


def _header(page: str) -> str:
    """The text of unfold's page header (the `<h1>` of the top bar)."""
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert match, "no header"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_refusal_queue_is_headed_by_its_own_name(manager_browser, buyer):
    _, [line] = order_with_lines(buyer)
    services.line_refusal_request(client=buyer, line_id=line.pk)

    queue = manager_browser.get(reverse("admin:orders_orderline_refusals")).content.decode()
    all_lines = manager_browser.get(LINES).content.decode()

    assert _header(queue).startswith("Отказы на рассмотрении")
    assert "Позиции заказов" not in _header(queue)
    assert "Позиции заказов" in _header(all_lines)  # the whole list keeps its own name


def test_order_page_shows_the_order_total_and_what_is_left_without_refusals(
    manager_browser, buyer, manager
):
    # given: two lines, 2 × 100,50 ₽ and 1 × 1 000,00 ₽; the second is then refused
    order, [small, big] = order_with_lines(
        buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.HOME), quantity=1
    )
    OrderLine.objects.filter(pk=small.pk).update(quantity=2, price=Decimal("100.50"))
    OrderLine.objects.filter(pk=big.pk).update(price=Decimal("1000.00"))
    page = f"{ORDERS}{order.pk}/change/"

    before = _flat(manager_browser.get(page).content.decode())
    services.line_refuse(line_ids=[big.pk], actor=manager, reason="Нет в наличии")
    after = _flat(manager_browser.get(page).content.decode())

    assert "Сумма заказа" in before
    assert "1 201,00 ₽ — 2 позиции" in before and "без" not in before.split("1 201,00 ₽")[1][:30]
    assert "1 201,00 ₽ — 2 позиции, без 1 отказа: 201,00 ₽" in after


def _flat(page: str) -> str:
    return re.sub(r"\s+", " ", page.replace("\xa0", " ").replace("&nbsp;", " "))


def test_refusal_cell_says_each_thing_once(buyer, manager):
    # given: a request (the client's column reads the state's own words), then a confirmation,
    # then a line refused with the manager's reason
    _, [asked, refused] = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.HOME))
    services.line_refusal_request(client=buyer, line_id=asked.pk)
    services.line_refuse(line_ids=[refused.pk], actor=manager, reason="Пересорт на складе")
    requested_cell = _flat(refusal_cell(OrderLine.objects.get(pk=asked.pk)))
    services.line_refusal_confirm(line_ids=[asked.pk], actor=manager)
    confirmed_cell = _flat(refusal_cell(OrderLine.objects.get(pk=asked.pk)))
    reason_cell = _flat(refusal_cell(OrderLine.objects.get(pk=refused.pk)))

    assert requested_cell.count("Отказ от заказа на рассмотрении") == 1
    assert confirmed_cell.count("Отказ клиента") == 1
    assert "клиент не просмотрел" in confirmed_cell
    assert "Клиент не просмотрел" in reason_cell and "Пересорт на складе" in reason_cell


def test_history_cell_is_the_template(buyer, manager):
    # Issue 13: the order page's «история движения» is built in Python; it must stay the markup
    # of `_line_history.html` — by nobody, by a person with a name and without, with a comment
    # that needs escaping.
    from mprating.core.history import history_of, history_record
    from mprating.orders.admin.common import history_cell, render_cell

    _, (line,) = order_with_lines(buyer)
    named = make_staff(email="named@example.ru")
    named.last_name, named.first_name = "Менеджеров", "<Пётр>"
    named.save(update_fields=["last_name", "first_name"])
    for by, comment in ((manager, 'Звонил & «ждёт» <b>"'), (named, ""), (None, "авто")):
        history_record(StatusChange, by=by, comment=comment, line=line, status=role("new"))
    changes = list(history_of(StatusChange.objects.filter(line=line).select_related("status")))

    assert len(changes) == 4
    assert history_cell(changes) == render_cell("_line_history.html", changes=changes)
    assert history_cell([]) == render_cell("_line_history.html", changes=[])


def test_order_page_computes_each_line_cell_once(manager_browser, buyer, monkeypatch):
    # Issue 13: unfold builds each read-only field of a line several times per page; the
    # cells are computed once per line (the page shows the same).
    from mprating.orders.admin import orders as orders_admin

    order, lines = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT))
    calls = []
    real = orders_admin.history_cell
    monkeypatch.setattr(orders_admin, "history_cell", lambda c: calls.append(1) or real(c))

    page = manager_browser.get(f"{ORDERS}{order.pk}/change/")

    assert page.status_code == 200
    assert len(calls) == len(lines) == 2
    assert page.content.decode().count('class="mp-history"') == 2
