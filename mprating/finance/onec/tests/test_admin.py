"""Back office: connection settings with «Проверить подключение», links, sync state."""

import logging
from decimal import Decimal

import pytest
from django.urls import reverse

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.finance.onec import services
from mprating.finance.onec.models import (
    OneCChange,
    OneCClientState,
    OneCConnection,
    OneCCounterpartyLink,
)
from mprating.finance.onec.tests.fake_onec import PASSWORD, USER

pytestmark = pytest.mark.django_db

CHANGE = "admin:finance_onecconnection_change"


@pytest.fixture
def boss(client, admin_user):
    client.force_login(admin_user)
    return client


def _form(connection, **overrides):
    data = {
        "base_url": connection.base_url,
        "username": USER,
        "password": "",
        "timeout_seconds": "",
        "mapping_text": "",
    }
    return {**data, **overrides}


def test_the_settings_open_from_the_list_and_never_show_the_password(boss, connection):
    # when
    page = boss.get(reverse("admin:finance_onecconnection_changelist"), follow=True)

    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert "задан (хранится зашифрованным)" in html
    assert PASSWORD not in html
    assert connection.password_encrypted not in html
    assert "Catalog_КлючиАналитикиУчетаПоПартнерам" in html  # the mapping, Cyrillic as is
    assert "\\u041a" not in html


def test_saving_keeps_the_password_when_left_empty_and_writes_history(boss, connection):
    stored = OneCConnection.objects.get().password_encrypted

    response = boss.post(
        reverse(CHANGE, args=[1]), _form(connection, timeout_seconds="120", password="")
    )

    assert response.status_code == 302
    row = OneCConnection.objects.get()
    assert row.password_encrypted == stored
    assert row.timeout_seconds == 120
    assert OneCChange.objects.filter(action="connection", comment="таймаут: 120").exists()


def test_a_new_password_is_stored_encrypted_and_not_in_the_history(boss, connection):
    boss.post(reverse(CHANGE, args=[1]), _form(connection, password="Новый-пароль-1С"))

    row = OneCConnection.objects.get()
    assert "Новый-пароль-1С" not in row.password_encrypted
    assert services.odata_client(row)._headers["Authorization"] != ""
    history = " ".join(OneCChange.objects.values_list("comment", flat=True))
    assert "пароль изменён" in history
    assert "Новый-пароль-1С" not in history


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("base_url", "https://user:secret@1c.example.ru/trade", "Не указывайте логин и пароль"),
        ("mapping_text", '{"register": "Расчеты с клиентами"}', "не имя 1С"),
        ("timeout_seconds", "1", "больше либо равно 5"),
    ],
)
def test_bad_settings_are_refused_with_a_russian_message(boss, connection, field, value, message):
    before = OneCConnection.objects.get()

    response = boss.post(reverse(CHANGE, args=[1]), _form(connection, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    after = OneCConnection.objects.get()
    assert (after.base_url, after.mapping) == (before.base_url, before.mapping)


def test_check_connection_button_reports_a_missing_field(boss, connection, admin_user):
    # given: the mapping names a register field 1С does not have
    services.connection_update(
        base_url=connection.base_url,
        username=USER,
        password=None,
        timeout_seconds=None,
        mapping={"register_amount": "СуммаВзаиморасчетов"},
        by=admin_user,
    )
    page = boss.get(reverse(CHANGE, args=[1]))
    assert 'data-testid="onec-check"' in page.content.decode()

    # when: «Проверить подключение» (POST)
    response = boss.post(reverse("admin:finance_onecconnection_check"), follow=True)

    # then
    html = response.content.decode()
    assert "У регистра AccumulationRegister_РасчетыСКлиентами нет поля СуммаВзаиморасчетов" in html
    assert "Не работает" in html
    assert OneCConnection.objects.get().check_ok is False


def test_check_connection_is_post_only(boss, connection):
    response = boss.get(reverse("admin:finance_onecconnection_check"))

    assert response.status_code == 405
    assert OneCConnection.objects.get().checked_at is None


def test_a_working_connection(boss, connection):
    response = boss.post(reverse("admin:finance_onecconnection_check"), follow=True)

    assert "Подключение к 1С работает, всё нужное опубликовано." in response.content.decode()


def test_the_password_never_reaches_the_logs(boss, connection, history, clock, onec, caplog):
    caplog.set_level(logging.DEBUG)
    import base64

    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    onec.fail("500")

    services.sync_client(client_id=history.client.pk)
    boss.post(reverse("admin:finance_onecconnection_check"))

    assert caplog.records, "the failures were logged"
    assert PASSWORD not in caplog.text
    assert token not in caplog.text


def test_a_staff_member_without_rights_cannot_open_the_settings(client, connection):
    operator = make_staff("Операторы бэкофиса", email="op@example.ru")
    client.force_login(operator)

    assert client.get(reverse(CHANGE, args=[1])).status_code == 403
    assert client.post(reverse("admin:finance_onecconnection_check")).status_code == 403


def test_a_link_is_made_through_the_service_and_queues_a_sync(
    boss, connection, history, clock, django_capture_on_commit_callbacks
):
    other = make_client(inn="")

    with django_capture_on_commit_callbacks(execute=True):
        response = boss.post(
            reverse("admin:finance_oneccounterpartylink_add"),
            {"client": other.pk, "counterparty": history.counterparty},
        )

    assert response.status_code == 302
    assert OneCCounterpartyLink.objects.get(client=other).counterparty == history.counterparty
    assert OneCChange.objects.filter(action="link_set", client=other).exists()
    state = OneCClientState.objects.get(client=other)
    assert state.balance == Decimal("-8846.00")


def test_a_bad_link_is_refused(boss, connection):
    other = make_client(inn="")

    response = boss.post(
        reverse("admin:finance_oneccounterpartylink_add"),
        {"client": other.pk, "counterparty": "guid'x' or 1 eq 1"},
    )

    assert response.status_code == 200
    assert "Укажите Ref_Key контрагента (GUID) или его код" in response.content.decode()
    assert not OneCCounterpartyLink.objects.exists()


def test_sync_now_is_post_only_and_queues_a_sync(
    boss, connection, history, clock, django_capture_on_commit_callbacks
):
    state = OneCClientState.objects.create(client=history.client)
    url = reverse("admin:finance_onecclientstate_sync", args=[state.pk])
    page = boss.get(reverse("admin:finance_onecclientstate_change", args=[state.pk]))
    assert 'data-testid="onec-sync-now"' in page.content.decode()

    assert boss.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = boss.post(url, follow=True)

    assert "Синхронизация с 1С поставлена в очередь" in response.content.decode()
    state.refresh_from_db()
    assert state.status == OneCClientState.Status.OK
    assert OneCChange.objects.filter(action="sync", client=history.client).exists()


def test_bulk_sync_asks_first_then_queues(
    boss, connection, history, clock, django_capture_on_commit_callbacks
):
    state = OneCClientState.objects.create(client=history.client)
    changelist = reverse("admin:finance_onecclientstate_changelist")
    picked = {"action": "sync_selected", "_selected_action": [state.pk]}

    asked = boss.post(changelist, picked)
    nothing_yet = not OneCChange.objects.filter(action="sync").exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = boss.post(changelist, {**picked, "confirm": "yes"}, follow=True)

    assert asked.status_code == 200 and "Синхронизировать" in asked.content.decode()
    assert nothing_yet
    assert "Поставлено в очередь: 1." in done.content.decode()
    assert OneCChange.objects.filter(action="sync", client=history.client).exists()


def test_the_sync_state_page_shows_the_kept_movements(boss, connection, history, clock):
    state = services.sync_client(client_id=history.client.pk)

    html = boss.get(reverse("admin:finance_onecclientstate_change", args=[state.pk])).content
    html = html.decode()

    assert "Реализация товаров и услуг № ТД00-000101 от 10.01.2026" in html
    assert "12\u202f345,60\u00a0₽" in html
    assert "−8\u202f846,00\u00a0₽" in html


@pytest.mark.parametrize("rows", [5, 50])
def test_the_sync_state_list_costs_the_same_for_5_and_50_clients(
    boss, connection, rows, django_assert_max_num_queries
):
    for number in range(rows):
        client = make_client(inn="")
        state = OneCClientState.objects.create(client=client, last_error="нет ИНН")
        if number % 2:
            OneCCounterpartyLink.objects.create(client=client, counterparty=f"00-{number}")
        assert state.pk

    with django_assert_max_num_queries(12):
        response = boss.get(reverse("admin:finance_onecclientstate_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_the_link_list_costs_the_same_for_5_and_50_clients(
    boss, connection, rows, django_assert_max_num_queries
):
    for number in range(rows):
        OneCCounterpartyLink.objects.create(client=make_client(inn=""), counterparty=f"00-{number}")

    with django_assert_max_num_queries(12):
        response = boss.get(reverse("admin:finance_oneccounterpartylink_changelist"))

    assert response.status_code == 200


def test_the_history_list(boss, connection):
    response = boss.get(reverse("admin:finance_onecchange_changelist"))

    assert response.status_code == 200
    assert "изменены настройки подключения" in response.content.decode()
