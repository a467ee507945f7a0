"""The back office home («Сводка»): the operator's and the manager's desk — each card's number
is what its link's filtered list shows, cards only for whoever may open the list, a fixed
number of queries for the home and for the sidebar's badges whatever the data."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mprating.accounts import roles
from mprating.accounts import services as account_services
from mprating.accounts.models import Client
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.billing.tests.factories import make_package, order_by_invoice
from mprating.catalog.models import ImportJob
from mprating.core.testing import count_queries
from mprating.garage.tests.vin_factories import make_vin_request
from mprating.orders import hooks
from mprating.orders import services as order_services
from mprating.orders.models import Order
from mprating.orders.tests.status_helpers import order_with_lines

pytestmark = pytest.mark.django_db

HOME = "/backoffice/"
# A Wednesday: «this week» is Monday 23.11 to today, the chart 12.11–25.11.
TODAY = timezone.datetime(2026, 11, 25, 12, 0, tzinfo=timezone.get_fixed_timezone(180))


@pytest.fixture(autouse=True)
def no_mail(monkeypatch):
    monkeypatch.setattr(hooks, "line_status_changed", lambda ids: None)


def _application(number: int) -> None:
    """Through the public «Стать партнёром» form (`partners` is a sibling of the back office:
    its code is not imported here). Each from its own address, as fifty businesses would: the
    form allows RATELIMIT_REGISTRATION posts an hour from one."""
    response = Browser(HTTP_X_REAL_IP=f"198.51.100.{number + 1}").post(
        "/partner/apply/",
        {
            "company_name": f"ООО «Пункт {number}»",
            "inn": "7707083893",
            "contact_name": "Гусев Олег Николаевич",
            "phone": "+79161112233",
            "email": f"point{number}@example.ru",
            "point_address": "г. Москва, ул. Профсоюзная, д. 56",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _import_job(status: str, *, by, days_ago: int = 0) -> None:
    ImportJob.objects.create(
        created_by=by,
        kind=ImportJob.Kind.CROSSES,
        file="imports/x.csv",
        original_name="x.csv",
        status=status,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def _orders_placed(client: Client, days_ago: int, count: int = 1) -> None:
    for _ in range(count):
        order, _ = order_with_lines(client)
        Order.objects.filter(pk=order.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )


def _desk(rows: int) -> None:
    """`rows` of each kind of waiting work (and some that is not waiting)."""
    operator = make_staff(roles.OPERATOR, email=f"op{rows}@example.ru")
    buyer = make_client()
    package = make_package()
    for number in range(rows):
        _application(number)
        order_by_invoice(buyer, package)
        _import_job(ImportJob.Status.RUNNING, by=operator)
        _import_job(ImportJob.Status.FAILED, by=operator, days_ago=number % 10)
        make_vin_request(buyer)
        blocked = make_client()
        account_services.client_set_active(
            client_id=blocked.pk, active=False, reason="долг", actor=operator
        )
    _orders_placed(buyer, days_ago=0, count=2)
    _orders_placed(buyer, days_ago=1)  # Tuesday: this week
    _orders_placed(buyer, days_ago=3)  # Sunday before: not this week, on the chart
    _orders_placed(buyer, days_ago=20)  # neither
    _, lines = order_with_lines(buyer, kinds=("home",) * 3)
    for line in lines[:2]:
        order_services.line_refusal_request(client=buyer, line_id=line.pk)
    Client.objects.filter(pk=buyer.pk).update(created_at=timezone.now() - timedelta(days=30))


def _cards(response) -> dict[str, tuple[object, str]]:
    return {
        card.title: (card.value, card.url)
        for section in response.context["dashboard_sections"]
        for card in section["cards"]
    }


@time_machine.travel(TODAY, tick=False)
def test_every_card_links_to_a_list_that_shows_its_number(client):
    _desk(rows=3)
    client.force_login(make_staff(superuser=True, email="admin@example.ru"))

    cards = _cards(client.get(HOME))

    assert cards["Заявок сегодня"][0] == 3  # two placed today and the order with refusals
    assert cards["Заявок на этой неделе"][0] == 4
    assert cards["Отказов на рассмотрении"][0] == 2
    assert cards["Ожидают обработки"][0] == 3
    assert cards["Новых клиентов за 7 дней"][0] == 3  # the blocked ones; the buyer is older
    assert cards["Заблокированных клиентов"][0] == 3
    assert cards["Заявок партнёров ждут решения"][0] == 3
    assert cards["Покупок пакетов ждут оплаты"][0] == 3
    assert cards["Импортов в очереди и в работе"][0] == 3
    assert cards["Импортов с ошибкой за 7 дней"][0] == 3
    checked = 0
    for title, (value, url) in cards.items():
        if not isinstance(value, int):
            continue  # «в работе / цель» opens the marketplace dashboard
        response = client.get(url)
        assert response.status_code == 200, (title, url)
        assert response.context["cl"].result_count == value, (title, url)
        checked += 1
    assert checked >= 10


@time_machine.travel(TODAY, tick=False)
def test_chart_has_a_bar_a_day_for_fourteen_days_with_integer_ticks(client):
    _desk(rows=1)
    client.force_login(make_staff(roles.MANAGER, email="manager@example.ru"))

    response = client.get(HOME)

    [orders] = [s for s in response.context["dashboard_sections"] if s.get("chart")]
    chart = json.loads(orders["chart"])
    options = json.loads(orders["chart_options"])
    assert chart["labels"][0] == "12.11" and chart["labels"][-1] == "25.11"
    assert len(chart["labels"]) == 14
    assert chart["datasets"][0]["data"][-1] == 3 and chart["datasets"][0]["data"][-4] == 1
    assert sum(chart["datasets"][0]["data"]) == 5  # the order of 20 days ago is off the chart
    assert options["scales"]["y"]["ticks"]["precision"] == 0
    assert 'class="chart"' in response.content.decode()


def test_home_is_headed_in_russian_not_welcome(client):
    client.force_login(make_staff(roles.OPERATOR, email="operator@example.ru"))

    page = client.get(HOME).content.decode()

    assert "Welcome" not in page
    assert "Сводка" in page


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (roles.OPERATOR, {"Новых клиентов за 7 дней", "Покупок пакетов ждут оплаты"}),
        (roles.MANAGER, {"Заявок сегодня", "Отказов на рассмотрении"}),
    ],
)
def test_cards_follow_the_permissions_of_the_role(client, role, sees):
    user = make_staff(role, email="staff@example.ru")
    client.force_login(user)

    cards = _cards(client.get(HOME))

    assert sees <= set(cards)
    expected = {
        "Заявок сегодня": "orders.view_order",
        "Отказов на рассмотрении": "orders.view_orderline",
        "Ожидают обработки": "garage.process_vinrequest",
        "Новых клиентов за 7 дней": "accounts.view_client",
        "Заявок партнёров ждут решения": "partners.view_partnerapplication",
        "Покупок пакетов ждут оплаты": "billing.view_packagepurchase",
        "Импортов с ошибкой за 7 дней": "catalog.view_importjob",
    }
    for title, permission in expected.items():
        assert (title in cards) == user.has_perm(permission), title


def test_a_person_with_one_permission_sees_only_that_card(client):
    user = make_staff(email="vin@example.ru")
    group = Group.objects.create(name="Только VIN")
    group.permissions.add(Permission.objects.get(codename="process_vinrequest"))
    user.groups.add(group)
    client.force_login(user)

    cards = _cards(client.get(HOME))

    assert set(cards) == {"Ожидают обработки"}


@time_machine.travel(TODAY, tick=False)
def test_home_and_sidebar_badges_cost_the_same_queries_for_5_and_50_rows(client):
    admin = make_staff(superuser=True, email="admin@example.ru")
    client.force_login(admin)
    _desk(rows=5)
    home_five = count_queries(lambda: client.get(HOME))
    changelist_five = count_queries(lambda: client.get(reverse("admin:catalog_brand_changelist")))

    _desk(rows=50)
    home_fifty = count_queries(lambda: client.get(HOME))
    changelist_fifty = count_queries(lambda: client.get(reverse("admin:catalog_brand_changelist")))

    assert home_five == home_fifty
    assert changelist_five == changelist_fifty
    assert home_fifty <= 20


def test_sidebar_shows_how_many_wait_in_the_queues(client):
    buyer = make_client()
    _, lines = order_with_lines(buyer, kinds=("home",) * 3)
    for line in lines:
        order_services.line_refusal_request(client=buyer, line_id=line.pk)
    make_vin_request(buyer)
    make_vin_request(buyer)
    client.force_login(make_staff(superuser=True, email="admin@example.ru"))

    sidebar = client.get(reverse("admin:catalog_brand_changelist")).context["sidebar_navigation"]

    items = {item["title"]: item for group in sidebar for item in group["items"]}
    assert items["Отказы на рассмотрении"]["badge"] == 3
    assert items["VIN-запросы"]["badge"] == 2
    assert "badge" not in items["Заявки"]


def test_no_badge_when_nothing_waits(client):
    client.force_login(make_staff(superuser=True, email="admin@example.ru"))

    sidebar = client.get(HOME).context["sidebar_navigation"]

    items = {item["title"]: item for group in sidebar for item in group["items"]}
    assert "badge" not in items["Отказы на рассмотрении"]
    assert "badge" not in items["VIN-запросы"]


def test_home_counts_the_queues_once_for_the_badges_and_the_cards(client):
    client.force_login(make_staff(superuser=True, email="admin@example.ru"))

    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)

    sql = [query["sql"] for query in queries.captured_queries]
    assert sum("refusal_state" in text and "COUNT" in text for text in sql) == 1
    assert sum("garage_vinrequest" in text and "COUNT" in text for text in sql) == 1
