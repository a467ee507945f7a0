"""Malformed, oversized and overlong requests (issue 9): the API answers its one JSON shape
`{code, message, field}` in Russian with a stable code, the site answers its Russian 400 page —
never Django's or django-ninja's English («Cannot parse request body», «Bad Request (400)»)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mprating.accounts.tests.factories import make_client
from mprating.cabinet.tests.test_error_pages import ENGLISH, _assert_site_page
from mprating.cart.models import CartImport, CartLine
from mprating.catalog.tests.factories import make_offer

pytestmark = pytest.mark.django_db

LINES = "/api/v1/cart/lines"


@pytest.fixture
def signed_in(client):
    account = make_client()
    client.force_login(account.user)
    return account


def _assert_api_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "field"}
    assert body["code"] == code
    assert any("а" <= char <= "я" for char in body["message"].lower()), body["message"]
    for words in (*ENGLISH, "Cannot parse"):
        assert words not in body["message"]
    return body


def _many_fields(count: int) -> str:
    return "&".join(f"f{i}=1" for i in range(count))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{oops", "application/json"),  # not JSON
        (b'{"offer_id": 1, "quantity": "\xff\xfe"}', "application/json"),  # not UTF-8
        ("offer_id=1&quantity=2", "text/plain"),  # another content type
        ("offer_id=1&quantity=2", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_the_api_cannot_read_is_400_malformed_body(client, signed_in, body, content_type):
    response = client.post(LINES, data=body, content_type=content_type)

    body = _assert_api_error(response, 400, "malformed_body")
    assert "application/json" in body["message"]
    assert not CartLine.objects.exists()


def test_a_body_over_the_upload_limit_is_413_request_too_large(client, signed_in, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    offer = make_offer(quantity=5)
    body = json.dumps({"offer_id": offer.pk, "quantity": 1, "comment": "x" * 1024 * 1024})

    response = client.post(LINES, data=body, content_type="application/json")

    body = _assert_api_error(response, 413, "request_too_large")
    assert "не больше 1 МБ" in body["message"]
    assert not CartLine.objects.exists()


def test_too_many_query_fields_is_400_too_many_fields(client, signed_in, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100

    response = client.get(f"/api/v1/cart?{_many_fields(101)}")

    body = _assert_api_error(response, 400, "too_many_fields")
    assert "не больше 100" in body["message"]


def test_too_many_form_fields_of_an_upload_is_400_too_many_fields(client, signed_in, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    data = {f"f{i}": "1" for i in range(101)}
    data["file"] = SimpleUploadedFile("zakaz.csv", "Артикул;Количество\nA1;1\n".encode())

    response = client.post("/api/v1/cart/import", data)

    _assert_api_error(response, 400, "too_many_fields")
    assert not CartImport.objects.exists()


def test_too_many_files_is_400_too_many_files(client, signed_in, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"{i}.csv", b"a;b\n1;2\n") for i in range(4)]

    response = client.post("/api/v1/cart/import", {"file": files})

    _assert_api_error(response, 400, "too_many_files")
    assert not CartImport.objects.exists()


def test_an_overlong_api_address_is_414_url_too_long(client, signed_in):
    response = client.get("/api/v1/cart?q=" + "a" * 4100)

    body = _assert_api_error(response, 414, "url_too_long")
    assert "не больше 4094 символов" in body["message"]


def test_an_address_within_the_limit_is_served(client, signed_in):
    response = client.get("/api/v1/cart?q=" + "a" * 4000)

    assert response.status_code == 200


def test_an_overlong_page_address_gets_the_russian_400_page(client, signed_in):
    response = client.get("/cabinet/cart/?q=" + "a" * 4100)

    assert response.status_code == 400
    assert "Некорректный запрос" in response.content.decode()
    _assert_site_page(response.content.decode())


def test_too_many_form_fields_on_a_page_get_the_russian_400_page(client, signed_in, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100

    response = client.post(
        reverse("cart:add"),
        data=_many_fields(101),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    _assert_site_page(response.content.decode())
    assert not CartLine.objects.exists()


def test_a_too_big_form_on_a_page_gets_the_russian_400_page(client, signed_in, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = client.post(
        reverse("cart:add"),
        data="offer=1&quantity=1&comment=" + "x" * 2048,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    _assert_site_page(response.content.decode())
    assert not CartLine.objects.exists()
