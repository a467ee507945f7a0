"""Back office «Аккаунты»: the list, filters, search, export, the write-only password, «Войти
вручную» and «Освободить» through the pages, roles, and the password never leaking."""

import logging
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from mprating.marketplaces import services
from mprating.marketplaces.models import AccountHistory, AccountStatus, MarketplaceAccount
from mprating.marketplaces.tests.factories import (
    make_account,
    make_manager,
    make_operator,
    marketplace_lines,
)

pytestmark = pytest.mark.django_db

LIST = "/backoffice/marketplaces/marketplaceaccount/"
PLAIN = "Совсем-Секретно-777"


def page(account, suffix="change/") -> str:
    return f"{LIST}{account.pk}/{suffix}"


@pytest.fixture
def operator():
    return make_operator("operator@example.ru")


@pytest.fixture
def browser(client, operator):
    client.force_login(operator)
    return client


def _secret_nowhere(html: str, account: MarketplaceAccount) -> None:
    assert PLAIN not in html
    assert account.secret_token not in html


# ---- the list -----------------------------------------------------------------------------


def test_the_list_shows_the_columns_and_never_the_password(browser):
    account = make_account("ozon", name="OZ-Пушкино", login="+7 916 555-00-11", secret=PLAIN)

    html = browser.get(LIST).content.decode()

    assert "OZ-Пушкино" in html and "+79165550011" in html and "Активен" in html
    _secret_nowhere(html, account)


def test_the_list_runs_the_same_queries_for_5_and_50_accounts(browser):
    operator = make_operator()
    counts = []
    for rows in (5, 45):
        accounts = [make_account(days=10 + i) for i in range(rows)]
        for account in accounts[::3]:
            services.account_take(account_id=account.pk, actor=operator)
        browser.get(LIST)
        with CaptureQueriesContext(connection) as ctx:
            assert browser.get(f"{LIST}?o=4").status_code == 200
        counts.append(len(ctx.captured_queries))

    # session, user, permissions, the count, the page with statuses, holders and «выкупы»,
    # the sidebar's badge of «Отказы на рассмотрении»
    assert counts[0] == counts[1] <= 7, counts


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=active", {"active", "soon"}),
        ("status=inactive", {"off", "ended"}),
        ("status=busy", {"busy"}),
        ("service=soon", {"soon", "busy"}),
        ("service=ended", {"ended"}),
        ("marketplace__exact=wildberries", {"busy", "ended"}),
        ("q=soon%40", {"soon"}),
    ],
)
def test_filters_on_the_computed_status_and_search(browser, query, expected):
    make_account("ozon", name="active", login="active@example.ru", days=100)
    make_account("ozon", name="soon", login="soon@example.ru", days=3)
    off = make_account("ozon", name="off", login="off@example.ru")
    services.account_deactivate(account_id=off.pk, actor=None, reason="Бан")
    busy = make_account("wildberries", name="busy", login="busy@example.ru", days=10)
    services.account_take(account_id=busy.pk, actor=make_operator())
    ended = make_account("wildberries", name="ended", login="ended@example.ru")
    MarketplaceAccount.objects.filter(pk=ended.pk).update(
        service_until=timezone.localdate() - timedelta(days=1)
    )

    response = browser.get(f"{LIST}?{query}")

    names = {account.name for account in response.context["cl"].result_list}
    assert names == expected


def test_sorting_by_status_uses_the_computed_status(browser):
    make_account(name="b-active")
    ended = make_account(name="a-ended")
    MarketplaceAccount.objects.filter(pk=ended.pk).update(
        service_until=timezone.localdate() - timedelta(days=3)
    )

    response = browser.get(f"{LIST}?o=4")

    assert [a.effective_status for a in response.context["cl"].result_list] == [
        "active",
        "inactive",
    ]


def test_export_has_no_password_column_and_no_password(browser):
    account = make_account("wildberries", name="WB-экспорт", secret=PLAIN)

    response = browser.post(
        LIST, {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [account.pk], "index": 0}
    )

    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["Маркетплейс", "Название", "Логин", "Статус"]
    assert not any("арол" in str(header) for header in rows[0])
    assert rows[1][1] == "WB-экспорт" and rows[1][3] == "Активен"
    flat = " ".join(str(cell) for row in rows for cell in row)
    assert PLAIN not in flat and account.secret_token not in flat


# ---- the form: the password is write-only ---------------------------------------------------


def _form(**fields):
    data = {
        "marketplace": "ozon",
        "name": "OZ-новый",
        "login": "new@example.ru",
        "secret": PLAIN,
        "service_until": (timezone.localdate() + timedelta(days=60)).strftime("%d.%m.%Y"),
        "notes": "",
        "_save": "Сохранить",
    }
    data.update(fields)
    # the inlines of the page are read-only but their management forms are posted
    for prefix in ("buyouts", "history"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_adding_through_the_form_encrypts_and_records(browser, operator):
    response = browser.post(f"{LIST}add/", _form())

    assert response.status_code == 302, response.content.decode()[:2000]
    account = MarketplaceAccount.objects.get()
    assert PLAIN not in account.secret_token
    assert account.history.get().changed_by == operator
    assert services.account_take(account_id=account.pk, actor=operator).secret.reveal() == PLAIN


def test_a_bad_login_is_shown_at_the_field_and_nothing_is_saved(browser):
    response = browser.post(f"{LIST}add/", _form(login="кто-то"))

    assert response.status_code == 200
    assert "Логин — телефон" in response.content.decode()
    assert not MarketplaceAccount.objects.exists()


def test_the_change_form_never_shows_the_password_and_empty_keeps_it(browser):
    account = make_account("ozon", secret=PLAIN)

    html = browser.get(page(account)).content.decode()
    _secret_nowhere(html, account)
    assert "Оставьте пустым, чтобы не менять" in html
    assert 'name="secret"' in html and 'type="password"' in html

    response = browser.post(
        page(account),
        _form(name="OZ-переименован", login=account.login, secret=""),
    )
    assert response.status_code == 302
    assert MarketplaceAccount.objects.get().secret_token == account.secret_token


def test_the_account_page_shows_status_service_life_buyouts_and_history(browser, operator):
    account = make_account("ozon", name="OZ-страница", days=20)
    [line] = marketplace_lines(marketplace="ozon")
    services.buyout_create(
        line_id=line.pk,
        account_id=account.pk,
        marketplace_order_number="77001",
        amount="900",
        pickup_point_id=line.order.pickup_point_id,
        actor=operator,
    )

    html = browser.get(page(account)).content.decode()

    assert "Через 21 день учётная запись перейдёт" in html
    assert "Есть выкупы: 1" in html and "?account__id__exact=" in html
    assert "77001" in html  # the inline of the account's buyouts
    assert "История аккаунта" in html and "Добавлен" in html
    assert "Войти вручную" in html and "Сделать неактивным" in html


# ---- «Войти вручную» and «Освободить» through the pages -----------------------------------------


def test_get_of_take_only_asks_and_changes_nothing(browser):
    account = make_account(secret=PLAIN)

    response = browser.get(page(account, "take/"))

    assert response.status_code == 200
    assert "Взять аккаунт и показать пароль" in response.content.decode()
    _secret_nowhere(response.content.decode(), account)
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


def test_take_shows_the_password_once_uncached_and_nowhere_else(browser, operator):
    account = make_account("ozon", secret=PLAIN)

    response = browser.post(page(account, "take/"), {"confirm": "yes"})

    html = response.content.decode()
    assert response.status_code == 200
    assert PLAIN in html and account.login in html
    assert "no-store" in response["Cache-Control"]
    assert "https://www.ozon.ru" in html
    # not kept anywhere to be shown again
    session = dict(browser.session.items())
    assert PLAIN not in repr(session)
    for url in (page(account), page(account, "take/"), LIST, f"{LIST}{account.pk}/history/"):
        _secret_nowhere(browser.get(url).content.decode(), account)
    account.refresh_from_db()
    assert account.status == AccountStatus.BUSY and account.taken_by == operator


def test_a_second_operator_gets_the_russian_message_not_the_password(browser, operator):
    account = make_account(secret=PLAIN)
    services.account_take(account_id=account.pk, actor=make_operator("first@example.ru"))

    response = browser.post(page(account, "take/"), {"confirm": "yes"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "уже занят" in html and "first@example.ru" in html
    assert PLAIN not in html


def test_release_through_the_confirmation_page(browser, operator):
    account = make_account()
    services.account_take(account_id=account.pk, actor=operator)

    assert "Освободить" in browser.get(page(account, "release/")).content.decode()
    response = browser.post(page(account, "release/"), {"confirm": "yes"})

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert account.history.filter(event=AccountHistory.Event.RELEASED).exists()


def test_deactivate_needs_the_reason_on_the_page(browser):
    account = make_account()

    response = browser.post(page(account, "deactivate/"), {"confirm": "yes", "reason": ""})
    assert "Укажите причину" in response.content.decode()
    browser.post(page(account, "deactivate/"), {"confirm": "yes", "reason": "Бан"})

    account.refresh_from_db()
    assert account.status == AccountStatus.INACTIVE


def test_a_manager_sees_accounts_but_cannot_change_or_take_them(client):
    client.force_login(make_manager())
    account = make_account(secret=PLAIN)

    html = client.get(page(account)).content.decode()
    assert client.get(LIST).status_code == 200
    assert "Войти вручную" not in html and 'name="secret"' not in html
    assert client.post(page(account, "take/"), {"confirm": "yes"}).status_code == 403
    assert client.post(f"{LIST}add/", _form()).status_code == 403
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE


# ---- the password never leaks: logs and error pages ------------------------------------------


def test_the_password_is_not_in_the_logs_even_with_sql_logging(browser, caplog, settings):
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")

    browser.post(f"{LIST}add/", _form())
    account = MarketplaceAccount.objects.get()
    browser.post(page(account, "take/"), {"confirm": "yes"})
    browser.post(page(account, "release/"), {"confirm": "yes"})
    browser.post(f"{LIST}add/", _form(login="bad login"))

    assert "django.db.backends" in {record.name for record in caplog.records}
    assert PLAIN not in caplog.text


def test_a_crash_while_saving_shows_no_password_on_the_error_page_or_report(
    operator, monkeypatch, settings, mailoutbox
):
    settings.DEBUG = False
    settings.ADMINS = [("Admin", "admin@example.ru")]
    browser = Browser(raise_request_exception=False)
    browser.force_login(operator)

    def broken(*args, **kwargs):
        raise RuntimeError("history is down")

    monkeypatch.setattr("mprating.marketplaces.services.accounts.history_record", broken)
    response = browser.post(f"{LIST}add/", _form())

    assert response.status_code == 500
    assert PLAIN not in response.content.decode()
    assert mailoutbox and "history is down" in mailoutbox[-1].body
    assert PLAIN not in mailoutbox[-1].body
    assert all(PLAIN not in str(content) for content, _ in mailoutbox[-1].alternatives)
    from django.views.debug import ExceptionReporter

    # the report a maintainer would get (e-mail to ADMINS, logs): POST and locals cleansed
    request = response.wsgi_request
    try:
        services.account_create(
            marketplace="ozon",
            name="X",
            login="x@example.ru",
            secret=PLAIN,
            service_until=timezone.localdate(),
            actor=operator,
        )
    except RuntimeError:
        import sys

        report = ExceptionReporter(request, *sys.exc_info())
        assert PLAIN not in report.get_traceback_text()
        assert PLAIN not in report.get_traceback_html()


def test_a_crash_while_showing_the_password_leaks_it_nowhere(
    operator, monkeypatch, settings, mailoutbox
):
    settings.DEBUG = False
    settings.ADMINS = [("Admin", "admin@example.ru")]
    browser = Browser(raise_request_exception=False)
    browser.force_login(operator)
    account = make_account(secret=PLAIN)
    from mprating.marketplaces.admin import account_take as admin_module

    real = admin_module.add_never_cache_headers

    def broken(response):
        real(response)
        raise RuntimeError("boom")

    monkeypatch.setattr(admin_module, "add_never_cache_headers", broken)
    response = browser.post(page(account, "take/"), {"confirm": "yes"})

    assert response.status_code == 500
    assert PLAIN not in response.content.decode()
    # the error report e-mailed to ADMINS (traceback with the frames' variables)
    assert mailoutbox, "Django e-mails a 500 to ADMINS"
    report = mailoutbox[-1]
    assert "boom" in report.body
    assert PLAIN not in report.body
    assert all(PLAIN not in str(content) for content, _ in report.alternatives)
