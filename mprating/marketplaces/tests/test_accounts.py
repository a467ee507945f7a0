"""Accounts: creating and changing, the status computed on read, «Войти вручную», release,
timeout and the periodic bookkeeping."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from mprating.core.errors import ApplicationError
from mprating.marketplaces import selectors, services
from mprating.marketplaces.models import AccountHistory, AccountStatus, MarketplaceAccount
from mprating.marketplaces.tasks import refresh_marketplace_accounts
from mprating.marketplaces.tests.factories import (
    SECRET,
    make_account,
    make_manager,
    make_operator,
)

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
Event = AccountHistory.Event


def status_of(account, now=None) -> str:
    return selectors.account_with_status(account.pk, selectors.clock(now)).effective_status


def events(account) -> list[str]:
    return list(account.history.order_by("changed_at", "id").values_list("event", flat=True))


# ---- create and change -------------------------------------------------------------------


def test_create_normalizes_the_login_and_keeps_only_a_token():
    operator = make_operator()

    account = make_account(login="8 (916) 123-45-67", secret="Секрет-1", actor=operator)

    assert account.login == "+79161234567"
    assert "Секрет-1" not in account.secret_token
    assert "Секрет-1" not in str(account) and "Секрет-1" not in repr(account)
    [entry] = account.history.all()
    assert entry.event == Event.CREATED and entry.changed_by == operator
    assert "Секрет" not in entry.comment


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"login": "не логин"}, "login", "телефон"),
        ({"login": "x@"}, "login", "E-mail"),
        ({"name": "   "}, "name", "название"),
        ({"secret": ""}, "secret", "пароль"),
        ({"service_until": date(2020, 1, 1)}, "service_until", "прошёл"),
        ({"marketplace": "avito"}, "marketplace", "маркетплейс"),
    ],
)
def test_create_refuses_bad_fields_with_a_message_at_the_field(fields, field, text):
    data = {
        "marketplace": "ozon",
        "name": "OZ-1",
        "login": "buyer@example.ru",
        "secret": SECRET,
        "service_until": timezone.localdate() + timedelta(days=10),
        **fields,
    }

    with pytest.raises(ApplicationError) as error:
        services.account_create(**data, actor=None)

    assert error.value.field == field
    assert text.lower() in error.value.message.lower()
    assert not MarketplaceAccount.objects.exists()


def test_the_same_login_twice_on_one_marketplace_is_refused_but_allowed_on_the_other():
    make_account("ozon", login="buyer@example.ru", name="OZ-A")

    with pytest.raises(ApplicationError) as error:
        make_account("ozon", login="BUYER@example.ru")
    make_account("wildberries", login="buyer@example.ru")

    assert error.value.code == "login_taken" and "OZ-A" in error.value.message


def test_update_with_an_empty_password_keeps_it_and_records_what_changed():
    operator = make_operator()
    account = make_account(secret="keep-me")
    token = account.secret_token

    services.account_update(
        account_id=account.pk,
        marketplace=account.marketplace,
        name="Новое имя",
        login=account.login,
        service_until=account.service_until + timedelta(days=30),
        notes="",
        secret="",
        actor=operator,
    )

    account.refresh_from_db()
    assert account.secret_token == token and account.name == "Новое имя"
    change = account.history.get(event=Event.CHANGED)
    assert "название" in change.comment and "срок службы" in change.comment
    assert not account.history.filter(event=Event.SECRET_CHANGED).exists()


def test_update_with_a_password_replaces_it_and_the_history_never_holds_it():
    account = make_account(secret="old-one")

    services.account_update(
        account_id=account.pk,
        marketplace=account.marketplace,
        name=account.name,
        login=account.login,
        service_until=account.service_until,
        secret="new-one",
        actor=make_operator(),
    )

    assert events(account) == [Event.CREATED, Event.SECRET_CHANGED]
    assert not AccountHistory.objects.filter(comment__contains="new-one").exists()
    taken = services.account_take(account_id=account.pk, actor=make_operator())
    assert taken.secret.reveal() == "new-one"


# ---- the status computed on read (seed 000: «Активен / Неактивен / Занят») ------------------


def test_after_the_last_day_of_service_the_account_is_inactive_without_any_worker():
    with time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=MSK), tick=False):
        account = make_account(service_until=date(2026, 3, 10))

    with time_machine.travel(datetime(2026, 3, 10, 23, 59, tzinfo=MSK), tick=False):
        assert status_of(account) == AccountStatus.ACTIVE
        last_day = selectors.accounts_for_backoffice().filter(
            selectors.status_q(AccountStatus.ACTIVE, selectors.clock())
        )
        assert list(last_day) == [account]
    with time_machine.travel(datetime(2026, 3, 11, 0, 1, tzinfo=MSK), tick=False):
        assert status_of(account) == AccountStatus.INACTIVE
        # the database agrees: filters and counts use the same rule
        assert (
            selectors.accounts_for_backoffice()
            .filter(selectors.status_q(AccountStatus.INACTIVE, selectors.clock()))
            .get()
            == account
        )
        counts = selectors.account_counts(selectors.clock())["ozon"]
        assert (counts.active, counts.inactive) == (0, 1)
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE  # nothing was written


def test_the_refresh_records_the_end_of_service_once_and_again_after_an_extension():
    with time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=MSK), tick=False):
        account = make_account(service_until=date(2026, 3, 10))
    with time_machine.travel(datetime(2026, 3, 12, 3, 0, tzinfo=MSK), tick=False):
        first = services.accounts_refresh()
        second = services.accounts_refresh()
        services.account_update(
            account_id=account.pk,
            marketplace="ozon",
            name=account.name,
            login=account.login,
            service_until=date(2026, 3, 20),
            actor=None,
        )
    with time_machine.travel(datetime(2026, 3, 25, 3, 0, tzinfo=MSK), tick=False):
        call_command("marketplace_accounts_refresh", stdout=open("/dev/null", "w"))  # noqa: SIM115
        refresh_marketplace_accounts.call()

    assert (first.expired, second.expired) == (1, 0)
    expired = account.history.filter(event=Event.EXPIRED).order_by("changed_at")
    assert [e.comment for e in expired] == [
        "Последний день службы — 10.03.2026: статус «Неактивен».",
        "Последний день службы — 20.03.2026: статус «Неактивен».",
    ]
    assert all(e.changed_by is None for e in expired)


# ---- «Войти вручную» (seed 000: «Нужна функция войти вручную под этим аккаунтом») ------------


def test_take_makes_the_account_busy_by_the_operator_and_gives_the_password_once():
    operator = make_operator()
    account = make_account("ozon", secret="Ozon-pass-1")

    taken = services.account_take(account_id=account.pk, actor=operator)

    assert taken.secret.reveal() == "Ozon-pass-1"
    assert taken.login == account.login
    assert taken.login_url.startswith("https://www.ozon.ru")
    account.refresh_from_db()
    assert account.status == AccountStatus.BUSY and account.taken_by == operator
    assert status_of(account) == AccountStatus.BUSY
    entry = account.history.get(event=Event.TAKEN)
    assert entry.changed_by == operator and "Ozon-pass" not in entry.comment


def test_another_operator_is_told_in_russian_who_has_it():
    first = make_operator()
    first.last_name, first.first_name = "Белов", "Игорь"
    first.save()
    account = make_account()
    services.account_take(account_id=account.pk, actor=first)

    with pytest.raises(ApplicationError) as error:
        services.account_take(account_id=account.pk, actor=make_operator())

    assert error.value.code == "account_busy"
    assert "уже занят" in error.value.message and "Белов Игорь" in error.value.message


def test_the_holder_may_take_it_again_which_extends_the_take():
    operator = make_operator()
    account = make_account()
    with time_machine.travel(datetime(2026, 3, 1, 10, 0, tzinfo=MSK), tick=False):
        services.account_take(account_id=account.pk, actor=operator)
    with time_machine.travel(datetime(2026, 3, 1, 11, 30, tzinfo=MSK), tick=False):
        services.account_take(account_id=account.pk, actor=operator)

    account.refresh_from_db()
    assert account.taken_at == datetime(2026, 3, 1, 11, 30, tzinfo=MSK)
    assert account.history.filter(event=Event.TAKEN).count() == 2


def test_an_inactive_account_cannot_be_taken():
    ended = make_account(service_until=timezone.localdate())
    off = make_account()
    services.account_deactivate(account_id=off.pk, actor=None, reason="Заблокирован")

    with (
        time_machine.travel(datetime.now(MSK) + timedelta(days=1), tick=False),
        pytest.raises(ApplicationError) as by_date,
    ):
        services.account_take(account_id=ended.pk, actor=make_operator())
    with pytest.raises(ApplicationError) as by_hand:
        services.account_take(account_id=off.pk, actor=make_operator())

    assert by_date.value.code == "account_inactive" and "срок службы" in by_date.value.message
    assert by_hand.value.code == "account_inactive" and "вручную" in by_hand.value.message


def test_a_manager_without_the_permission_cannot_take():
    with pytest.raises(ApplicationError) as error:
        services.account_take(account_id=make_account().pk, actor=make_manager())

    assert error.value.code == "forbidden"


def test_release_by_the_holder_or_a_superuser_only():
    from mprating.accounts.tests.factories import make_staff

    holder, other = make_operator(), make_operator()
    account = make_account()
    services.account_take(account_id=account.pk, actor=holder)

    with pytest.raises(ApplicationError) as error:
        services.account_release(account_id=account.pk, actor=other)
    services.account_release(account_id=account.pk, actor=holder)
    services.account_take(account_id=account.pk, actor=other)
    root = make_staff(email="root@example.ru", superuser=True)
    services.account_release(account_id=account.pk, actor=root)

    assert error.value.code == "not_holder"
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE and account.taken_by is None
    assert events(account)[-4:] == [Event.TAKEN, Event.RELEASED, Event.TAKEN, Event.RELEASED]
    assert "Был занят" in account.history.filter(event=Event.RELEASED).first().comment


def test_a_take_older_than_the_timeout_counts_as_free_and_the_refresh_records_it(settings):
    settings.MARKETPLACE_TAKE_TIMEOUT_MINUTES = 120
    holder, other = make_operator(), make_operator()
    account = make_account()
    start = datetime(2026, 3, 1, 10, 0, tzinfo=MSK)
    with time_machine.travel(start, tick=False):
        account.service_until = date(2027, 1, 1)
        account.save(update_fields=["service_until"])
        services.account_take(account_id=account.pk, actor=holder)

    with time_machine.travel(start + timedelta(minutes=119), tick=False):
        assert status_of(account) == AccountStatus.BUSY
    with time_machine.travel(start + timedelta(minutes=121), tick=False):
        # free on read, before any worker ran; another operator can take it
        assert status_of(account) == AccountStatus.ACTIVE
        services.account_take(account_id=account.pk, actor=other)
    with time_machine.travel(start + timedelta(minutes=300), tick=False):
        result = services.accounts_refresh()
        again = services.accounts_refresh()

    assert (result.released, again.released) == (1, 0)
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    entry = account.history.get(event=Event.RELEASED_TIMEOUT)
    assert entry.changed_by is None and "Был занят" in entry.comment


def test_deactivate_needs_a_reason_and_activate_is_refused_after_the_service_life():
    account = make_account(service_until=timezone.localdate())

    with pytest.raises(ApplicationError):
        services.account_deactivate(account_id=account.pk, actor=None, reason=" ")
    services.account_deactivate(account_id=account.pk, actor=None, reason="Заблокирован")
    with (
        time_machine.travel(datetime.now(MSK) + timedelta(days=2), tick=False),
        pytest.raises(ApplicationError) as error,
    ):
        services.account_activate(account_id=account.pk, actor=None)
    services.account_activate(account_id=account.pk, actor=None)

    assert error.value.code == "service_life_ended"
    assert events(account) == [Event.CREATED, Event.DEACTIVATED, Event.ACTIVATED]


def test_a_busy_account_is_not_switched_off_under_its_holder():
    account = make_account()
    services.account_take(account_id=account.pk, actor=make_operator())

    with pytest.raises(ApplicationError) as error:
        services.account_deactivate(account_id=account.pk, actor=None, reason="Заблокирован")

    assert error.value.code == "account_busy"


def test_an_unknown_account_is_not_found():
    with pytest.raises(ApplicationError) as error:
        services.account_take(account_id="abc", actor=make_operator())

    assert error.value.code == "not_found"
