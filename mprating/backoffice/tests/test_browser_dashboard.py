"""In Chromium: the back office home («Сводка») as an operator and as a manager, on a laptop
(1366 px) and on a phone (390 px) — cards visible, the chart drawn, nothing scrolls sideways,
and a card leads to its list."""

import re

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.orders import hooks, services
from mprating.orders.tests.status_helpers import order_with_lines

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def no_mail_task(monkeypatch):
    monkeypatch.setattr(hooks, "line_status_changed", lambda ids: None)


def _sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile(r"^E-mail или телефон")).fill(email)
    page.get_by_label(re.compile(r"^Пароль")).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/backoffice/**")


def _no_sideways_scroll(page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


@pytest.mark.parametrize(
    ("role", "card"),
    [(roles.OPERATOR, "Новых клиентов за 7 дней"), (roles.MANAGER, "Отказов на рассмотрении")],
    ids=["operator", "manager"],
)
def test_the_desk_at_1366_and_390(live_server, page, screenshot, role, card):
    # given: orders today, one line with a refusal request
    buyer = make_client(last_name="Соколова", first_name="Анна")
    order, lines = order_with_lines(buyer, kinds=(Warehouse.Kind.HOME, Warehouse.Kind.HOME))
    services.line_refusal_request(client=buyer, line_id=lines[0].pk)
    staff = make_staff(role, email="staff@example.ru")

    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        if width == 1366:
            _sign_in(page, live_server, staff.email)
        page.goto(f"{live_server.url}/backoffice/")
        page.get_by_test_id("dashboard").wait_for()

        # then: headed «Сводка», the cards visible, the chart drawn, no sideways scroll
        assert page.locator("h1", has_text="Сводка").first.is_visible()
        assert page.get_by_text("Welcome").count() == 0
        the_card = page.get_by_test_id("dashboard-card").filter(has_text=card)
        the_card.scroll_into_view_if_needed()
        assert the_card.is_visible()
        box = the_card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        if page.get_by_test_id("dashboard-chart").count():
            page.wait_for_function(
                "[...document.querySelectorAll('canvas.chart')]"
                ".every(c => c.width > 0 && c.height > 0)"
            )
        _no_sideways_scroll(page)
        screenshot(str(width))

    # and: the card leads to its list, filtered
    page.get_by_test_id("dashboard-card").filter(has_text=card).click()
    if role == roles.MANAGER:
        page.wait_for_url("**/orders/orderline/refusals/**")
        assert "Отказы на рассмотрении" in page.locator("h1").first.inner_text()
        assert page.get_by_text(order.number).first.is_visible()
    else:
        page.wait_for_url("**/accounts/client/?*created_at_from=*")
        assert page.get_by_text("Соколова").first.is_visible()
