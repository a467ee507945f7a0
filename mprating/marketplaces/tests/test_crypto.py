"""Passwords at rest: Fernet tokens, masked in memory, readable after a key rotation."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from mprating.core.errors import ApplicationError
from mprating.marketplaces import crypto, services
from mprating.marketplaces.models import MarketplaceAccount
from mprating.marketplaces.tests.factories import SECRET, make_account, make_operator

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_round_trip_and_the_token_is_not_the_text(settings):
    settings.MARKETPLACE_SECRET_KEYS = [OLD_KEY]

    token = crypto.encrypt("Пароль с пробелом и ё")

    assert "Пароль" not in token
    assert crypto.decrypt(token).reveal() == "Пароль с пробелом и ё"


def test_a_decrypted_secret_is_masked_in_str_repr_and_formatting(settings):
    settings.MARKETPLACE_SECRET_KEYS = [OLD_KEY]
    secret = crypto.decrypt(crypto.encrypt("qwerty-42"))

    assert "qwerty" not in str(secret)
    assert "qwerty" not in repr(secret)
    assert "qwerty" not in f"{secret} {secret!r}"
    assert "qwerty" not in repr({"secret": secret})


def test_without_keys_nothing_is_encrypted(settings):
    settings.MARKETPLACE_SECRET_KEYS = []

    with pytest.raises(ImproperlyConfigured, match="MARKETPLACE_SECRET_KEYS"):
        crypto.encrypt("x")


def test_a_bad_key_is_reported_by_its_position_not_its_value(settings):
    settings.MARKETPLACE_SECRET_KEYS = [OLD_KEY, "not-a-fernet-key"]

    with pytest.raises(ImproperlyConfigured) as error:
        crypto.encrypt("x")

    assert "№ 2" in str(error.value) and "not-a-fernet-key" not in str(error.value)


def test_a_token_of_an_unknown_key_gives_a_russian_message(settings):
    settings.MARKETPLACE_SECRET_KEYS = [OLD_KEY]
    token = crypto.encrypt("x")
    settings.MARKETPLACE_SECRET_KEYS = [NEW_KEY]

    with pytest.raises(ApplicationError) as error:
        crypto.decrypt(token)

    assert error.value.code == "secret_unreadable"


@pytest.mark.django_db
def test_rotation_rewrites_every_token_with_the_new_key_and_keeps_it_readable(settings):
    # given: two accounts encrypted with the old key
    settings.MARKETPLACE_SECRET_KEYS = [OLD_KEY]
    first = make_account(secret="first-Пароль")
    second = make_account(secret=SECRET)
    before = dict(MarketplaceAccount.objects.values_list("pk", "secret_token"))

    # when: the new key goes first, the old one stays second, and the command runs
    settings.MARKETPLACE_SECRET_KEYS = [NEW_KEY, OLD_KEY]
    call_command("rotate_marketplace_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # then: every token changed and is readable with the new key alone
    after = dict(MarketplaceAccount.objects.values_list("pk", "secret_token"))
    assert all(after[pk] != before[pk] for pk in before)
    settings.MARKETPLACE_SECRET_KEYS = [NEW_KEY]
    operator = make_operator()
    assert (
        services.account_take(account_id=first.pk, actor=operator).secret.reveal() == "first-Пароль"
    )
    assert services.account_take(account_id=second.pk, actor=operator).secret.reveal() == SECRET


@pytest.mark.django_db
def test_before_rotation_the_old_key_second_still_decrypts(settings):
    settings.MARKETPLACE_SECRET_KEYS = [OLD_KEY]
    account = make_account(secret="старый-ключ")

    settings.MARKETPLACE_SECRET_KEYS = [NEW_KEY, OLD_KEY]
    taken = services.account_take(account_id=account.pk, actor=make_operator())

    assert taken.secret.reveal() == "старый-ключ"


def test_the_deploy_check_reports_missing_keys(settings):
    from mprating.marketplaces.checks import secret_keys_check

    settings.MARKETPLACE_SECRET_KEYS = []
    assert [error.id for error in secret_keys_check(None)] == ["marketplaces.E001"]
    settings.MARKETPLACE_SECRET_KEYS = [OLD_KEY]
    assert secret_keys_check(None) == []
