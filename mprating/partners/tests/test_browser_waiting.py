"""In Chromium, «Ждут выдачи» without inline handlers: choosing a point in the list shows its
lines at once, and «Возврат» asks first — «Отмена» changes nothing, «OK» returns the line."""

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.orders.models import OrderLine
from mprating.partners.events import point_events_sync
from mprating.partners.tests.conftest import PASSWORD, _owned
from mprating.partners.tests.factories import arrive, line_to, msk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_point_list_and_the_return_question_work_without_inline_script(
    live_server, page, screenshot, owner, operator, at_point
):
    first = _owned(owner, operator, "ПВЗ «Профсоюзная»")
    second = _owned(owner, operator, "ПВЗ «Митино»")
    arrive(line_to(first, client=make_client(last_name="Морозова")), msk(2026, 10, 2, 10))
    line = arrive(line_to(second, client=make_client(last_name="Зайцева")), msk(2026, 10, 2, 11))
    point_events_sync()

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(owner.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/partner/")
    page.get_by_test_id("nav-waiting").click()
    page.get_by_text("Морозова").first.wait_for()

    # choosing a point sends the form by itself (no «Показать» button with scripts on)
    page.locator("#point-select").select_option(str(second.pk))
    page.wait_for_url(f"**/partner/waiting/?point={second.pk}")
    page.get_by_text("Зайцева").first.wait_for()
    assert page.get_by_text("Морозова").count() == 0

    # «Возврат» asks; «Отмена» keeps the line waiting
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_test_id("return").click()
    page.wait_for_timeout(300)
    assert questions and questions[0].startswith("Оформить возврат «")
    assert OrderLine.objects.select_related("status").get(pk=line.pk).status == at_point

    # «OK» returns it
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("return").click()
    page.get_by_test_id("no-waiting").wait_for()
    screenshot("after-return")
    assert OrderLine.objects.select_related("status").get(pk=line.pk).status.role == "refused"
