"""In Chromium: the pages work under the Content-Security-Policy (mprating/core/csp.py) — the
cabinet's home, search, cart and orders, the partner area, the API's documentation, the back
office's home, a change list and a change form, a page of ours with a script (the revenue
period chooser): not one «Content Security Policy» message in the console, no script error,
and what the policy moved into static files still works (status colours, Alpine's menus)."""

import re

import pytest
from django.contrib.auth.models import Group

from mprating.accounts import roles
from mprating.accounts.models import User
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.catalog.tests.factories import make_offer, make_product
from mprating.orders.tests.factories import add_to_cart, place_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page) -> tuple[list[str], list[str]]:
    """(CSP violations, script errors) reported by the page from now on."""
    violations: list[str] = []
    errors: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")
        elif message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return violations, errors


def _open(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.wait_for_load_state("networkidle")


def _sign_in(page, live_server, email: str, login_path: str = "/accounts/login/") -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + login_path)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_cabinet_partner_area_api_docs_and_back_office_raise_no_csp_violation(
    live_server, page, screenshot
):
    # given: a client with a cart and an order, a ПВЗ owner, a manager
    client = make_client(email="anna@example.ru")
    product = make_product(article="0986452041", name="Фильтр масляный")
    add_to_cart(client, make_offer(product=product), 2)
    order = place_order(client)
    add_to_cart(client, make_offer(product=make_product(article="OC205")), 1)
    owner = User.objects.create_user(email="pvz-owner@example.ru", password=PASSWORD)
    owner.groups.add(Group.objects.get(name=roles.PICKUP_POINT_OWNER))
    make_staff(roles.MANAGER, email="manager@example.ru")
    violations, errors = _watch(page)

    # when: the client opens the cabinet, the search, the cart, the orders and the API's docs
    _sign_in(page, live_server, client.user.email)
    for path in ("/cabinet/", "/cabinet/catalog/search/?q=0986452041", "/cabinet/cart/"):
        _open(page, live_server.url + path)
    _open(page, f"{live_server.url}/cabinet/orders/")
    badge = page.locator("[data-testid=line-status]").first
    status_colour = badge.evaluate("element => element.dataset.colour")
    shown_colour = badge.evaluate("element => getComputedStyle(element).color")
    screenshot("cabinet-orders")
    _open(page, f"{live_server.url}/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    screenshot("api-docs")

    # the ПВЗ owner opens the partner area
    _sign_in(page, live_server, owner.email)
    _open(page, f"{live_server.url}/partner/")

    # the manager opens the back office: home, a change list, a change form, our revenue page
    _sign_in(page, live_server, "manager@example.ru", "/backoffice/login/")
    _open(page, f"{live_server.url}/backoffice/")
    screenshot("backoffice-home")
    _open(page, f"{live_server.url}/backoffice/orders/order/")
    _open(page, f"{live_server.url}/backoffice/orders/order/{order.pk}/change/")
    screenshot("backoffice-change-form")
    # Alpine.js runs (it needs 'unsafe-eval')
    alpine_ready = page.evaluate("typeof window.Alpine === 'object' && !!window.Alpine.version")
    _open(page, f"{live_server.url}/backoffice/billing/packagepurchase/revenue/")

    # then: nothing was refused, nothing broke, and the data colours are applied
    assert violations == []
    assert errors == []
    assert alpine_ready
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", status_colour)
    red, green, blue = (int(status_colour[i : i + 2], 16) for i in (1, 3, 5))
    assert shown_colour == f"rgb({red}, {green}, {blue})"


def test_the_policy_refuses_an_injected_inline_script_and_style(live_server, page):
    """The watch above can fail: an inline script or style put into a cabinet page is refused
    and reported; the same script in the back office is refused too (no 'unsafe-inline')."""
    client = make_client(email="anna@example.ru")
    make_staff(roles.MANAGER, email="manager@example.ru")
    violations, _ = _watch(page)
    inject = """() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.appendChild(script);
        const style = document.createElement('style');
        style.textContent = 'body { background: red }';
        document.head.appendChild(style);
        return [window.injected === true, getComputedStyle(document.body).backgroundColor];
    }"""

    _sign_in(page, live_server, client.user.email)
    _open(page, f"{live_server.url}/cabinet/cart/")
    ran, background = page.evaluate(inject)
    cabinet_violations = list(violations)
    _sign_in(page, live_server, "manager@example.ru", "/backoffice/login/")
    _open(page, f"{live_server.url}/backoffice/")
    violations.clear()
    ran_in_back_office, _ = page.evaluate(inject)

    assert not ran
    assert background != "rgb(255, 0, 0)"
    assert any("script-src" in text for text in cabinet_violations)
    assert any("style-src" in text for text in cabinet_violations)
    assert not ran_in_back_office
    assert any("script-src" in text for text in violations)
