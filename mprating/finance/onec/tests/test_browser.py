"""In Chromium, at phone width: «Проверить подключение» and «Синхронизировать сейчас»."""

import re

import pytest

from mprating.accounts.tests.factories import PASSWORD
from mprating.finance.onec import services
from mprating.finance.onec.models import OneCClientState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


def test_check_and_sync_now_on_a_phone(
    live_server, page, screenshot, connection, history, settings
):
    # given: the superuser on a 390 px screen (the clock is real here: keep a long window)
    settings.FINANCE_ONEC_WINDOW_DAYS = 3650
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile(r"^E-mail или телефон")).fill("boss@example.ru")
    page.get_by_label(re.compile(r"^Пароль")).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{live_server.url}/backoffice/finance/onecconnection/")
    assert _no_sideways_scroll(page)

    # when: «Проверить подключение»
    page.get_by_test_id("onec-check").click()

    # then
    page.get_by_text("Подключение к 1С работает, всё нужное опубликовано.").first.wait_for()
    assert _no_sideways_scroll(page)
    screenshot("connection-checked")

    # when: «Синхронизировать сейчас» on the client's sync page
    state = OneCClientState.objects.create(client=history.client)
    page.goto(f"{live_server.url}/backoffice/finance/onecclientstate/{state.pk}/change/")
    page.get_by_test_id("onec-sync-now").click()

    # then: queued (the test task backend runs it at once) and the movements are there
    page.get_by_text("Синхронизация с 1С поставлена в очередь").first.wait_for()
    page.reload()
    page.get_by_text("Реализация товаров и услуг № ТД00-000101 от 10.01.2026").wait_for()
    assert _no_sideways_scroll(page)
    screenshot("sync-state")
    assert services.sync_is_stale(OneCClientState.objects.get(pk=state.pk)) is False
