"""Security headers on every kind of response (issue 12): the cabinet, the back office, the
API (its data and its errors); HSTS on https."""

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff

pytestmark = pytest.mark.django_db

EXPECTED = {
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _assert_security_headers(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    policy = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


@pytest.fixture
def client_browser():
    browser = BrowserClient()
    browser.force_login(make_client().user)
    return browser


def test_a_cabinet_page_carries_the_headers(client_browser):
    response = client_browser.get(reverse("orders:lines"))

    assert response.status_code == 200
    _assert_security_headers(response)


def test_a_back_office_page_carries_the_headers():
    browser = BrowserClient()
    browser.force_login(make_staff(roles.OPERATOR))

    response = browser.get("/backoffice/accounts/client/")

    assert response.status_code == 200
    _assert_security_headers(response)


def test_an_api_answer_and_an_api_error_carry_the_headers(client_browser):
    answer = client_browser.get("/api/v1/profile")
    error = client_browser.get("/api/v1/no-such-endpoint")

    assert answer.status_code == 200
    _assert_security_headers(answer)
    assert error.status_code == 404
    assert error.headers["Content-Type"].startswith("application/json")
    _assert_security_headers(error)


def test_an_anonymous_login_page_carries_the_headers(client):
    response = client.get(reverse("accounts:login"))

    _assert_security_headers(response)
    # Plain http (the tests' settings): no HSTS, which browsers ignore on http anyway.
    assert "Strict-Transport-Security" not in response.headers


def test_https_answers_carry_hsts_for_a_year_with_subdomains(client):
    response = client.get(reverse("accounts:login"), secure=True)

    assert response.headers["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains")
