"""In Chromium: register → log in → edit personal information and markup → see it saved."""

import re
from decimal import Decimal

import pytest

from mprating.accounts.models import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def field(page, label: str):
    """The input labelled `label`; required fields carry a trailing « *»."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def test_register_log_in_and_edit_profile(live_server, page, screenshot):
    page.goto(f"{live_server.url}/accounts/register/")
    field(page, "Фамилия").fill("Кузнецова")
    field(page, "Имя").fill("Ирина")
    field(page, "Отчество").fill("Павловна")
    field(page, "E-mail").fill("irina@example.ru")
    field(page, "Телефон").fill("8 985 123-45-67")
    field(page, "Пароль").fill("Zapchasti-2026")
    field(page, "Пароль ещё раз").fill("Zapchasti-2026")
    page.get_by_label("Я даю согласие").check()
    screenshot("1-register")
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.wait_for_url("**/cabinet/orders/")

    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url("**/accounts/login/")
    field(page, "E-mail или телефон").fill("+7 985 1234567")
    field(page, "Пароль").fill("Zapchasti-2026")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/cabinet/orders/")
    assert page.get_by_test_id("balance").inner_text().endswith("0,00\u00a0₽")
    page.get_by_role("link", name="Личная информация").click()
    page.wait_for_url("**/cabinet/profile/")

    field(page, "Название компании").fill("ООО «Колесо»")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    page.get_by_test_id("personal-saved").wait_for()

    field(page, "Индивидуальная наценка, %").fill("150")
    page.get_by_role("button", name="Сохранить настройки").click()
    page.get_by_test_id("error-search-markup_percent").wait_for()
    screenshot("2-markup-error")

    field(page, "Индивидуальная наценка, %").fill("12,5")
    page.get_by_text("Схема №2").click()
    page.get_by_role("button", name="Сохранить настройки").click()
    page.get_by_test_id("search-saved").wait_for()

    page.reload()
    assert field(page, "Название компании").input_value() == "ООО «Колесо»"
    assert field(page, "Индивидуальная наценка, %").input_value() == "12,50"
    assert page.get_by_label(re.compile("Схема №2")).is_checked()
    screenshot("3-saved")

    client = Client.objects.select_related("user").get(user__email="irina@example.ru")
    assert client.company_name == "ООО «Колесо»"
    assert client.markup_percent == Decimal("12.50")
    assert client.cross_scheme == 2
