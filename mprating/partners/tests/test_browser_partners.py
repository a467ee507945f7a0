"""In Chromium, the whole partner journey (seed 000 «Подключенные ПВЗ»): an operator creates a
point and registers its owner, the owner opens the invitation letter's link, chooses a password,
lands in /partner/, sees the point's statistics and hands out an order — at 1366 and 390 px."""

import re
from pathlib import Path

import pytest
from django.core import mail

from mprating.accounts import roles
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.orders.models import OrderLine
from mprating.orders.services import line_status_set
from mprating.partners.events import point_events_sync
from mprating.partners.selectors import at_point_status
from mprating.partners.tests.factories import line_to
from mprating.pickup_points.models import PickupPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LINK = re.compile(r"https?://[^/\s]+(/partner/invitation/[\w-]+/)")


ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def shot(page, name: str) -> None:
    """A full-page screenshot of the owner's browser (the `screenshot` fixture shoots the
    operator's)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"partner-journey-{name}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_operator_connects_a_point_and_its_owner_hands_out_an_order(
    live_server, chromium, page, screenshot
):
    operator = make_staff(roles.OPERATOR, email="operator@example.ru")
    operator.last_name, operator.first_name = "Белов", "Игорь"
    operator.save(update_fields=["last_name", "first_name"])

    # the operator signs in and opens «Подключенные ПВЗ → Пункты выдачи»
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(operator.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/backoffice/**")
    page.get_by_role("link", name="Пункты выдачи").first.click()
    page.wait_for_url("**/pickuppoint/")

    # creates a point
    page.goto(f"{live_server.url}/backoffice/pickup_points/pickuppoint/add/")
    page.locator("input[name=name]").fill("ПВЗ «Профсоюзная»")
    page.locator("input[name=address]").fill("г. Москва, ул. Профсоюзная, д. 56, павильон 3")
    page.locator("input[name=working_hours]").fill("Пн–Вс 10:00–21:00")
    page.locator("input[name=phone]").fill("8 495 120-11-56")
    screenshot("1-operator-new-point")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    page.wait_for_url(re.compile(r".*/pickuppoint/(\?.*)?$"))
    point = PickupPoint.objects.get()
    assert point.phone == "+74951201156"

    # registers its owner: the letter with the link goes out
    page.goto(f"{live_server.url}/backoffice/pickup_points/pickuppoint/{point.pk}/change/")
    page.get_by_role("link", name="Зарегистрировать владельца").click()
    page.locator("input[name=last_name]").fill("Гусев")
    page.locator("input[name=first_name]").fill("Олег")
    page.locator("input[name=middle_name]").fill("Николаевич")
    page.locator("input[name=email]").fill("gusev@example.ru")
    page.locator("input[name=phone]").fill("+7 916 765-43-21")
    page.locator("input[name=company_name]").fill("ООО «Гусев и партнёры»")
    page.locator("input[name=inn]").fill("7707083890")
    page.get_by_role("button", name="Зарегистрировать и отправить приглашение").click()
    page.get_by_text("ИНН не прошёл проверку контрольных цифр").wait_for()
    screenshot("2-operator-owner-form-error")
    page.locator("input[name=inn]").fill("7707083893")
    page.get_by_role("button", name="Зарегистрировать и отправить приглашение").click()
    page.get_by_text("зарегистрирован и закреплён за пунктом").wait_for()
    screenshot("3-operator-point-with-owner")
    [letter] = [m for m in mail.outbox if m.to == ["gusev@example.ru"]]
    path = LINK.search(letter.body).group(1)

    # meanwhile a buyout for a client arrives at the point
    buyer = make_client(last_name="Морозова", first_name="Ольга")
    line = line_to(point, client=buyer, recipient_phone="+7 916 123-45-67")
    line_status_set(line_ids=[line.pk], status_id=at_point_status().pk, actor=operator)
    point_events_sync()  # what cron does every minute

    # the owner opens the link (another browser), chooses a password and lands in /partner/
    context = chromium.new_context(locale="ru-RU", viewport={"width": 1366, "height": 900})
    owner_page = context.new_page()
    owner_page.set_default_timeout(10_000)
    owner_page.goto(f"{live_server.url}{path}")
    owner_page.get_by_text("Пароль для кабинета партнёра").first.wait_for()
    owner_page.locator("input[name=new_password1]").fill("12345678")
    owner_page.locator("input[name=new_password2]").fill("12345678")
    owner_page.get_by_role("button", name="Сохранить пароль и войти").click()
    owner_page.get_by_text("Введённый пароль состоит только из цифр.").wait_for()
    owner_page.locator("input[name=new_password1]").fill("Punkt-vydachi-77")
    owner_page.locator("input[name=new_password2]").fill("Punkt-vydachi-77")
    owner_page.get_by_role("button", name="Сохранить пароль и войти").click()
    owner_page.wait_for_url(f"{live_server.url}/partner/")
    owner_page.get_by_text("Добро пожаловать в кабинет партнёра").wait_for()
    shot(owner_page, "4-home-1366")
    assert owner_page.get_by_role("link", name="ПВЗ «Профсоюзная»").is_visible()

    # the point's statistics
    owner_page.get_by_role("link", name="Статистика").first.click()
    owner_page.get_by_test_id("waiting").wait_for()
    assert owner_page.get_by_test_id("waiting").inner_text() == "1"
    assert owner_page.get_by_test_id("arrived").inner_text() == "1"
    shot(owner_page, "5-statistics-1366")

    # at 390 px: nothing scrolls sideways, the buttons are visible
    owner_page.set_viewport_size({"width": 390, "height": 844})
    owner_page.reload()
    assert no_sideways_scroll(owner_page)
    shot(owner_page, "6-statistics-390")
    owner_page.get_by_test_id("nav-waiting").click()
    owner_page.get_by_text("Морозова Ольга").wait_for()
    assert owner_page.get_by_text("+7 ••• •••-45-67").is_visible()
    assert no_sideways_scroll(owner_page)
    shot(owner_page, "7-waiting-390")

    # hands the order out
    owner_page.get_by_test_id("hand-out").click()
    owner_page.get_by_text("Выдано:").wait_for()
    assert owner_page.get_by_test_id("no-waiting").is_visible()
    shot(owner_page, "8-handed-out-390")
    owner_page.set_viewport_size({"width": 1366, "height": 900})
    owner_page.goto(f"{live_server.url}/partner/points/{point.pk}/")
    assert owner_page.get_by_test_id("handed-out").inner_text() == "1"
    shot(owner_page, "9-statistics-after-1366")
    context.close()

    line = OrderLine.objects.select_related("status").get(pk=line.pk)
    assert line.status.role == "shipped"
    assert line.history.order_by("-id").first().changed_by.email == "gusev@example.ru"

    # and the operator sees the same numbers in the back office
    page.goto(f"{live_server.url}/backoffice/pickup_points/pickuppoint/{point.pk}/change/")
    page.get_by_role("link", name="Статистика").first.click()
    page.get_by_test_id("point-statistics").wait_for()
    assert page.get_by_test_id("handed-out").inner_text() == "1"
    screenshot("10-operator-statistics")
