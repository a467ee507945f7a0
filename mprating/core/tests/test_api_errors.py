"""The one error shape of the API, `{code, message, field}` (+ `errors` on 422), for every way
a request can fail: our errors, Django's and django-ninja's own."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as BrowserClient
from django.test import override_settings

pytestmark = pytest.mark.urls("mprating.core.tests.urls")

API = "/api/v1"


def _post(client, url: str, body: str, **extra):
    return client.post(f"{API}{url}", data=body, content_type="application/json", **extra)


def _assert_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert {"code", "message", "field"} <= set(body)
    assert body["code"] == code
    assert any("а" <= char <= "я" for char in body["message"].lower()), body["message"]
    return body


def test_application_error_is_400_with_its_code_message_and_field(client):
    body = _assert_shape(client.get(f"{API}/application-error"), 400, "stock_short")

    assert body == {
        "code": "stock_short",
        "message": "Можно заказать не больше 3 шт.",
        "field": "quantity",
    }


def test_a_rule_error_without_a_field_has_field_null(client):
    body = _assert_shape(client.get(f"{API}/rule-error"), 400, "status_unchanged")

    assert body["field"] is None


def test_not_found_is_404_not_found_with_its_message(client):
    body = _assert_shape(client.get(f"{API}/not-found"), 404, "not_found")

    assert body["message"] == "Заказ не найден."


def test_djangos_http404_is_404_not_found_in_russian(client):
    body = _assert_shape(client.get(f"{API}/django-404"), 404, "not_found")

    assert "matches" not in body["message"]


def test_unknown_url_under_the_api_is_json_404(client):
    _assert_shape(client.get(f"{API}/no-such-endpoint"), 404, "not_found")


def test_wrong_method_is_json_405_and_keeps_allow(client):
    response = client.delete(f"{API}/items")

    _assert_shape(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


def test_permission_denied_keeps_a_russian_reason_and_hides_an_english_one(client):
    russian = _assert_shape(client.get(f"{API}/forbidden-russian"), 403, "forbidden")
    english = _assert_shape(client.get(f"{API}/forbidden-english"), 403, "forbidden")

    assert russian["message"] == "Раздел доступен только клиентам магазина."
    assert english["message"] == "Доступ запрещён."


def test_validation_error_is_422_with_the_first_field_on_top_and_every_field_listed(client):
    response = _post(client, "/items", json.dumps({"quantity": 11, "comment": 5}))

    body = _assert_shape(response, 422, "invalid_input")
    assert body["message"] == "Проверьте введённые данные."
    assert body["field"] == "quantity"
    assert body["errors"] == [
        {"field": "quantity", "message": "Значение должно быть не больше 10."},
        {"field": "comment", "message": "Ожидается строка."},
    ]


def test_a_missing_field_is_named(client):
    body = _assert_shape(_post(client, "/items", "{}"), 422, "invalid_input")

    assert body["errors"] == [{"field": "quantity", "message": "Обязательное поле."}]


@pytest.mark.parametrize("body", ["{oops", "quantity=1"])
def test_a_body_that_is_not_json_is_400_malformed_body(client, body):
    _assert_shape(_post(client, "/items", body), 400, "malformed_body")


def test_a_json_array_instead_of_an_object_is_422(client):
    body = _assert_shape(_post(client, "/items", "[1, 2]"), 422, "invalid_input")

    assert body["field"] == "quantity"


def test_no_session_is_401_not_authenticated(client):
    _assert_shape(_post(client, "/private", '{"quantity": 1}'), 401, "not_authenticated")


@pytest.mark.django_db
@override_settings(CSRF_FAILURE_VIEW="mprating.core.tests.urls.csrf_failure")
def test_session_without_csrf_token_is_403_csrf_failed():
    user = get_user_model().objects.create_user(email="api@example.ru", password="Pass-2026-x")
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(user)

    _assert_shape(_post(browser, "/private", '{"quantity": 1}'), 403, "csrf_failed")


@override_settings(DEBUG=False)
def test_a_crash_is_json_500_without_the_traceback():
    browser = BrowserClient(raise_request_exception=False)

    response = browser.get(f"{API}/crash")

    body = _assert_shape(response, 500, "server_error")
    assert "boom" not in response.content.decode()
    assert body["field"] is None


def test_pages_outside_the_api_are_left_alone(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
