"""In Chromium: the back office wears the store's colours and icon; no page logs an error
to the console (the favicon among them); at phone width unfold's stacked cards show whole cells
with column names in sentence case."""

import pytest

from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.catalog.tests.factories import make_offer, make_product
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CABINET_BLUE = "rgb(29, 78, 216)"  # #1d4ed8, --primary of static/css/app.css


def _watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and errors.append(f"{response.status} {response.url}")
        ),
    )
    return errors


def _sign_in_to_back_office(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/backoffice/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/backoffice/")


def test_back_office_and_cabinet_homes_log_no_console_error(live_server, page, screenshot):
    make_staff(superuser=True, email="root@example.ru")
    client = make_client(email="anna@example.ru")
    errors = _watch_errors(page)

    _sign_in_to_back_office(page, live_server, "root@example.ru")
    page.wait_for_load_state("networkidle")
    screenshot("backoffice-home")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", client.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{live_server.url}/cabinet/")
    page.wait_for_load_state("networkidle")
    # one font with the back office: the cabinet loads the same self-hosted Inter
    cabinet_font_loaded = page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts].some("
        "f => f.family.replace(/\"/g, '') === 'Inter' && f.status === 'loaded'))"
    )
    favicon = page.request.get(f"{live_server.url}/favicon.ico")

    assert errors == []
    assert cabinet_font_loaded
    assert favicon.ok
    assert favicon.headers["content-type"].startswith("image/svg+xml")


def test_back_office_wears_the_cabinets_blue_font_and_icon(live_server, page, screenshot):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/backoffice/login/")
    page.wait_for_load_state("networkidle")
    button = page.locator("button[type=submit]")

    background = button.evaluate("element => getComputedStyle(element).backgroundColor")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    screenshot("login")

    assert background == CABINET_BLUE
    assert font.startswith(("Inter", '"Inter"'))  # the cabinet's first choice (app.css) too
    assert icon.endswith("img/favicon.svg")
    # fonts, styles and scripts come from the app itself, never from a CDN
    assert [url for url in requested if not url.startswith(live_server.url)] == []


def test_phone_cards_show_whole_cells_and_sentence_case_names(live_server, page, screenshot):
    make_staff(superuser=True, email="root@example.ru")
    client = make_client(email="anna@example.ru")
    for article in ["0986452041", "OC205", "25462", "0986452770", "OP742"]:
        product = make_product(article=article, name="Фильтр масляный двигателя")
        add_to_cart(client, make_offer(product=product), 1)
    order = place_order(client, comment="Позвонить за час до приезда, домофон не работает")
    _sign_in_to_back_office(page, live_server, "root@example.ru")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/backoffice/orders/order/")
    row = page.locator("#result_list tbody tr").first
    row.wait_for()
    cells = row.evaluate(
        """row => [...row.querySelectorAll('[data-label]')].map(cell => ({
            label: cell.dataset.label,
            clipped: cell.scrollHeight > cell.clientHeight + 1,
            transform: getComputedStyle(cell, '::before').textTransform,
            first: getComputedStyle(cell, '::first-letter').textTransform,
            height: cell.getBoundingClientRect().height,
        }))"""
    )
    composition = next(cell for cell in cells if cell["label"] == "артикул и состав")
    screenshot("orders-390")

    assert order.number in row.inner_text()
    assert [cell["label"] for cell in cells if cell["clipped"]] == []
    # Django's column names are lower case: the first letter is raised, the rest kept
    assert {cell["transform"] for cell in cells} == {"none"}
    assert {cell["first"] for cell in cells} == {"uppercase"}
    assert composition["height"] > 100  # five lines, not unfold's fixed 45 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
