"""In Chromium: a manager opens «Отказы на рассмотрении», confirms a client's refusal request,
then changes another line's status with a comment on the order's page."""

import re

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.orders import hooks, services
from mprating.orders.models import OrderLine, RefusalState
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]


@pytest.fixture(autouse=True)
def no_mail_task(monkeypatch):
    # E-mails are the notifications app's business (tested there).
    monkeypatch.setattr(hooks, "line_status_changed", lambda ids: None)


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def test_manager_confirms_a_refusal_and_moves_a_line(live_server, page, screenshot):
    # given: a client's order of two lines, one refusal requested
    buyer = make_client(last_name="Морозова", first_name="Ольга")
    home = make_warehouse(Warehouse.Kind.HOME, name="Склад Москва")
    transit = make_warehouse(Warehouse.Kind.TRANSIT, name="Поставщик «Автоконтинент»")
    pads = make_offer(
        make_product("BOSCH", "0 986 494 005", "Колодки тормозные передние"), transit, "2450.50"
    )
    oil = make_offer(make_product("MANN-FILTER", "W 712/95", "Фильтр масляный"), home, "640.00")
    add_to_cart(buyer, pads, quantity=2, comment="на Toyota Camry")
    add_to_cart(buyer, oil, quantity=1)
    order = place_order(buyer, comment="Позвонить за час до доставки")
    refused_line = order.lines.get(offer=pads)
    moved_line = order.lines.get(offer=oil)
    services.line_refusal_request(client=buyer, line_id=refused_line.pk)
    manager = make_staff(roles.MANAGER, email="manager@example.ru")
    manager.first_name, manager.last_name = "Пётр", "Менеджеров"
    manager.save(update_fields=["first_name", "last_name"])

    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill(manager.email)
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/backoffice/**")

    # when: the queue of refusal requests from the sidebar
    page.goto(f"{live_server.url}/backoffice/orders/order/")
    screenshot("1-orders")
    page.get_by_role("link", name="Отказы на рассмотрении").first.click()
    page.wait_for_url("**/orderline/refusals/**")
    assert page.get_by_text("0 986 494 005").is_visible()
    assert not page.get_by_text("W 712/95").count()
    screenshot("2-refusal-queue")
    page.locator(f'input[name="_selected_action"][value="{refused_line.pk}"]').check()
    page.locator('select[name="action"]').select_option("selected_confirm")
    page.locator('button[name="index"], button[type="submit"][title]').first.click()
    page.get_by_role("button", name="Подтвердить отказ").wait_for()
    screenshot("3-confirm-page")
    page.get_by_role("button", name="Подтвердить отказ").click()
    page.get_by_text("Отказ подтверждён у позиций: 1").wait_for()
    screenshot("4-confirmed")

    # and: the order's page, «Сменить статус» for the other line
    page.goto(f"{live_server.url}/backoffice/orders/order/{order.pk}/change/")
    screenshot("5-order-page")
    page.get_by_role("link", name="Сменить статус").click()
    page.locator(f'input[name="_selected_action"][value="{moved_line.pk}"]').check()
    page.locator('select[name="status"]').select_option(label="Принят")
    page.locator('textarea[name="comment"]').fill("Принят на склад, собираем")
    screenshot("6-change-status")
    page.get_by_role("button", name="Сменить статус").click()
    page.get_by_text("Статус изменён у позиций: 1").wait_for()
    screenshot("7-order-after")

    # then
    refused_line = OrderLine.objects.select_related("status").get(pk=refused_line.pk)
    assert refused_line.status.role == "refused"
    assert refused_line.refusal_state == RefusalState.CONFIRMED
    moved_line = OrderLine.objects.select_related("status").get(pk=moved_line.pk)
    assert moved_line.status.name == "Принят"
    change = moved_line.history.order_by("-id").first()
    assert (change.changed_by_id, change.comment) == (manager.pk, "Принят на склад, собираем")
    assert page.get_by_text("Принят на склад, собираем").first.is_visible()

    # and: «Настройки → Статусы» with colour swatches; a status in use says why it stays
    page.get_by_role("link", name="Статусы").click()
    page.get_by_text("Заказан у поставщика").wait_for()
    screenshot("8-statuses")
    page.get_by_role("link", name="Принят", exact=True).click()
    page.get_by_text("нельзя удалить").first.wait_for()
    screenshot("9-status-page")


SEED_COLUMNS = (
    "Текущий статус",
    "Создан",
    "Клиент",
    "Артикул и состав",
    "Комментарий к заявке",
    "Способ оплаты",
    "Номер получателя",
)


def test_the_seven_seed_columns_of_orders_fit_1366_px(live_server, page, screenshot):
    """Seed 000 «Управление заявками»: «Текущий статус, Дата создания, Клиент, Артикул и его
    состав, Комментарий к заявке, Способ оплаты, Номер получателя» — all on screen at 1366 px
    beside the sidebar, with long words and several lines in the cells."""
    # given: orders with long comments, several lines and a client with a long e-mail
    buyer = make_client(
        last_name="Константинопольская",
        first_name="Александра",
        email="aleksandra.konstantinopolskaya@example-company.ru",
    )
    transit = make_warehouse(Warehouse.Kind.TRANSIT, name="Поставщик")
    for number in range(3):
        for article in ("0 986 494 005", "W 712/95", "OC 205"):
            product = make_product("MANN-FILTER", f"{article}-{number}", "Фильтр масляный двойной")
            add_to_cart(buyer, make_offer(product, transit, "2450.50"), quantity=2)
        place_order(
            buyer,
            comment="Позвонить за час до доставки, домофон не работает, третий подъезд, "
            "спросить Александра Сергеевича",
        )
    make_staff(roles.MANAGER, email="manager@example.ru")
    page.set_viewport_size({"width": 1366, "height": 900})

    # when
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill("manager@example.ru")
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/backoffice/**")
    page.goto(f"{live_server.url}/backoffice/orders/order/")
    page.locator("#result_list").wait_for()
    screenshot("orders-1366")

    # then: every seed column's header lies inside the viewport, nothing scrolls sideways
    for title in SEED_COLUMNS:
        header = page.locator("#result_list thead th", has_text=title)
        box = header.bounding_box()
        assert box is not None, title
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1366, (title, box)
    widths = page.evaluate(
        """() => {
            const table = document.querySelector('#result_list').parentElement;
            const doc = document.documentElement;
            return [doc.scrollWidth, doc.clientWidth, table.scrollWidth, table.clientWidth];
        }"""
    )
    assert widths[0] <= widths[1], widths
    assert widths[2] <= widths[3], widths  # the table itself does not scroll either

    # and: on a phone every order is a card whose rows show their whole cell, not one line
    page.set_viewport_size({"width": 390, "height": 900})
    page.reload()
    page.locator("#result_list").wait_for()
    screenshot("orders-390")
    cut = page.evaluate(
        """[...document.querySelectorAll('#result_list tbody td')]
            .filter(td => td.scrollHeight > td.clientHeight + 1).length"""
    )
    assert cut == 0
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths
