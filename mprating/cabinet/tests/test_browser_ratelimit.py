"""In Chromium: a chat message over the rate limit (htmx) shows the Russian notice above the
page and leaves the chat as it was (mprating/core/ratelimits.py, cabinet/_rate_limited.html)."""

import pytest

from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.garage.models import ChatMessage
from mprating.garage.tests.vin_factories import clear_reference, make_vin_request, reference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chat_over_the_limit_shows_a_russian_notice_and_keeps_the_chat(
    live_server, page, settings, screenshot
):
    settings.RATELIMIT_CHAT = "1/m"
    clear_reference()
    reference()
    owner = make_client(email="anna@example.ru")
    vin_request = make_vin_request(owner)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", owner.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/cabinet/**")
    page.goto(f"{live_server.url}/cabinet/garage/requests/{vin_request.pk}/chat/")

    page.locator("textarea[name=text]").fill("Какой объём масла?")
    page.get_by_role("button", name="Отправить").click()
    page.get_by_text("Какой объём масла?").wait_for()
    page.locator("textarea[name=text]").fill("А фильтр?")
    page.get_by_role("button", name="Отправить").click()
    notice = page.get_by_test_id("rate-limited")
    notice.wait_for()
    screenshot("chat-rate-limited")

    assert "Слишком много запросов за короткое время" in notice.inner_text()
    assert "повторите через" in notice.inner_text()
    # the chat box is still there, with the typed text kept for a later try
    assert page.locator("textarea[name=text]").input_value() == "А фильтр?"
    assert list(ChatMessage.objects.values_list("text", flat=True)) == ["Какой объём масла?"]
    assert errors == []
