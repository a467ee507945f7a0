"""django-axes on every sign-in page (issue 12, ASVS V2.2.1; mprating/accounts/lockout.py): the
cabinet's (where ПВЗ owners sign in too) and the back office's. `AXES_FAILURE_LIMIT` wrong
passwords lock the account from that address; then even the right password is refused with the
Russian lockout message on that same page, status 429; another address is not locked."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import Client as HttpClient

from mprating.accounts import roles
from mprating.accounts.models import User
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff

pytestmark = pytest.mark.django_db

LOCKED = "Слишком много попыток входа: вход для этой учётной записи с вашего адреса заблокирован"


def _client_account() -> User:
    return make_client(email="client7@example.ru").user


def _staff_account() -> User:
    return make_staff(roles.MANAGER, email="manager@example.ru")


def _owner_account() -> User:
    owner = User.objects.create_user(email="pvz-owner@example.ru", password=PASSWORD)
    owner.groups.add(Group.objects.get(name=roles.PICKUP_POINT_OWNER))
    return owner


# (sign-in page, who signs in there, where the right password leads, a mark of that page)
PAGES = [
    pytest.param("/accounts/login/", _client_account, "/", "Забыли пароль?", id="cabinet"),
    pytest.param(
        "/accounts/login/?next=/partner/",
        _owner_account,
        "/partner/",
        "Владельцы пунктов выдачи входят здесь же",
        id="partner-area",
    ),
    pytest.param(
        "/backoffice/login/",
        _staff_account,
        "/backoffice/",
        "MP Rating — бэкофис",
        id="back-office",
    ),
]


@pytest.mark.parametrize(("login_path", "make_account", "lands_on", "page_mark"), PAGES)
def test_failures_lock_the_login_on_its_own_page_even_for_the_right_password(
    settings, login_path, make_account, lands_on, page_mark
):
    settings.RATELIMIT_LOGIN = ""  # django-axes alone here
    account = make_account()
    client = HttpClient()

    failures = [
        client.post(login_path, {"username": account.email, "password": f"wrong-{n}"})
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    right = client.post(login_path, {"username": account.email, "password": PASSWORD})

    # the failures before the limit are the page's ordinary Russian error
    assert [f.status_code for f in failures[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert failures[-1].status_code == 429
    # locked: the right password is refused, nobody is signed in
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    html = right.content.decode()
    assert LOCKED in html
    assert "заблокирован на 1 час" in html
    # on the same sign-in page: its form and its own look
    assert page_mark in html
    assert 'name="username"' in html and 'name="password"' in html
    attempt = AccessAttempt.objects.get(username=account.email)
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT


@pytest.mark.parametrize(("login_path", "make_account", "lands_on", "page_mark"), PAGES)
def test_below_the_limit_the_right_password_signs_in(
    settings, login_path, make_account, lands_on, page_mark
):
    account = make_account()
    client = HttpClient()

    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(login_path, {"username": account.email, "password": f"wrong-{n}"})
    right = client.post(
        login_path, {"username": account.email, "password": PASSWORD, "next": lands_on}
    )

    assert right.status_code == 302
    assert right["Location"].startswith(lands_on)
    assert client.session["_auth_user_id"] == str(account.pk)


def test_the_lock_holds_for_that_address_only(settings):
    """Counted per account and client address (the nginx-set X-Real-IP): the owner signing in
    from another address is not locked out by someone guessing from elsewhere."""
    settings.RATELIMIT_LOGIN = ""
    account = _client_account()
    guesser = HttpClient(HTTP_X_REAL_IP="198.51.100.9")
    owner = HttpClient(HTTP_X_REAL_IP="203.0.113.20")

    for n in range(settings.AXES_FAILURE_LIMIT):
        guesser.post("/accounts/login/", {"username": account.email, "password": f"x{n}"})
    guesser_again = guesser.post(
        "/accounts/login/", {"username": account.email, "password": PASSWORD}
    )
    owner_signs_in = owner.post(
        "/accounts/login/", {"username": account.email, "password": PASSWORD}
    )

    assert guesser_again.status_code == 429
    assert owner_signs_in.status_code == 302
