"""In Chromium at phone width (390 px): create an API token in «Личная информация», see it once
and copy it, revoke it after confirming — without sideways scroll."""

import re

import pytest

from mprating.accounts import services
from mprating.accounts.models import ApiToken
from mprating.accounts.tests.factories import PASSWORD, make_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def test_create_copy_and_revoke_a_token_on_a_phone(live_server, page, screenshot):
    account = make_client(email="phone@example.ru")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "E-mail или телефон").fill("phone@example.ru")
    field(page, "Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/cabinet/**")
    page.goto(f"{live_server.url}/cabinet/profile/#api-tokens")

    field(page, "Название").fill("Учёт на складе")
    field(page, "Срок действия").select_option(label="30 дней")
    field(page, "Текущий пароль").fill("неверный")
    page.get_by_role("button", name="Создать токен").click()
    page.get_by_test_id("error-password").wait_for()
    assert not ApiToken.objects.exists()

    field(page, "Текущий пароль").fill(PASSWORD)
    page.get_by_role("button", name="Создать токен").click()
    page.get_by_test_id("issued-token").wait_for()
    plain = page.get_by_test_id("issued-token-value").input_value()
    assert re.fullmatch(r"mpr_[a-z0-9]{8}_\S{43,}", plain)
    assert page.get_by_test_id("issued-token-value").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot("1-token-shown")
    page.get_by_role("button", name="Скопировать").click()
    assert page.evaluate("document.activeElement.id") == "issued-token-value"
    token = services.api_token_authenticate(plain=plain, ip="127.0.0.1")
    assert token is not None and token.client_id == account.pk

    page.reload()
    assert plain not in page.content()
    assert page.get_by_test_id("api-token-row").count() == 1
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot("2-list")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("revoke").click()
    page.get_by_test_id("token-revoked").wait_for()
    assert page.get_by_test_id("api-token-row").count() == 0
    assert services.api_token_authenticate(plain=plain, ip="127.0.0.1") is None
