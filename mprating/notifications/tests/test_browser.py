"""In Chromium: the client opens «Уведомления», switches a status off, keeps only «Отказ» and
«Отгружен»; the status e-mail itself is looked at too."""

import re

import pytest
from django.core import mail

from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.notifications import selectors
from mprating.notifications.tests.helpers import line_ids, order_with_lines, status
from mprating.orders.services import line_status_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def enabled_names(customer) -> list[str]:
    return [s.name for s in selectors.preferences_for_client(client=customer) if s.email_enabled]


def test_switch_off_and_keep_only_refused_and_shipped(live_server, page, screenshot):
    customer = make_client(email="uvedomleniya@example.ru", first_name="Ольга")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label(re.compile(r"^E-mail или телефон")).fill("uvedomleniya@example.ru")
    page.get_by_label(re.compile(r"^Пароль")).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto(live_server.url + "/cabinet/notifications/")
    screenshot("all-on")

    # a switch saves at once (htmx)
    page.get_by_role("switch", name="Письмо о статусе «Принят»").uncheck(force=True)
    page.get_by_test_id("prefs-saved").filter(has_text="Сохранено").wait_for()
    assert "Принят" not in enabled_names(customer)

    # the button keeps only the two key statuses
    page.get_by_test_id("keep-key").click()
    page.get_by_text("Письма включены для статусов: 2").wait_for()
    assert enabled_names(customer) == ["Отгружен", "Отказ"]
    assert page.get_by_role("switch", name="Письмо о статусе «Собран»").is_checked() is False
    assert page.get_by_role("switch", name="Письмо о статусе «Отказ»").is_checked() is True
    screenshot("key-only")


def test_the_status_email_looks_right(page, screenshot, django_capture_on_commit_callbacks):
    order = order_with_lines(make_client(email="pismo@example.ru", first_name="Мария"))
    with django_capture_on_commit_callbacks(execute=True):
        line_status_set(line_ids=line_ids(order), status_id=status("Отгружен").pk, actor=None)
    html, _ = mail.outbox[0].alternatives[0]
    page.set_content(html)
    assert page.get_by_text("Амортизатор передний").is_visible()
    screenshot("email")
