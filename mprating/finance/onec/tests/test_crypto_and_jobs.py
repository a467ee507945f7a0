"""The password at rest, the background task and `manage.py onec_sync`."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from mprating.accounts.tests.factories import make_client
from mprating.core.errors import ApplicationError
from mprating.finance.onec import crypto, services, tasks
from mprating.finance.onec.models import OneCClientState
from mprating.finance.onec.odata import OneCError


def test_the_password_round_trips_and_is_not_stored_in_clear(settings):
    settings.FINANCE_ONEC_SECRET_KEYS = [Fernet.generate_key().decode()]

    token = crypto.encrypt_password("Секрет-1С")

    assert "Секрет" not in token
    assert crypto.decrypt_password(token) == "Секрет-1С"


def test_keys_rotate_newest_first(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FINANCE_ONEC_SECRET_KEYS = [old]
    token = crypto.encrypt_password("пароль")

    settings.FINANCE_ONEC_SECRET_KEYS = [new, old]

    assert crypto.decrypt_password(token) == "пароль"
    assert Fernet(new.encode()).decrypt(crypto.encrypt_password("x").encode()) == b"x"


def test_a_wrong_key_is_a_clear_error(settings):
    settings.FINANCE_ONEC_SECRET_KEYS = [Fernet.generate_key().decode()]
    token = crypto.encrypt_password("пароль")
    settings.FINANCE_ONEC_SECRET_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(OneCError) as error:
        crypto.decrypt_password(token)

    assert "Введите пароль заново" in error.value.message


def test_production_without_keys_refuses_to_store_a_password(settings, monkeypatch):
    settings.FINANCE_ONEC_SECRET_KEYS = []
    settings.DEBUG = False
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings")

    with pytest.raises(ApplicationError) as error:
        crypto.encrypt_password("пароль")

    assert "укажите FINANCE_ONEC_SECRET_KEYS" in error.value.message


def test_a_malformed_key_is_reported(settings):
    settings.FINANCE_ONEC_SECRET_KEYS = ["not-a-fernet-key"]

    with pytest.raises(ApplicationError) as error:
        crypto.encrypt_password("пароль")

    assert "неверный ключ" in error.value.message


@pytest.mark.django_db
def test_the_task_syncs_and_is_safe_to_run_twice(connection, history, clock):
    first = tasks.onec_sync_client.call(client_id=history.client.pk)
    second = tasks.onec_sync_client.call(client_id=history.client.pk)

    assert (first, second) == ("ok", "ok")
    assert OneCClientState.objects.get(client=history.client).movements.count() == 3


@pytest.mark.django_db
def test_the_task_for_a_deleted_client_does_nothing(connection):
    assert tasks.onec_sync_client.call(client_id=999_999) == "gone"


@pytest.mark.django_db
def test_the_command_syncs_clients_with_inn_or_link(connection, history, clock, admin_user):
    # given: the history client (ИНН), one linked by code, one with neither, one blocked
    linked = make_client(inn="")
    services.counterparty_link_set(client_id=linked.pk, counterparty="00-404", by=admin_user)
    nobody = make_client(inn="")
    blocked = make_client(inn="7736207543")
    blocked.user.is_active = False
    blocked.user.save(update_fields=["is_active"])
    out = StringIO()

    # when
    call_command("onec_sync", stdout=out)

    # then
    assert "Клиентов: 2 (not_found: 1, ok: 1)." in out.getvalue()
    assert OneCClientState.objects.get(client=history.client).status == "ok"
    assert OneCClientState.objects.get(client=linked).last_error == (
        "Контрагент с кодом «00-404» не найден в 1С."
    )
    assert not OneCClientState.objects.filter(client__in=[blocked]).exists()
    assert services.clients_to_sync() == [history.client.pk, linked.pk]
    assert nobody.pk not in services.clients_to_sync()


@pytest.mark.django_db
def test_the_command_can_queue_instead(
    connection, history, clock, django_capture_on_commit_callbacks
):
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("onec_sync", "--enqueue", stdout=out)

    assert "Клиентов: 1 (queued: 1)." in out.getvalue()
    assert OneCClientState.objects.get(client=history.client).status == "ok"
