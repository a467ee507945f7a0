"""In Chromium at phone width: a ПВЗ owner signs in and opens the cabinet and the back office;
both tell them in Russian why not, on the site's page, without sideways scrolling."""

import re

import pytest
from django.contrib.auth.models import Group

from mprating.accounts import roles
from mprating.accounts.models import User
from mprating.accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_pickup_point_owner_is_turned_away_in_russian(live_server, page, screenshot):
    owner = User.objects.create_user(email="pvz-owner@example.ru", password=PASSWORD)
    owner.groups.add(Group.objects.get(name=roles.PICKUP_POINT_OWNER))
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile(r"^E-mail или телефон")).fill("pvz-owner@example.ru")
    page.get_by_label(re.compile(r"^Пароль")).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    # a ПВЗ owner lands in the partner area (seed 000 «Подключенные ПВЗ»)
    page.wait_for_url(f"{live_server.url}/partner/")

    response = page.goto(f"{live_server.url}/cabinet/")
    assert response.status == 403
    assert page.get_by_role("heading", name="Доступ запрещён").is_visible()
    assert page.get_by_test_id("error-reason").inner_text() == (
        "Личный кабинет доступен только клиентам магазина."
    )
    assert _no_sideways_scroll(page)
    screenshot("cabinet-403")

    response = page.goto(f"{live_server.url}/backoffice/")
    assert response.status == 403
    assert "рабочее место сотрудников магазина" in page.get_by_test_id("error-reason").inner_text()
    assert page.get_by_role("link", name="На главную").is_visible()
    assert _no_sideways_scroll(page)
    screenshot("backoffice-403")

    response = page.goto(f"{live_server.url}/cabinet/no-such-section/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Страница не найдена").is_visible()
    assert _no_sideways_scroll(page)
