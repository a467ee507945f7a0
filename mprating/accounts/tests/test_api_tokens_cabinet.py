"""«API-токены» in «Личная информация» (issue 12): create with the current password (counted by
django-axes), see the token once, revoke."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import timezone

from mprating.accounts import services
from mprating.accounts.forms import API_TOKEN_LOCKED_OUT
from mprating.accounts.models import ApiToken
from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.core.testing import count_queries

pytestmark = pytest.mark.django_db

CREATE = reverse("cabinet:api_token_create")
TOKEN_RE = re.compile(r"mpr_[a-z0-9]{8}_[A-Za-z0-9_\-]{43,}")


@pytest.fixture
def signed_in(client):
    account = make_client()
    client.force_login(account.user)
    return account


def _create(client, *, htmx=True, **fields):
    data = {"name": "Учёт на складе", "expiry": "90", "expires_on": "", "password": PASSWORD}
    data.update(fields)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(CREATE, data, **extra)


def _revoke(client, token_id, *, htmx=True):
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("cabinet:api_token_revoke", args=[token_id]), **extra)


def test_the_profile_page_has_the_section_and_its_get_creates_nothing(client, signed_in):
    response = client.get(reverse("cabinet:profile"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "API-токены" in page
    assert 'data-testid="no-api-tokens"' in page
    assert 'data-testid="api-token-form"' in page
    assert not ApiToken.objects.exists()


def test_a_token_is_created_with_the_right_password_and_shown_once(client, signed_in):
    response = _create(client)

    page = response.content.decode()
    assert response.status_code == 200
    shown = TOKEN_RE.findall(page)
    assert len(set(shown)) == 1
    plain = shown[0]
    token = ApiToken.objects.get()
    assert token.client == signed_in
    assert token.name == "Учёт на складе"
    assert token.digest == services.api_token_digest(plain)
    assert "больше он показан не будет" in page
    assert "no-store" in response["Cache-Control"]
    # 90 days from now.
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    # Nothing keeps it: not the session, not the next page.
    assert plain not in str(dict(client.session))
    again = client.get(reverse("cabinet:profile")).content.decode()
    assert plain not in again
    assert f"mpr_{token.prefix}_…" in again
    # And it works.
    api = BrowserClient().get("/api/v1/profile", headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 200


def test_without_javascript_the_answer_is_a_page_with_the_token(client, signed_in):
    response = _create(client, htmx=False)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page and "Личная информация" in page
    assert len(TOKEN_RE.findall(page)) == 1


def test_a_token_until_a_date_works_through_that_day(client, signed_in):
    last_day = timezone.localdate() + timedelta(days=10)

    response = _create(client, expiry="date", expires_on=last_day.strftime("%d.%m.%Y"))

    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).date() == last_day + timedelta(days=1)
    assert timezone.localtime(token.expires_at).hour == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": " "}, "name", "Назовите токен"),
        ({"expiry": "date"}, "expires_on", "Укажите дату"),
        ({"expiry": "date", "expires_on": "31.02.2030"}, "expires_on", "ДД.ММ.ГГГГ"),
        ({"expiry": "date", "expires_on": "01.01.2020"}, "expires_on", "в будущем"),
        ({"expiry": "date", "expires_on": "31.12.9999"}, "expires_on", "через 5 лет"),
        ({"expiry": "7"}, "expiry", "Выберите корректный вариант"),
        ({"password": ""}, "password", "Введите пароль"),
    ],
)
def test_bad_input_gets_a_russian_message_next_to_its_field_and_creates_nothing(
    client, signed_in, fields, field, message
):
    response = _create(client, **fields)

    page = response.content.decode()
    assert response.status_code == 422
    errors = re.search(rf'data-testid="error-{field}">([^<]*)<', page)
    assert errors, page
    assert message in errors.group(1)
    assert not ApiToken.objects.exists()


def test_a_wrong_password_creates_nothing_and_is_counted_by_axes(client, signed_in):
    response = _create(client, password="not-my-password")

    assert response.status_code == 422
    assert "Неверный пароль." in response.content.decode()
    assert not ApiToken.objects.exists()
    attempt = AccessAttempt.objects.get()
    assert attempt.username == signed_in.user.email
    assert attempt.failures_since_start == 1


def test_repeated_wrong_passwords_lock_token_creation_and_the_sign_in(client, signed_in):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _create(client, password="not-my-password")

    response = _create(client)  # the right password, too late

    page = response.content.decode()
    assert response.status_code == 422
    assert API_TOKEN_LOCKED_OUT in page
    assert not ApiToken.objects.exists()
    # The same lock holds for the sign-in form.
    login = BrowserClient().post(
        reverse("accounts:login"), {"username": signed_in.user.email, "password": PASSWORD}
    )
    assert login.status_code == 429
    assert "Слишком много попыток входа" in login.content.decode()


def test_the_limit_of_working_tokens_is_told_in_the_form(client, signed_in, settings):
    settings.API_TOKENS_PER_CLIENT = 1
    _create(client)

    response = _create(client, name="Второй")

    assert response.status_code == 422
    assert "больше 1 не бывает" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_revoke_takes_the_token_off_the_list_and_out_of_the_api(client, signed_in):
    issued = services.api_token_create(client=signed_in, name="Скрипт", expires_at=None)

    response = _revoke(client, issued.token.pk)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Токен «Скрипт» отозван." in page
    assert 'data-testid="api-token-row"' not in page
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert issued.token.revoked_by == signed_in.user
    api = BrowserClient().get(
        "/api/v1/profile", headers={"Authorization": f"Bearer {issued.plain}"}
    )
    assert api.status_code == 401


def test_revoke_without_javascript_redirects_to_the_profile_with_a_message(client, signed_in):
    issued = services.api_token_create(client=signed_in, name="Скрипт", expires_at=None)

    response = _revoke(client, issued.token.pk, htmx=False)

    assert response.status_code == 302
    assert response["Location"] == reverse("cabinet:profile") + "#api-tokens"
    page = client.get(response["Location"]).content.decode()
    assert "Токен «Скрипт» отозван." in page


def test_revoking_another_clients_token_is_404_and_changes_nothing(client, signed_in):
    stranger = services.api_token_create(client=make_client(), name="Чужой", expires_at=None)

    response = _revoke(client, stranger.token.pk)

    assert response.status_code == 404
    stranger.token.refresh_from_db()
    assert stranger.token.revoked_at is None


def test_a_get_of_the_actions_changes_nothing(client, signed_in):
    issued = services.api_token_create(client=signed_in, name="Скрипт", expires_at=None)

    assert client.get(CREATE).status_code == 405
    assert (
        client.get(reverse("cabinet:api_token_revoke", args=[issued.token.pk])).status_code == 405
    )
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
    assert ApiToken.objects.count() == 1


def test_the_list_shows_use_and_expiry(client, signed_in):
    used = services.api_token_create(client=signed_in, name="Используемый", expires_at=None)
    services.api_token_authenticate(plain=used.plain, ip="198.51.100.4")
    soon = timezone.now() + timedelta(days=1)
    services.api_token_create(client=signed_in, name="Короткий", expires_at=soon)

    page = client.get(reverse("cabinet:profile")).content.decode()

    assert "IP 198.51.100.4" in page
    assert "без срока" in page
    assert timezone.localtime(soon).strftime("%d.%m.%Y %H:%M") in page
    assert "ещё не использовался" in page


def test_an_expired_token_is_marked_in_the_list(client, signed_in, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    services.api_token_create(
        client=signed_in, name="Старый", expires_at=timezone.now() + timedelta(days=1)
    )
    time_machine.shift(timedelta(days=2))

    page = client.get(reverse("cabinet:profile")).content.decode()

    assert "срок истёк" in page


def test_the_token_list_costs_the_same_queries_for_2_and_for_20_tokens(client, signed_in, settings):
    settings.API_TOKENS_PER_CLIENT = 50
    url = reverse("cabinet:profile")
    for n in range(2):
        services.api_token_create(client=signed_in, name=f"Токен {n}", expires_at=None)
    few = count_queries(lambda: client.get(url))
    for n in range(2, 20):
        issued = services.api_token_create(client=signed_in, name=f"Токен {n}", expires_at=None)
        services.api_token_authenticate(plain=issued.plain, ip="127.0.0.1")

    many = count_queries(lambda: client.get(url))

    assert many == few
    assert client.get(url).content.decode().count('data-testid="api-token-row"') == 20
