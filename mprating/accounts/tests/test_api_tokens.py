"""Personal API tokens (issue 12 «Client API with personal tokens»): what is stored, how the
API accepts and refuses them, and their rate limit."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client as BrowserClient
from django.utils import timezone

from mprating.accounts import services
from mprating.accounts.api_auth import INVALID_TOKEN_MESSAGE
from mprating.accounts.models import ApiToken
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.errors import ApplicationError, NotFound

pytestmark = pytest.mark.django_db


def _issue(client_row=None, *, name="Склад", expires_at=None):
    client_row = client_row or make_client()
    return services.api_token_create(client=client_row, name=name, expires_at=expires_at)


def _api(path: str, plain: str | None, method: str = "get", **extra):
    # A fresh browser for each call: no session cookie, no CSRF cookie.
    browser = BrowserClient(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {plain}"} if plain else {}
    return getattr(browser, method)(f"/api/v1{path}", headers=headers, **extra)


def _assert_invalid_token(response) -> None:
    assert response.status_code == 401
    assert response.json() == {
        "code": "invalid_token",
        "message": INVALID_TOKEN_MESSAGE,
        "field": None,
    }


# ---- the token and what is kept of it -----------------------------------------------------


def test_the_token_is_shaped_mpr_prefix_secret_and_only_its_keyed_hash_is_stored():
    issued = _issue()

    scheme, prefix, secret = issued.plain.split("_", 2)
    token = ApiToken.objects.get()
    assert scheme == "mpr"
    assert prefix == token.prefix and len(prefix) == 8
    assert len(secret) >= 43  # token_urlsafe(32): 32 random bytes
    assert token.digest == services.api_token_digest(issued.plain)
    assert len(token.digest) == 64
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert secret not in stored
    assert issued.plain not in stored


def test_two_tokens_differ():
    account = make_client()

    first, second = _issue(account), _issue(account)

    assert first.plain != second.plain
    assert first.token.prefix != second.token.prefix


def test_a_name_is_required_and_nothing_is_created_without_it():
    with pytest.raises(ApplicationError) as error:
        _issue(name="   ")

    assert error.value.field == "name"
    assert "Назовите токен" in error.value.message
    assert not ApiToken.objects.exists()


def test_an_expiry_in_the_past_is_refused():
    with pytest.raises(ApplicationError) as error:
        _issue(expires_at=timezone.now() - timedelta(minutes=1))

    assert "в будущем" in error.value.message
    assert not ApiToken.objects.exists()


def test_a_client_holds_at_most_the_limit_of_working_tokens(settings):
    settings.API_TOKENS_PER_CLIENT = 3
    account = make_client()
    tokens = [_issue(account, name=f"Скрипт {n}") for n in range(3)]

    with pytest.raises(ApplicationError) as error:
        _issue(account, name="Лишний")

    assert error.value.code == "api_tokens_limit"
    assert error.value.message.startswith("У вас уже 3 действующих токена")
    assert ApiToken.objects.filter(client=account).count() == 3
    # Another client is not affected, and revoking one frees a place.
    _issue(make_client(), name="Чужой")
    services.api_token_revoke(client=account, token_id=tokens[0].token.pk)
    _issue(account, name="Вместо первого")


def test_revoking_another_clients_token_is_not_found_and_changes_nothing():
    issued = _issue()
    stranger = make_client()

    with pytest.raises(NotFound):
        services.api_token_revoke(client=stranger, token_id=issued.token.pk)

    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


# ---- the API with a token -------------------------------------------------------------------


def test_profile_with_a_token_and_no_session_is_the_tokens_client():
    make_client(last_name="Чужов", email="other@example.ru")
    account = make_client(last_name="Токенов")
    issued = _issue(account)

    response = _api("/profile", issued.plain)

    assert response.status_code == 200
    assert response.json()["last_name"] == "Токенов"
    assert response.json()["email"] == account.user.email


def test_a_put_with_a_token_needs_no_csrf():
    issued = _issue()

    response = _api(
        "/profile/search-settings",
        issued.plain,
        method="put",
        data=json.dumps({"markup_percent": "7.50", "cross_scheme": 2}),
        content_type="application/json",
    )

    assert response.status_code == 200
    issued.token.client.refresh_from_db()
    assert issued.token.client.cross_scheme == 2


def test_the_same_put_with_a_session_and_no_csrf_is_still_refused():
    account = make_client()
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(account.user)

    response = browser.put(
        "/api/v1/profile/search-settings",
        data=json.dumps({"markup_percent": "7.50", "cross_scheme": 2}),
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


@pytest.mark.parametrize(
    "plain",
    [
        "mpr_abcdefgh_" + "x" * 43,  # well shaped, unknown
        "mpr_short_secret",
        "not-a-token",
        "",
    ],
)
def test_an_unknown_or_malformed_token_is_401_invalid_token(plain):
    _issue()
    browser = BrowserClient()

    response = browser.get("/api/v1/profile", headers={"Authorization": f"Bearer {plain}"})

    _assert_invalid_token(response)


def test_a_known_prefix_with_a_wrong_secret_is_refused():
    issued = _issue()
    wrong = issued.plain[:-4] + ("AAAA" if not issued.plain.endswith("AAAA") else "BBBB")

    _assert_invalid_token(_api("/profile", wrong))


def test_a_revoked_token_is_refused_at_once():
    issued = _issue()
    assert _api("/profile", issued.plain).status_code == 200

    services.api_token_revoke(client=issued.token.client, token_id=issued.token.pk)

    _assert_invalid_token(_api("/profile", issued.plain))


def test_an_expired_token_is_refused(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    issued = _issue(expires_at=timezone.now() + timedelta(days=30))
    assert _api("/profile", issued.plain).status_code == 200

    time_machine.shift(timedelta(days=30, seconds=1))

    _assert_invalid_token(_api("/profile", issued.plain))


def test_a_token_of_a_client_whose_access_is_switched_off_is_refused():
    issued = _issue()
    services.client_set_active(
        client_id=issued.token.client_id,
        active=False,
        reason="Долг",
        actor=make_staff(superuser=True),
    )

    _assert_invalid_token(_api("/profile", issued.plain))


def test_a_bad_token_is_refused_even_with_a_working_session():
    account = make_client()
    browser = BrowserClient()
    browser.force_login(account.user)

    response = browser.get("/api/v1/profile", headers={"Authorization": "Bearer mpr_x_y"})

    _assert_invalid_token(response)


def test_without_a_token_or_session_the_401_names_both_ways_in():
    response = _api("/profile", None)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "API-токен" in response.json()["message"]


def test_use_is_recorded_at_most_once_a_minute(time_machine, django_assert_num_queries):
    time_machine.move_to(timezone.now(), tick=False)
    issued = _issue()
    token = issued.token

    _api("/profile", issued.plain, REMOTE_ADDR="203.0.113.7")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use == timezone.now()
    assert token.last_used_ip == "203.0.113.7"

    time_machine.shift(timedelta(seconds=30))
    # Half a minute later: the token is read, nothing is written.
    with django_assert_num_queries(1):
        assert services.api_token_authenticate(plain=issued.plain, ip="203.0.113.8")
    token.refresh_from_db()
    assert (token.last_used_at, token.last_used_ip) == (first_use, "203.0.113.7")

    time_machine.shift(timedelta(seconds=31))
    # Over a minute: one UPDATE.
    with django_assert_num_queries(2):
        assert services.api_token_authenticate(plain=issued.plain, ip="203.0.113.8")
    token.refresh_from_db()
    assert token.last_used_at == timezone.now()
    assert token.last_used_ip == "203.0.113.8"


def test_a_token_hashed_under_a_retired_secret_key_works_and_is_rehashed(settings):
    issued = _issue()
    old_digest = issued.token.digest
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-test-0123456789"

    assert services.api_token_authenticate(plain=issued.plain, ip="127.0.0.1") is not None

    issued.token.refresh_from_db()
    assert issued.token.digest != old_digest
    assert issued.token.digest == services.api_token_digest(issued.plain)


# ---- rate limit ------------------------------------------------------------------------------


def test_a_token_over_its_rate_gets_429_in_russian_and_another_token_does_not(settings):
    settings.API_TOKEN_RATE = "3/min"
    busy, calm = _issue(name="Занятой"), _issue(name="Спокойный")

    answers = [_api("/profile", busy.plain).status_code for _ in range(3)]
    over = _api("/profile", busy.plain)

    assert answers == [200, 200, 200]
    assert over.status_code == 429
    assert over.json() == {
        "code": "too_many_requests",
        "message": "Слишком много запросов: повторите чуть позже.",
        "field": None,
    }
    assert int(over["Retry-After"]) > 0
    assert _api("/profile", calm.plain).status_code == 200


def test_the_session_has_its_own_rate(settings):
    settings.API_SESSION_RATE = "2/min"
    settings.API_TOKEN_RATE = "100/min"
    account = make_client()
    issued = _issue(account)
    browser = BrowserClient()
    browser.force_login(account.user)

    answers = [browser.get("/api/v1/profile").status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    # The same client's token counts apart.
    assert _api("/profile", issued.plain).status_code == 200


# ---- the schema ------------------------------------------------------------------------------


def test_openapi_shows_the_bearer_token_and_the_session_cookie():
    schema = BrowserClient().get("/api/v1/openapi.json").json()

    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"
    security = schema["paths"]["/api/v1/profile"]["get"]["security"]
    assert {"ApiTokenAuth": []} in security and {"SessionAuth": []} in security
    assert "Authorization: Bearer mpr_" in schema["info"]["description"]


def test_the_throttle_keeps_the_state_of_each_request_per_thread():
    import threading

    from mprating.accounts.api_auth import ApiTokenRateThrottle

    throttle = ApiTokenRateThrottle()
    throttle.key, throttle.history = "throttle_api_token_1", [1.0]
    seen = []
    worker = threading.Thread(target=lambda: seen.append((throttle.key, throttle.history)))
    worker.start()
    worker.join()

    assert seen == [(None, None)]
    assert (throttle.key, throttle.history) == ("throttle_api_token_1", [1.0])


def test_every_get_endpoint_answers_a_token_as_it_answers_the_session():
    """Every router finds «its» client through `request.user`: a token must stand for it."""
    account = make_client()
    issued = _issue(account)
    session = BrowserClient()
    session.force_login(account.user)
    schema = session.get("/api/v1/openapi.json").json()
    paths = [
        path
        for path, operations in schema["paths"].items()
        if "get" in operations and "{" not in path and operations["get"].get("security")
    ]
    assert "/api/v1/profile" in paths and "/api/v1/cart" in paths

    # The clock stands still: some answers carry «as of now» (the balance's `as_of`).
    with time_machine.travel(timezone.now(), tick=False):
        for path in paths:
            by_session = session.get(path)
            by_token = _api(path.removeprefix("/api/v1"), issued.plain)
            assert by_token.status_code == by_session.status_code, path
            assert by_token.json() == by_session.json(), path
