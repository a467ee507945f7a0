"""In Chromium: the client creates a return with a photo from «Заказы», a manager takes it in
review, approves it, receives the goods and returns the money in the back office; the client
sees every status, the history and the money in «Финансы». Screenshots at 1366 and 390 px; no
sideways scrolling."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mprating.accounts import roles
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.catalog.models import Warehouse
from mprating.returns.models import ReturnRequest, ReturnStatus
from mprating.returns.tests.factories import image_bytes, shipped_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _log_in(page, live_server, email: str, landing: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill(email)
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(landing)


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def _both_widths(page, screenshot, name: str) -> None:
    page.set_viewport_size(WIDE)
    screenshot(f"{name}-1366")
    page.set_viewport_size(PHONE)
    _no_sideways_scroll(page)
    screenshot(f"{name}-390")
    page.set_viewport_size(WIDE)


def _step(staff_page, title: str, comment: str = "") -> None:
    staff_page.get_by_role("link", name=title).first.click()
    form = staff_page.get_by_test_id("confirm-action")
    expect(form).to_be_visible()
    if comment:
        form.locator('textarea[name="comment"]').fill(comment)
    form.get_by_test_id("confirm-action-submit").click()
    expect(staff_page.locator("body")).not_to_contain_text("Подтвердите")


def test_client_returns_goods_and_a_manager_refunds_them(
    live_server, page, screenshot, chromium, request
):
    # given: a shipped line of two shock absorbers, 10 % deduction on return
    buyer = make_client(last_name="Морозова", first_name="Ольга", phone="+79857770022")
    manager = make_staff(roles.MANAGER, email="manager@example.ru")
    line = shipped_line(
        buyer,
        quantity=2,
        price="5230.00",
        deduction="10",
        return_days=14,
        brand="SACHS",
        article="313 484",
        name="Амортизатор передний газомасляный",
        kind=Warehouse.Kind.TRANSIT,
    )
    _log_in(page, live_server, buyer.user.email, "**/cabinet/**")

    # when: the client opens «Заказы»
    page.get_by_test_id("nav-orders").click()
    row = page.locator(f"#line-{line.pk}")
    # then: the shipped line offers «Создать возврат»
    expect(row.get_by_test_id("line-return")).to_be_visible()
    expect(row.get_by_test_id("line-refuse")).to_have_count(0)
    screenshot("1-orders")

    # when: the client opens the form
    row.get_by_test_id("line-return").click()
    page.wait_for_url(f"**/cabinet/returns/new/{line.pk}/")
    # then: the policy, the deduction and the refund for the whole line
    expect(page.get_by_test_id("return-policy")).to_contain_text("возврат в течение 14 дн.")
    expect(page.get_by_test_id("return-deduction")).to_contain_text("10 % от суммы возврата")
    expect(page.get_by_test_id("return-refund")).to_have_text("9\u202f414,00\u00a0₽")
    _both_widths(page, screenshot, "2-form")

    # when: one piece, a reason, a description and a photo
    field(page, "Количество, шт.").fill("1")
    # then: the refund follows the quantity
    expect(page.get_by_test_id("return-refund")).to_have_text("4\u202f707,00\u00a0₽")
    field(page, "Причина").select_option(label="Не подошло")
    field(page, "Описание").fill("Не подходит к моей модификации.")
    expect(page.get_by_text("Выбрать фото")).to_be_visible()
    page.locator('input[name="photos"]').set_input_files(
        [{"name": "shock.png", "mimeType": "image/png", "buffer": image_bytes("PNG", (640, 480))}]
    )
    expect(page.locator("[data-picked]")).to_have_text("Выбрано 1 фото: shock.png")
    screenshot("2b-form-filled")
    page.get_by_test_id("return-submit").click()

    # then: the return's page, «Новый», the photo shown, one history row
    created = ReturnRequest.objects.get()
    page.wait_for_url(f"**/cabinet/returns/{created.pk}/")
    expect(page.locator(".message-success")).to_contain_text(f"Возврат № {created.pk} оформлен")
    expect(page.get_by_test_id("return-status").first).to_have_text("Новый")
    photo = page.get_by_test_id("return-photos").locator("img")
    expect(photo).to_have_count(1)
    # the photo really loads (served to its owner), waiting for the browser to decode it
    expect(photo).to_have_js_property("naturalWidth", 640)
    expect(page.get_by_test_id("return-history-row")).to_have_count(1)
    _both_widths(page, screenshot, "3-return-new")
    expect(page.get_by_test_id("balance")).to_contain_text("0,00\u00a0₽")

    # when: a manager works the return in the back office
    back_office = chromium.new_context(locale="ru-RU", viewport={"width": 1400, "height": 900})
    staff_page = back_office.new_page()
    staff_page.set_default_timeout(10_000)
    _log_in(staff_page, live_server, manager.email, "**/backoffice/**")
    staff_page.get_by_role("link", name=re.compile(r"Возвраты$")).first.click()
    expect(staff_page.locator("#result_list")).to_contain_text("SACHS 313 484")
    staff_page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-4-queue.png"), full_page=True)
    staff_page.get_by_role("link", name=f"№ {created.pk}").click()
    expect(staff_page.get_by_test_id("admin-return-photos").locator("img")).to_have_count(1)
    _step(staff_page, "Взять на рассмотрение")
    _step(staff_page, "Одобрить", "Фото в порядке, ждём деталь в ПВЗ")
    _step(staff_page, "Получен на складе")
    expect(staff_page.locator("body")).to_contain_text("Получено на складе: 1")
    staff_page.screenshot(
        path=str(ARTIFACTS / f"{request.node.name}-5-return-page.png"), full_page=True
    )
    _step(staff_page, "Вернуть деньги")
    expect(staff_page.locator("body")).to_contain_text(
        "Деньги возвращены на баланс по возвратам: 1"
    )
    back_office.close()

    # then: the client sees «Деньги возвращены» and the whole history
    page.reload()
    expect(page.get_by_test_id("return-status").first).to_have_text("Деньги возвращены")
    expect(page.get_by_test_id("return-history-row")).to_have_count(5)
    expect(page.get_by_test_id("return-history")).to_contain_text("Фото в порядке")
    _both_widths(page, screenshot, "6-return-refunded")
    page.get_by_test_id("nav-returns").click()
    expect(page.get_by_test_id("return-row")).to_have_count(1)
    expect(page.get_by_test_id("return-row")).to_contain_text("Деньги возвращены")
    _both_widths(page, screenshot, "7-returns-list")
    assert ReturnRequest.objects.get().status == ReturnStatus.REFUNDED

    # and: «Финансы» shows the balance risen by the refund, the operation «Возврат за товар»
    page.get_by_test_id("nav-finance").click()
    expect(page.get_by_test_id("finance-balance-amount")).to_have_text("4\u202f707,00\u00a0₽")
    # seed 004: «Баланс … всегда выводится в левом фрейме» — it rose there too
    expect(page.get_by_test_id("balance")).to_contain_text("4\u202f707,00\u00a0₽")
    operation = page.get_by_test_id("operation")
    expect(operation).to_have_count(1)
    expect(operation).to_contain_text(f"Возврат за товар — Возврат № {created.pk}")
    _both_widths(page, screenshot, "8-finance")
