"""In Chromium: a client adds a car through the dependent selects, its VIN is not found, the
search continues by make, a VIN request is made; a manager answers a row and writes in the chat;
the client sees the answer, puts it in the cart and replies."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mprating.accounts import roles
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.cart.models import CartLine
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.garage import services
from mprating.garage.models import ChatMessage, Vehicle, VinRequest
from mprating.garage.tests.vin_factories import reference

# serialized_rollback: roles and the vehicle reference made by data migrations survive the flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
UAZ_VIN = "XTT316306J1234567"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def log_in(page, live_server, email: str, landing: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill(email)
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(landing)


def staff_shot(staff, request, name: str) -> None:
    """Screenshot of the manager's page, next to the client's ones."""
    ARTIFACTS.mkdir(exist_ok=True)
    staff.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)


def choose(page, label: str, option: str, next_select: str | None) -> None:
    field(page, label).select_option(label=option)
    if next_select:
        # a locator, not wait_for_function: the CSP refuses the string Playwright would evaluate
        page.locator(f"{next_select} option").nth(1).wait_for(state="attached")


def test_garage_vin_request_answer_cart_and_chat(live_server, page, chromium, screenshot, request):
    # given the reference has УАЗ Patriot, a manager, the managers' address, a catalog product
    mods = reference(
        "УАЗ", "Patriot", ("I рестайлинг", 2014, None), (("2.7 MT 135 л.с. 4WD", "ЗМЗ-409", 135),)
    )
    generation = mods[0].generation
    client = make_client(email="garage@example.ru")
    manager = make_staff(roles.MANAGER, email="vin-manager@example.ru")
    services.vin_settings_update(manager_emails="vin@shop.ru", by=manager)
    services.original_catalog_link_save(
        link_id=None, make_name="УАЗ", title="Каталог УАЗ", url="https://www.uaz.ru/"
    )
    product = make_product("MANN-FILTER", "WK 853/3 X", "Фильтр топливный")
    make_offer(product, make_warehouse(name="Склад Москва"), price="1250.00", quantity=7)

    # when the client adds a car select by select
    log_in(page, live_server, client.user.email, "**/cabinet/**")
    page.goto(f"{live_server.url}/cabinet/garage/")
    page.get_by_test_id("no-vehicles").wait_for()
    page.get_by_test_id("add-vehicle").click()
    choose(page, "Марка", "УАЗ", "#id_model")
    choose(page, "Модель", "Patriot", "#id_generation")
    choose(page, "Поколение", f"I рестайлинг ({generation.years})", "#id_modification")
    choose(page, "Модификация", "2.7 MT 135 л.с. 4WD", None)
    page.locator("#id_year option").nth(1).wait_for(state="attached")
    choose(page, "Год выпуска", "2018", None)
    field(page, "Мощность двигателя, л.с.").fill("135")
    field(page, "VIN или номер кузова").fill(UAZ_VIN.lower())
    field(page, "Комментарий").fill("Дача, рыбалка")
    screenshot("1-add-vehicle")
    page.get_by_role("button", name="Добавить автомобиль").click()

    # then the car is in the garage under its generated name
    page.get_by_test_id("vehicles").wait_for()
    assert page.get_by_test_id("vehicle-name").inner_text() == "УАЗ Patriot I рестайлинг"
    vehicle = Vehicle.objects.get(client=client)
    assert vehicle.vin_or_frame == UAZ_VIN
    screenshot("2-garage")

    # when «Оригинальный каталог» is pressed: the VIN is not found
    page.get_by_role("link", name="Оригинальный каталог").click()
    window = page.get_by_test_id("vin-not-found")
    window.wait_for()
    assert "VIN не найден" in window.inner_text()
    assert page.get_by_test_id("special-catalogs").get_by_role("link").inner_text() == "Каталог УАЗ"
    screenshot("3-vin-not-found")

    # and the search continues by make, model and modification, pre-filled
    page.get_by_test_id("continue-by-make").click()
    page.wait_for_url("**/cabinet/catalog/selection/**")
    assert f"modification={mods[0].pk}" in page.url
    assert page.locator("#sel-make option:checked").inner_text() == "УАЗ"
    screenshot("4-selection-prefilled")

    # when the client makes a VIN request with two rows
    page.goto(f"{live_server.url}/cabinet/garage/")
    page.get_by_role("link", name="VIN-запрос", exact=True).click()
    rows = page.get_by_test_id("part-row")
    rows.nth(0).get_by_label("Наименование детали").fill("фильтр топливный")
    rows.nth(0).get_by_label("Примечание").fill("тонкой очистки")
    page.get_by_role("button", name="Добавить деталь").click()
    expect(page.get_by_test_id("part-row")).to_have_count(2)
    rows.nth(1).get_by_label("Наименование детали").fill("сальник хвостовика моста")
    rows.nth(1).get_by_label("Количество").fill("2")
    page.get_by_label("Комментарий").fill("Можно аналоги")
    screenshot("5-request-form")
    page.get_by_role("button", name="Создать VIN-запрос").click()

    # then it is numbered, sent to the managers and waits for them
    page.get_by_test_id("vin-requests").wait_for()
    vin_request = VinRequest.objects.get(client=client)
    assert page.get_by_test_id("status").inner_text() == "Ожидает обработки"
    assert page.get_by_test_id("lines-count").inner_text() == "2"
    assert page.get_by_test_id("answered-count").inner_text() == "0"
    screenshot("6-requests")

    # when a manager answers the first row with a catalog product and writes in the chat
    first_line = vin_request.lines.first()
    services.vin_request_status_set(
        request_id=vin_request.pk, status=VinRequest.Status.IN_PROGRESS, by=manager
    )
    services.vin_answer_add(line_id=first_line.pk, by=manager, product_id=product.pk)
    services.vin_answer_add(
        line_id=vin_request.lines.last().pk, by=manager, brand_name="УАЗ", article="3160-2402052"
    )
    staff_context = chromium.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    staff.set_default_timeout(10_000)
    log_in(staff, live_server, manager.email, "**/backoffice/**")
    staff.goto(f"{live_server.url}/backoffice/garage/vinrequest/")
    staff.get_by_text(f"№ {vin_request.pk}").first.wait_for()
    staff_shot(staff, request, "7-backoffice-list-staff")
    staff.goto(f"{live_server.url}/backoffice/garage/vinrequest/{vin_request.pk}/change/")
    staff.get_by_text("Ответы менеджера").first.wait_for()
    staff_shot(staff, request, "8-backoffice-request")
    staff.goto(f"{live_server.url}/backoffice/garage/vinrequest/{vin_request.pk}/chat/")
    staff.get_by_label(re.compile("Сообщение")).fill(
        "Фильтр есть на складе. Сальник — оригинал УАЗ."
    )
    staff.get_by_role("button", name="Отправить клиенту").click()
    staff.get_by_test_id("chat-message").first.wait_for()
    staff_shot(staff, request, "9-backoffice-chat")

    # then the client sees the answers and the unread message, and puts the filter in the cart
    page.reload()
    assert page.get_by_test_id("answered-count").inner_text() == "2"
    assert page.get_by_test_id("unread").inner_text() == "1"
    assert "WK 853/3 X" in page.get_by_test_id("vin-request").inner_text()
    page.get_by_test_id("answer-to-cart").click()
    page.get_by_test_id("cart-result").wait_for()
    assert "В корзине: 1 шт." in page.get_by_test_id("cart-result").inner_text()
    assert CartLine.objects.get(client=client).offer.product == product
    screenshot("10-answer-in-cart")
    page.get_by_test_id("toggle-collapse").click()
    assert not page.get_by_test_id("request-line").first.is_visible()
    screenshot("11-collapsed")
    page.get_by_test_id("toggle-collapse").click()

    # and replies in the chat; the manager's page shows it without a reload
    page.get_by_test_id("open-chat").click()
    page.get_by_test_id("chat-message").first.wait_for()
    assert "Сальник — оригинал УАЗ." in page.get_by_test_id("chat-messages").inner_text()
    field(page, "Сообщение").fill("Спасибо! <b>Беру</b> оба.")
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_test_id("chat-message")).to_have_count(2)
    assert "<b>Беру</b>" in page.get_by_test_id("chat-messages").inner_text()
    screenshot("12-client-chat")
    staff.wait_for_function(
        "document.querySelectorAll('[data-testid=chat-message]').length === 2", timeout=10_000
    )
    assert ChatMessage.objects.filter(request=vin_request).count() == 2
    # each page posted that it showed the other side's message (opening a page changes
    # nothing): the manager's answer is read by the client, the reply by the manager
    unread = ChatMessage.objects.filter(request=vin_request, read_at__isnull=True)
    for _ in range(40):
        if not unread.exists():
            break
        staff.wait_for_timeout(250)
    assert not unread.exists()
    staff_context.close()


def test_manager_confirms_a_status_on_a_phone(live_server, chromium, request):
    # given a waiting VIN request and a manager on a phone-width screen
    from mprating.garage.tests.vin_factories import make_vin_request

    reference()
    vin_request = make_vin_request(make_client(email="vin-client@example.ru"))
    manager = make_staff(roles.MANAGER, email="vin-manager2@example.ru")
    context = chromium.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    staff = context.new_page()
    staff.set_default_timeout(10_000)
    log_in(staff, live_server, manager.email, "**/backoffice/**")
    change_url = f"{live_server.url}/backoffice/garage/vinrequest/{vin_request.pk}/change/"

    # when the manager opens the «Принят» action of the request
    staff.goto(f"{live_server.url}/backoffice/garage/vinrequest/{vin_request.pk}/accept/")

    # then a confirmation page is shown, nothing changed yet, and it fits the screen
    staff.get_by_test_id("confirm-action").wait_for()
    text = staff.get_by_test_id("confirm-action").inner_text()
    assert f"VIN-запрос № {vin_request.pk}: статус «Принят»" in text
    assert staff.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    vin_request.refresh_from_db()
    assert vin_request.status == VinRequest.Status.PENDING
    staff_shot(staff, request, "1-confirm-status")

    # when the manager confirms
    staff.get_by_role("button", name="Поставить «Принят»").click()
    staff.wait_for_url(change_url)

    # then the status is set and the page says so
    assert "Статус «Принят» выставлен: 1." in staff.content()
    vin_request.refresh_from_db()
    assert vin_request.status == VinRequest.Status.ACCEPTED
    staff_shot(staff, request, "2-status-set")
    context.close()
