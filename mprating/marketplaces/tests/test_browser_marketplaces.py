"""In Chromium: the dashboard with an expiring account, an operator taking and releasing an
Ozon account («Войти вручную»), a buyout moving its order line to «В ПВЗ». Screenshots at
1366 and 390 px in test-artifacts/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mprating.accounts.tests.factories import PASSWORD
from mprating.marketplaces import services
from mprating.marketplaces.models import AccountStatus, Buyout, BuyoutStatus
from mprating.marketplaces.tests.factories import make_account, make_operator, marketplace_lines

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill(email)
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/backoffice/**")


def at_width(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def named_operator(email: str, last: str, first: str):
    operator = make_operator(email)
    operator.last_name, operator.first_name = last, first
    operator.save(update_fields=["last_name", "first_name"])
    return operator


def test_the_dashboard_warns_about_an_expiring_account(live_server, page, screenshot):
    # given: accounts on both marketplaces, one ending in 21 days, one already ended, targets
    operator = named_operator("operator@example.ru", "Белов", "Игорь")
    today = timezone.localdate()
    make_account("wildberries", name="WB-01 Коледино", days=200)
    make_account("wildberries", name="WB-02 Подольск", service_until=today + timedelta(days=20))
    make_account("ozon", name="OZ-01 Хоругвино", days=120)
    ended = make_account("ozon", name="OZ-02 Пушкино", days=40)
    type(ended).objects.filter(pk=ended.pk).update(service_until=today - timedelta(days=2))
    services.settings_update(target_wildberries=3, target_ozon=2, actor=None)
    log_in(page, live_server, operator.email)

    for width in WIDTHS:
        # when: the operator opens the dashboard from the sidebar
        at_width(page, width)
        page.goto(f"{live_server.url}/backoffice/")
        if width > 500:
            page.get_by_role("link", name="Дашборд").click()
        else:
            page.goto(f"{live_server.url}/backoffice/marketplaces/marketplaceaccount/dashboard/")
        page.get_by_test_id("mp-dashboard").wait_for()

        # then: the seed's explicit message, the counts against the targets, the chart
        message = page.get_by_test_id("expiry-message").first
        assert message.inner_text() == (
            "Через 21 день учётная запись перейдёт из статуса «Активен» в «Неактивен»."
        )
        total = page.get_by_test_id("counts-total")
        assert total.get_by_test_id("working").inner_text() == "3"
        assert total.get_by_test_id("target").inner_text() == "5"
        assert total.get_by_test_id("status-inactive").inner_text() == "1"
        assert total.get_by_test_id("shortfall").inner_text() == "Не хватает 2 до цели"
        assert page.locator("canvas.chart").is_visible()
        page.wait_for_function(
            "document.querySelector('canvas.chart').getBoundingClientRect().height > 100"
        )
        assert no_sideways_scroll(page), width
        screenshot(f"dashboard-{width}")


def test_an_operator_takes_and_releases_an_ozon_account(live_server, page, screenshot):
    # given: an Ozon account and a colleague who will find it busy
    operator = named_operator("operator@example.ru", "Белов", "Игорь")
    colleague = named_operator("colleague@example.ru", "Крылова", "Марина")
    account = make_account("ozon", name="OZ-07 Ногинск", secret="Ozon-Пароль-2026!", days=90)
    log_in(page, live_server, operator.email)
    accounts = f"{live_server.url}/backoffice/marketplaces/marketplaceaccount"
    change_url = f"{accounts}/{account.pk}/change/"

    # when: the operator presses «Войти вручную» and confirms
    at_width(page, 1366)
    page.goto(change_url)
    screenshot("1-account-1366")
    page.get_by_role("link", name="Войти вручную").click()
    page.get_by_test_id("take-confirm").wait_for()
    screenshot("2-confirm-1366")
    page.get_by_test_id("take-submit").click()

    # then: the login and the password, once, and a link to Ozon's sign-in
    page.get_by_test_id("taken").wait_for()
    assert page.get_by_test_id("taken-secret").inner_text() == "Ozon-Пароль-2026!"
    assert page.get_by_test_id("taken-login").inner_text() == account.login
    assert "ozon.ru" in page.get_by_test_id("marketplace-login-link").get_attribute("href")
    screenshot("3-taken-1366")
    at_width(page, 390)
    assert no_sideways_scroll(page)
    screenshot("3-taken-390")
    account.refresh_from_db()
    assert account.status == AccountStatus.BUSY and account.taken_by == operator

    # and: the colleague is told in Russian who has it
    with pytest.raises(Exception) as busy:
        services.account_take(account_id=account.pk, actor=colleague)
    assert "Белов Игорь" in str(busy.value)

    # when: the operator releases it from the same page
    page.get_by_test_id("release-now").click()
    page.get_by_text("освобождён: снова «Активен»").wait_for()
    assert "Ozon-Пароль-2026!" not in page.content()
    assert no_sideways_scroll(page)
    screenshot("4-released-390")
    at_width(page, 1366)
    page.reload()
    assert page.get_by_text("Освобождён").first.is_visible()
    screenshot("5-history-1366")
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE and account.taken_by is None


def test_a_buyout_moves_its_line_to_v_pvz(live_server, page, screenshot):
    # given: a client's order line bought on Wildberries, an active Wildberries account
    operator = named_operator("operator@example.ru", "Белов", "Игорь")
    [line] = marketplace_lines(marketplace="wildberries")
    account = make_account("wildberries", name="WB-03 Электросталь", days=100)
    log_in(page, live_server, operator.email)

    # when: «Оформить выкуп» for the line, then «В ПВЗ» on the buyout's page
    at_width(page, 1366)
    page.goto(f"{live_server.url}/backoffice/marketplaces/buyout/add/?line={line.pk}")
    page.get_by_test_id("buyout-form").wait_for()
    form = page.get_by_test_id("buyout-form")
    form.locator('select[name="account"]').select_option(value=str(account.pk))
    assert "WB-03 Электросталь" in form.locator('select[name="account"]').inner_text()
    form.locator('input[name="marketplace_order_number"]').fill("48120577")
    form.locator('input[name="amount"]').fill("1 499,90")
    screenshot("1-form-1366")
    at_width(page, 390)
    assert no_sideways_scroll(page)
    screenshot("1-form-390")
    page.get_by_test_id("buyout-submit").click()
    page.get_by_text("Выкуп № 48120577 оформлен").wait_for()
    line.refresh_from_db()
    assert line.status.name == "Выкуплен"

    at_width(page, 1366)
    page.get_by_role("link", name="В ПВЗ").click()
    page.get_by_test_id("confirm-action").wait_for()
    screenshot("2-confirm-1366")
    page.get_by_test_id("confirm-action-submit").click()
    page.get_by_text("статус «В ПВЗ»").first.wait_for()

    # then: the buyout and its order line are «В ПВЗ»
    buyout = Buyout.objects.get()
    line.refresh_from_db()
    assert buyout.status == BuyoutStatus.AT_POINT
    assert line.status.name == "В ПВЗ"
    screenshot("3-at-point-1366")
    at_width(page, 390)
    assert no_sideways_scroll(page)
    screenshot("3-at-point-390")
    page.goto(f"{live_server.url}/backoffice/marketplaces/buyout/")
    assert page.get_by_text("48120577").first.is_visible()
    assert no_sideways_scroll(page)
    screenshot("4-list-390")
