"""`/api/v1/orders/lines` and `/api/v1/orders`: the cabinet «Заказы» / «Архив» table as JSON
over the same selectors and services (seed 004)."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client as BrowserClient
from django.test import override_settings
from django.utils import timezone

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer, Warehouse
from mprating.core.testing import count_queries
from mprating.orders import cabinet_selectors, hooks, services
from mprating.orders.models import Order, OrderLine, RefusalState, StatusChange
from mprating.orders.tests.status_helpers import order_with_lines, role, status

pytestmark = pytest.mark.django_db
API = "/api/v1/orders"
MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True)
def mails(monkeypatch):
    monkeypatch.setattr(hooks, "line_status_changed", lambda ids: None)


@pytest.fixture
def manager():
    return make_staff("Менеджеры магазина", email="manager@example.ru")


@pytest.fixture
def buyer(client):
    account = make_client(last_name="Апишин")
    client.force_login(account.user)
    return account


@pytest.fixture
def stranger():
    return make_client(last_name="Чужой", email="stranger@example.ru")


def _post(client, path, body=None):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json")


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def _walk(client, query: str, limit: int) -> list[int]:
    seen, cursor = [], None
    for _ in range(50):
        url = f"{API}/lines?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url)
        seen += _ids(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the walk did not end")


def test_lines_newest_order_first_with_the_table_columns(client, buyer, manager):
    # given: two orders; the line of the second is refused
    _, [old] = order_with_lines(buyer)
    _, [new] = order_with_lines(buyer)
    services.line_refuse(line_ids=[new.pk], actor=manager, reason="Нет в наличии у поставщика")

    # when
    body = client.get(f"{API}/lines").json()

    # then
    assert [item["id"] for item in body["items"]] == [new.pk, old.pk]
    assert body["next_cursor"] is None
    first = body["items"][0]
    assert first["order_number"] == Order.objects.get(pk=new.order_id).number
    assert first["status"]["name"] == "Отказ" and first["status"]["is_final"] is True
    assert first["manager_comment"] == "Нет в наличии у поставщика"
    assert (first["is_refused"], first["can_reorder"], first["can_refuse"]) == (True, True, False)
    assert first["order_can_archive"] is True
    second = body["items"][1]
    assert (second["can_refuse"], second["order_can_archive"]) == (True, False)
    assert second["source_label"] == "Домашний склад"


def test_only_own_lines_and_another_clients_line_is_404(client, buyer, stranger):
    _, [own] = order_with_lines(buyer)
    foreign_order, [foreign] = order_with_lines(stranger)

    assert _ids(client.get(f"{API}/lines")) == [own.pk]
    for response in (
        client.get(f"{API}/lines/{foreign.pk}/history"),
        _post(client, f"{API}/lines/{foreign.pk}/refuse"),
        _post(client, f"{API}/lines/{foreign.pk}/seen", {"seen": True}),
        _post(client, f"{API}/lines/{foreign.pk}/reorder"),
        _post(client, f"{API}/{foreign_order.number}/archive"),
        client.get(f"{API}/{foreign_order.number}"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert OrderLine.objects.get(pk=foreign.pk).refusal_state == RefusalState.NONE
    assert not CartLine.objects.exists()


def test_filters_are_the_cabinets(client, buyer, manager):
    _, [home, transit] = order_with_lines(
        buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT)
    )
    services.line_refuse(line_ids=[home.pk], actor=manager, reason="Нет в наличии")
    OrderLine.objects.filter(pk=home.pk).update(brand_name="Mahle")
    OrderLine.objects.filter(pk=transit.pk).update(brand_name="Bosch")

    assert _ids(client.get(f"{API}/lines?source=transit")) == [transit.pk]
    assert _ids(client.get(f"{API}/lines?with_refusals=true")) == [home.pk]
    assert _ids(client.get(f"{API}/lines?unseen_refusals=true")) == [home.pk]
    assert _ids(client.get(f"{API}/lines?brand=MAHLE")) == [home.pk]
    assert _ids(client.get(f"{API}/lines?article={transit.article}")) == [transit.pk]
    assert _ids(client.get(f"{API}/lines?status={role('refused').pk}")) == [home.pk]
    number = int(Order.objects.get(pk=home.order_id).number.removeprefix("MP-"))
    assert set(_ids(client.get(f"{API}/lines?number={number}"))) == {home.pk, transit.pk}
    today = timezone.localdate()
    assert _ids(client.get(f"{API}/lines?date_from={today + timedelta(days=1)}")) == []
    assert _ids(client.get(f"{API}/lines?archived=true")) == []


def test_archive_flag_lists_the_archive(client, buyer, manager):
    order, [line] = order_with_lines(buyer)
    services.line_status_set(line_ids=[line.pk], status_id=role("shipped").pk, actor=manager)
    services.order_archive(client=buyer, order_id=order.pk)

    assert _ids(client.get(f"{API}/lines")) == []
    assert _ids(client.get(f"{API}/lines?archived=true")) == [line.pk]
    body = client.get(f"{API}?archived=true").json()
    assert [o["number"] for o in body["items"]] == [order.number]
    assert body["items"][0]["archived"] is True


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("sort=colour", "sort", "Допустимые значения"),
        ("limit=0", "limit", "Значение должно быть не меньше 1."),
        ("date_from=31.12.2026", "date_from", ""),
        ("source=warehouse", "source", "Допустимые значения"),
        ("status=abc", "status", "Введите целое число."),
    ],
)
def test_bad_query_is_422_on_its_field(client, buyer, query, field, message):
    response = client.get(f"{API}/lines?{query}")

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_input", field)
    assert body["errors"][0]["message"].startswith(message)


def test_dates_in_the_wrong_order_are_400_on_date_to(client, buyer):
    response = client.get(f"{API}/lines?date_from=2026-05-02&date_to=2026-05-01")

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_dates",
        "message": "Дата «по» раньше даты «с».",
        "field": "date_to",
    }


def test_a_cursor_of_another_sort_is_refused(client, buyer):
    for _ in range(3):
        order_with_lines(buyer)
    cursor = client.get(f"{API}/lines?limit=1").json()["next_cursor"]

    response = client.get(f"{API}/lines?limit=1&sort=price&cursor={cursor}")

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_cursor", "cursor")


@pytest.mark.parametrize("sort", ["-date", "date", "brand", "-price", "status", "-return", "seen"])
def test_cursor_walk_returns_every_line_once_in_the_cabinets_order(client, buyer, manager, sort):
    # given: 7 lines in 4 orders, with equal prices and statuses to tie on
    lines = []
    for kinds in [(Warehouse.Kind.HOME,) * 2, (Warehouse.Kind.TRANSIT,), (Warehouse.Kind.HOME,)]:
        lines += order_with_lines(buyer, kinds=kinds)[1]
    lines += order_with_lines(buyer, kinds=(Warehouse.Kind.HOME,) * 3)[1]
    OrderLine.objects.filter(pk__in=[lines[0].pk, lines[3].pk, lines[5].pk]).update(price=5)
    services.line_refuse(line_ids=[lines[1].pk, lines[4].pk], actor=manager, reason="Нет")

    # when
    walked = _walk(client, f"sort={sort}", limit=2)

    # then: the same rows in the same order as the cabinet's table
    table = cabinet_selectors.lines_page(
        client=buyer,
        archived=False,
        filters=cabinet_selectors.LineFilters(),
        sort=sort,
        per_page=100,
    )
    assert walked == [line.pk for line in table.lines]
    assert sorted(walked) == sorted(line.pk for line in lines)


def test_lists_cost_the_same_queries_for_one_and_many_rows(client, buyer, manager):
    order_with_lines(buyer)
    one_lines = count_queries(lambda: client.get(f"{API}/lines?with_refusals=false"))
    one_orders = count_queries(lambda: client.get(API))

    for _ in range(4):
        _, lines = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.TRANSIT))
        services.line_refuse(line_ids=[lines[0].pk], actor=manager, reason="Нет")

    many_lines = count_queries(lambda: client.get(f"{API}/lines?with_refusals=false"))
    many_orders = count_queries(lambda: client.get(API))
    assert len(client.get(f"{API}/lines").json()["items"]) == 9
    assert (many_lines, many_orders) == (one_lines, one_orders)


def test_orders_list_walks_every_order_once(client, buyer, manager):
    numbers = [order_with_lines(buyer)[0].number for _ in range(5)]
    seen, cursor = [], None
    while True:
        url = f"{API}?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json()
        seen += [item["number"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(numbers))


def test_history_of_a_line(client, buyer, manager):
    _, [line] = order_with_lines(buyer, kinds=(Warehouse.Kind.TRANSIT,))
    services.line_status_set(line_ids=[line.pk], status_id=status("В пути").pk, actor=manager)
    services.line_refusal_request(client=buyer, line_id=line.pk)

    body = client.get(f"{API}/lines/{line.pk}/history").json()

    assert body["line"]["id"] == line.pk
    assert body["line"]["refusal_state"] == "requested"
    rows = [(row["status"]["name"], row["by"]) for row in body["history"]]
    assert rows == [("Новый", "system"), ("В пути", "manager"), ("В пути", "client")]
    assert body["history"][-1]["comment"] == "Отказ от заказа на рассмотрении"


def test_refuse_sends_the_request_and_shipped_is_a_russian_400(client, buyer, manager):
    _, [line, shipped] = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.HOME))
    services.line_status_set(line_ids=[shipped.pk], status_id=role("shipped").pk, actor=manager)

    ok = _post(client, f"{API}/lines/{line.pk}/refuse")
    refused = _post(client, f"{API}/lines/{shipped.pk}/refuse")

    assert ok.status_code == 200
    assert ok.json()["refusal_state"] == "requested"
    assert ok.json()["refusal_state_label"] == "Отказ от заказа на рассмотрении"
    assert ok.json()["can_refuse"] is False
    assert refused.status_code == 400
    assert refused.json()["code"] == "already_shipped"
    assert "возврат" in refused.json()["message"].lower()
    assert OrderLine.objects.get(pk=shipped.pk).refusal_state == RefusalState.NONE


def test_seen_flag_and_not_refused_is_400(client, buyer, manager):
    _, [line, refused] = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.HOME))
    services.line_refuse(line_ids=[refused.pk], actor=manager, reason="Нет")

    ok = _post(client, f"{API}/lines/{refused.pk}/seen", {"seen": True})
    bad = _post(client, f"{API}/lines/{line.pk}/seen", {"seen": True})
    invalid = _post(client, f"{API}/lines/{refused.pk}/seen", {"seen": "может быть"})

    assert ok.status_code == 200 and ok.json()["refusal_seen"] is True
    assert OrderLine.objects.get(pk=refused.pk).refusal_seen is True
    assert (bad.status_code, bad.json()["code"]) == (400, "not_refused")
    assert (invalid.status_code, invalid.json()["field"]) == (422, "seen")
    assert _ids(client.get(f"{API}/lines?unseen_refusals=true")) == []


def test_reorder_puts_the_line_into_the_cart(client, buyer, manager):
    _, [line] = order_with_lines(buyer, quantity=2)
    services.line_refuse(line_ids=[line.pk], actor=manager, reason="Нет")

    response = _post(client, f"{API}/lines/{line.pk}/reorder")

    assert response.status_code == 200
    assert (response.json()["article"], response.json()["quantity"]) == (line.article, 2)
    assert CartLine.objects.get(client=buyer).quantity == 2


def test_reorder_without_offers_is_400_no_offer(client, buyer):
    _, [line] = order_with_lines(buyer)
    Offer.objects.filter(product=line.product).update(quantity=0)

    response = _post(client, f"{API}/lines/{line.pk}/reorder")

    assert (response.status_code, response.json()["code"]) == (400, "no_offer")
    assert line.article in response.json()["message"]
    assert not CartLine.objects.exists()


def test_archive_an_order_only_when_every_line_is_final(client, buyer, manager):
    order, [line] = order_with_lines(buyer)

    early = _post(client, f"{API}/{order.number}/archive")
    services.line_status_set(line_ids=[line.pk], status_id=role("shipped").pk, actor=manager)
    done = _post(client, f"{API}/{order.number}/archive")

    assert (early.status_code, early.json()["code"]) == (400, "order_not_finished")
    assert done.status_code == 200
    assert (done.json()["number"], done.json()["archived"]) == (order.number, True)
    assert Order.objects.get(pk=order.pk).archived_at is not None


def test_get_changes_nothing_not_even_the_automatic_archive(client, buyer, manager):
    # given: an order finished three months ago (the cabinet would archive it on opening)
    with time_machine.travel(datetime(2026, 1, 10, 12, 0, tzinfo=MSK), tick=False):
        order, [line] = order_with_lines(buyer)
        services.line_refuse(line_ids=[line.pk], actor=manager, reason="Нет")
    history = StatusChange.objects.count()

    # when
    for url in (f"{API}/lines", f"{API}/lines/{line.pk}/history", API, f"{API}/{order.number}"):
        assert client.get(url).status_code == 200

    # then
    order.refresh_from_db()
    assert order.archived_at is None
    assert OrderLine.objects.get(pk=line.pk).refusal_seen is False
    assert StatusChange.objects.count() == history


@override_settings(CSRF_FAILURE_VIEW="mprating.core.tests.urls.csrf_failure")
def test_post_without_csrf_under_session_auth_is_403(buyer):
    _, [line] = order_with_lines(buyer)
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(buyer.user)

    response = _post(browser, f"{API}/lines/{line.pk}/refuse")

    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")
    assert OrderLine.objects.get(pk=line.pk).refusal_state == RefusalState.NONE


def test_statuses_for_the_filter(client, buyer):
    names = [s["name"] for s in client.get(f"{API}/statuses").json()]

    assert "Новый" in names and "Отказ" in names


def test_statuses_are_every_status_in_order_in_one_query(client, buyer):
    from mprating.orders.models import OrderStatus

    # When: the selector (also the cabinet filter's choices) and the API list
    statuses = []
    queries = count_queries(lambda: statuses.extend(cabinet_selectors.statuses_for_filter()))
    listed = []
    api_queries = count_queries(
        lambda: listed.extend(client.get(f"{API}/statuses").json())
    )  # the session, the user, the client and the statuses

    # Then: every status in the table's order, read in one query (is_final included)
    expected = OrderStatus.objects.order_by("sort_order", "name")
    assert queries == 1
    assert [(s.pk, s.name, s.colour, s.is_final, s.role) for s in statuses] == [
        (s.pk, s.name, s.colour, s.is_final, s.role) for s in expected
    ]
    assert listed == [
        {"id": s.pk, "name": s.name, "colour": s.colour, "is_final": s.is_final} for s in expected
    ]
    assert api_queries <= 4
