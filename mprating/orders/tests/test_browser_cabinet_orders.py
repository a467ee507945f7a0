"""In Chromium: a client refuses a line of an order, a manager confirms the refusal, the
client sees «Отказ» / «Отказ клиента» and the unseen badge, ticks it seen and reorders."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from mprating.accounts import roles
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.catalog.models import Offer, Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.orders import services
from mprating.orders.models import OrderLine, OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_rows"),
]


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill(email)
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/cabinet/**")


def test_client_refuses_a_line_and_reorders_it(live_server, page, screenshot, chromium):
    # given: an order of three lines from the home and a transit warehouse; one is shipped
    buyer = make_client(last_name="Морозова", first_name="Ольга", phone="+79857770022")
    manager = make_staff(roles.MANAGER, email="manager@example.ru")
    home = make_warehouse(Warehouse.Kind.HOME, name="Склад Москва")
    transit = make_warehouse(Warehouse.Kind.TRANSIT, name="Поставщик «Автоконтинент»")
    shock = make_offer(
        make_product("SACHS", "313 484", "Амортизатор передний газомасляный"),
        transit,
        price="5230.00",
        quantity=8,
        delivery_days=3,
    )
    Offer.objects.filter(pk=shock.pk).update(return_deduction_percent=10)
    pads = make_offer(
        make_product("BOSCH", "0 986 494 005", "Колодки тормозные передние"),
        home,
        price="2450.50",
        quantity=10,
    )
    bulb = make_offer(
        make_product("OSRAM", "64210", "Лампа H7 12V 55W"),
        home,
        price="320.00",
        quantity=50,
        is_returnable=False,
        return_days=0,
    )
    add_to_cart(buyer, shock, quantity=2)
    add_to_cart(buyer, pads, quantity=1)
    add_to_cart(buyer, bulb, quantity=4)
    order = place_order(buyer)
    shock_line = order.lines.get(article="313 484")
    bulb_line = order.lines.get(article="64210")
    services.line_status_set(
        line_ids=[bulb_line.pk],
        status_id=OrderStatus.objects.get(role=OrderStatus.Role.SHIPPED).pk,
        actor=manager,
        comment="Выдано в ПВЗ",
    )
    _log_in(page, live_server, buyer.user.email)

    # when: the client opens «Заказы»
    page.get_by_test_id("nav-orders").click()
    page.wait_for_url("**/cabinet/orders/")
    table = page.get_by_test_id("order-lines")
    expect(table.get_by_test_id("order-line")).to_have_count(3)
    shock_row = page.locator(f"#line-{shock_line.pk}")
    bulb_row = page.locator(f"#line-{bulb_line.pk}")
    # then: a shipped line offers no refusal, an open one does
    expect(bulb_row.get_by_test_id("line-refuse")).to_have_count(0)
    expect(bulb_row).to_contain_text("невозвратный")
    expect(shock_row).to_contain_text("удержание 10 %")
    screenshot("1-orders")

    # when: the client refuses the shock absorber (and confirms the browser prompt)
    page.once("dialog", lambda dialog: dialog.accept())
    shock_row.get_by_test_id("line-refuse").click()
    # then: the last column reads «Отказ от заказа на рассмотрении»
    expect(shock_row.get_by_test_id("line-comment")).to_have_text("Отказ от заказа на рассмотрении")
    expect(shock_row.get_by_test_id("line-refuse")).to_have_count(0)
    screenshot("2-refusal-requested")

    # when: a manager confirms the refusal in the back office «Отказы на рассмотрении»
    back_office = chromium.new_context(locale="ru-RU", viewport={"width": 1400, "height": 900})
    staff_page = back_office.new_page()
    staff_page.goto(f"{live_server.url}/accounts/login/")
    field(staff_page, "E-mail или телефон").fill(manager.email)
    field(staff_page, "Пароль").fill(PASSWORD)
    staff_page.get_by_role("button", name="Войти").click()
    staff_page.wait_for_url("**/backoffice/**")
    staff_page.get_by_role("link", name="Отказы на рассмотрении").first.click()
    staff_page.locator(f'input[name="_selected_action"][value="{shock_line.pk}"]').check()
    staff_page.locator('select[name="action"]').select_option("selected_confirm")
    staff_page.locator('button[name="index"], button[type="submit"][title]').first.click()
    staff_page.get_by_role("button", name="Подтвердить отказ").click()
    staff_page.get_by_text("Отказ подтверждён у позиций: 1").wait_for()
    client_shot = screenshot("2b-client-before-reload")
    staff_page.screenshot(
        path=str(
            client_shot.with_name(client_shot.name.replace("2b-client-before-reload", "2c-manager"))
        ),
        full_page=True,
    )
    back_office.close()
    # and the client reloads «Заказы»
    page.reload()

    # then: «Отказ», «Отказ клиента», «Перезаказ», the unseen badge in nav and frame
    expect(shock_row.get_by_test_id("line-status")).to_have_text("Отказ")
    expect(shock_row.get_by_test_id("line-comment")).to_have_text("Отказ клиента")
    expect(page.get_by_test_id("refusals-badge")).to_have_text("1")
    expect(page.get_by_test_id("refusals-frame")).to_have_text("1 из 1 отказа не просмотрен")
    seen = shock_row.get_by_test_id("line-seen")
    expect(seen).not_to_be_checked()
    screenshot("3-refused-unseen")

    # when: the client opens the movement history of the line
    shock_row.get_by_test_id("line-history-btn").click()
    history = page.get_by_test_id("line-history")
    expect(history).to_be_visible()
    # «Новый», the client's request (in the same status, by «вы»), «Отказ»
    expect(history.get_by_test_id("history-row")).to_have_count(3)
    expect(history).to_contain_text("Отказ от заказа на рассмотрении")
    expect(history).to_contain_text("Отказ клиента")
    screenshot("4-history")
    history.get_by_test_id("dialog-close").click()
    expect(history).to_be_hidden()

    # when: the client ticks the refusal as seen
    seen.check()
    # then: saved at once, the badge goes, the frame says none is unseen
    expect(page.get_by_test_id("refusals-badge")).to_have_count(0)
    expect(page.get_by_test_id("refusals-frame")).to_have_text("Все отказы просмотрены")
    expect(shock_row.get_by_test_id("line-seen")).to_be_checked()
    assert OrderLine.objects.get(pk=shock_line.pk).refusal_seen is True
    page.reload()
    expect(shock_row.get_by_test_id("line-seen")).to_be_checked()
    screenshot("5-seen")

    # when: the client reorders the refused line
    shock_row.get_by_test_id("line-reorder").click()
    # then: the cart has the same article with the line's quantity
    page.wait_for_url("**/cabinet/cart/")
    expect(page.locator(".message-success")).to_contain_text(
        "SACHS 313 484 добавлен в корзину: 2 шт."
    )
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    screenshot("6-cart")

    # and: the return policy page and the (empty) archive look right
    page.goto(f"{live_server.url}/cabinet/orders/")
    page.get_by_test_id("return-policy-link").click()
    expect(page.get_by_test_id("return-policy")).to_contain_text("невозвратный")
    screenshot("7-return-policy")
    page.goto(f"{live_server.url}/cabinet/orders/archive/")
    expect(page.get_by_test_id("no-lines")).to_contain_text("В архиве пока нет заказов.")
    screenshot("8-archive")


def test_client_archives_a_finished_order_and_sees_auto_archived_one(live_server, page, screenshot):
    # given: an order shipped today and a refused one finished three months ago
    buyer = make_client(last_name="Архипова", first_name="Анна", phone="+79857770033")
    manager = make_staff(email="manager2@example.ru")
    home = make_warehouse(Warehouse.Kind.HOME, name="Склад Москва")
    filter_offer = make_offer(
        make_product("MANN-FILTER", "W 712/95", "Фильтр масляный"), home, price="640.00"
    )
    pads = make_offer(
        make_product("BOSCH", "0 986 494 005", "Колодки тормозные передние"), home, quantity=10
    )
    shipped_status = OrderStatus.objects.get(role=OrderStatus.Role.SHIPPED)
    with time_machine.travel(timezone.now() - timedelta(days=95), tick=False):
        add_to_cart(buyer, pads, quantity=2)
        old = place_order(buyer)
        services.line_refuse(
            line_ids=[old.lines.get().pk], actor=manager, reason="Нет в наличии у поставщика"
        )
        services.line_refusal_seen_set(client=buyer, line_id=old.lines.get().pk, seen=True)
    add_to_cart(buyer, filter_offer, quantity=1)
    recent = place_order(buyer)
    services.line_status_set(
        line_ids=[recent.lines.get().pk], status_id=shipped_status.pk, actor=manager
    )
    _log_in(page, live_server, buyer.user.email)

    # when: the client opens «Заказы»: the old order went to the archive by itself
    page.goto(f"{live_server.url}/cabinet/orders/")
    expect(page.get_by_test_id("order-line")).to_have_count(1)
    expect(page.get_by_test_id("refusals-frame")).to_have_text("1 из 1 отказа не просмотрен")
    screenshot("1-finished-order")
    page.get_by_test_id("order-archive").click()

    # then: the order is archived with a message; «Архив» lists both orders with «Перезаказ»
    expect(page.locator(".message-success")).to_contain_text(
        f"Заказ {recent.number} перенесён в архив."
    )
    expect(page.get_by_test_id("no-lines")).to_be_visible()
    page.get_by_role("link", name="Архив").first.click()
    expect(page.get_by_test_id("order-line")).to_have_count(2)
    refused_row = page.locator(f"#line-{old.lines.get().pk}")
    expect(refused_row.get_by_test_id("line-comment")).to_have_text("Нет в наличии у поставщика")
    expect(refused_row.get_by_test_id("line-seen")).not_to_be_checked()
    expect(refused_row.get_by_test_id("line-reorder")).to_be_visible()
    screenshot("2-archive")
