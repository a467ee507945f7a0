"""«Разделу обязательно нужен дашборд» (seed 000): counts per marketplace and in total against
known data, the explicit expiry message, the 90-day chart, a constant number of queries."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mprating.marketplaces import selectors, services
from mprating.marketplaces.tests.factories import make_account, make_operator

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=MSK)
DASHBOARD = "/backoffice/marketplaces/marketplaceaccount/dashboard/"


@pytest.fixture
def known_accounts():
    """Wildberries: 3 active (one ends in 21 days, one today), 1 busy, 1 off by hand, 1 ended;
    Ozon: 2 active (one ends in 2 days), 1 ended. Targets: WB 6, Ozon 2."""
    operator = make_operator()
    with time_machine.travel(datetime(2026, 5, 1, 12, 0, tzinfo=MSK), tick=False):
        wb = [
            make_account("wildberries", name="WB-far", service_until=date(2027, 1, 1)),
            make_account("wildberries", name="WB-21", service_until=date(2026, 6, 21)),
            make_account("wildberries", name="WB-today", service_until=date(2026, 6, 1)),
            make_account("wildberries", name="WB-busy", service_until=date(2026, 12, 1)),
            make_account("wildberries", name="WB-off", service_until=date(2026, 12, 1)),
            make_account("wildberries", name="WB-ended", service_until=date(2026, 5, 31)),
        ]
        oz = [
            make_account("ozon", name="OZ-far", service_until=date(2026, 8, 1)),
            make_account("ozon", name="OZ-2", service_until=date(2026, 6, 2)),
            make_account("ozon", name="OZ-ended", service_until=date(2026, 5, 20)),
        ]
        services.account_deactivate(account_id=wb[4].pk, actor=operator, reason="Бан")
        services.settings_update(target_wildberries=6, target_ozon=2, actor=None)
    with time_machine.travel(NOW, tick=False):
        services.account_take(account_id=wb[3].pk, actor=operator)
    return wb, oz


def test_counts_per_marketplace_and_in_total(known_accounts):
    with time_machine.travel(NOW, tick=False):
        board = selectors.dashboard()

    by = {row.marketplace: row for row in board.rows}
    wb, oz, total = by["wildberries"], by["ozon"], board.total
    assert (wb.active, wb.busy, wb.inactive, wb.expiring, wb.target) == (3, 1, 2, 2, 6)
    assert (oz.active, oz.busy, oz.inactive, oz.expiring, oz.target) == (2, 0, 1, 1, 2)
    assert (total.active, total.busy, total.inactive, total.expiring, total.target) == (
        5,
        1,
        3,
        3,
        8,
    )
    assert (wb.working, wb.shortfall, oz.shortfall, total.shortfall) == (4, 2, 0, 2)


def test_the_expiring_list_is_ordered_by_date_with_the_seed_message(known_accounts, client):
    client.force_login(make_operator())
    with time_machine.travel(NOW, tick=False):
        page = client.get(DASHBOARD).content.decode()
        board = selectors.dashboard()

    assert [a.name for a in board.expiring] == ["WB-today", "OZ-2", "WB-21"]
    assert "Сегодня последний день срока службы: завтра учётная запись перейдёт" in page
    assert "Через 2 дня учётная запись перейдёт из статуса «Активен» в «Неактивен»." in page
    assert "Через 21 день учётная запись перейдёт из статуса «Активен» в «Неактивен»." in page
    assert "WB-ended" not in page.split('data-testid="expiring-list"')[1].split("</section>")[0]


def test_the_forecast_counts_accounts_in_service_day_by_day(known_accounts):
    with time_machine.travel(NOW, tick=False):
        board = selectors.dashboard()

    assert board.forecast_labels[0] == "01.06" and len(board.forecast_labels) == 91
    wb, oz = board.forecast["wildberries"], board.forecast["ozon"]
    # today: WB far, 21, today, busy; tomorrow WB-today is out; on 22.06 WB-21 is out
    assert wb[0] == 4 and wb[1] == 3 and wb[20] == 3 and wb[21] == 2 and wb[90] == 2
    # Ozon: far and OZ-2 today and tomorrow, OZ-2 out on 03.06, OZ-far out on 02.08
    assert oz[0] == 2 and oz[1] == 2 and oz[2] == 1 and oz[61] == 1 and oz[62] == 0
    assert board.forecast["total"][0] == 6


def test_the_page_shows_the_counts_targets_and_a_chart(known_accounts, client):
    client.force_login(make_operator())
    with time_machine.travel(NOW, tick=False):
        response = client.get(DASHBOARD)

    html = response.content.decode()
    assert response.status_code == 200
    total = html.split('data-testid="counts-total"')[1].split("</section>")[0]
    assert 'data-testid="working">6<' in total and 'data-testid="target">8<' in total
    assert 'data-testid="status-inactive">3<' in total and "Не хватает 2 до цели" in total
    assert 'class="chart"' in html and 'data-type="line"' in html
    data = json.loads(response.context["chart_data"])
    assert [d["label"] for d in data["datasets"]] == [
        "Wildberries",
        "Ozon",
        "Всего",
        "Цель (всего)",
    ]
    assert "cdn" not in html.lower()


def _accounts(n: int) -> None:
    for i in range(n):
        make_account("ozon" if i % 2 else "wildberries", days=5 + i)


@pytest.mark.parametrize("n", [5, 50])
def test_the_dashboard_runs_a_constant_number_of_queries(client, n):
    _accounts(n)
    client.force_login(make_operator())
    client.get(DASHBOARD)  # warm the session

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(DASHBOARD).status_code == 200

    # session + user + permissions, then four reads of the dashboard
    assert len(ctx.captured_queries) <= 9, [q["sql"] for q in ctx.captured_queries]


def test_the_dashboard_query_count_is_the_same_for_5_and_50_accounts(client):
    client.force_login(make_operator())
    counts = []
    for n in (5, 45):
        _accounts(n)
        client.get(DASHBOARD)
        with CaptureQueriesContext(connection) as ctx:
            client.get(DASHBOARD)
        counts.append(len(ctx.captured_queries))

    assert counts[0] == counts[1]


def test_a_manager_sees_the_dashboard_but_not_the_targets_link(client):
    from mprating.marketplaces.tests.factories import make_manager

    client.force_login(make_manager())

    html = client.get(DASHBOARD).content.decode()

    assert 'data-testid="mp-dashboard"' in html and 'data-testid="edit-targets"' not in html


def test_the_back_office_home_has_a_card(known_accounts, client):
    client.force_login(make_operator())
    with time_machine.travel(NOW, tick=False):
        html = client.get("/backoffice/").content.decode()

    assert "Аккаунты маркетплейсов" in html
    assert "Аккаунтов в работе / цель" in html and "6 / 8" in html
    assert "Истекает срок службы в ближайшие 30 дней" in html
