"""`/api/v1/profile`: same rules and messages as the cabinet."""

import json
from decimal import Decimal

import pytest

from mprating.accounts.tests.factories import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    account = make_client(last_name="Апишин")
    client.force_login(account.user)
    return account


def _put(client, body):
    return client.put(
        "/api/v1/profile/search-settings", data=json.dumps(body), content_type="application/json"
    )


def test_profile_requires_a_session(client):
    assert client.get("/api/v1/profile").status_code == 401


def test_profile_returns_only_the_callers_data(client, signed_in):
    make_client(last_name="Другой", email="other@example.ru")

    body = client.get("/api/v1/profile").json()

    assert body["last_name"] == "Апишин"
    assert body["email"] == signed_in.user.email
    assert body["cross_scheme"] == 1


def test_search_settings_are_saved(client, signed_in):
    response = _put(client, {"markup_percent": "12.50", "cross_scheme": 3})

    assert response.status_code == 200
    signed_in.refresh_from_db()
    assert (signed_in.markup_percent, signed_in.cross_scheme) == (Decimal("12.50"), 3)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"markup_percent": "101", "cross_scheme": 1}, "markup_percent", "не больше 100"),
        ({"markup_percent": "-0.01", "cross_scheme": 1}, "markup_percent", "не меньше 0"),
        ({"markup_percent": "1.001", "cross_scheme": 1}, "markup_percent", "знаков после"),
        ({"markup_percent": "5", "cross_scheme": 4}, "cross_scheme", "не больше 3"),
        ({"cross_scheme": 1}, "markup_percent", "Обязательное поле"),
    ],
)
def test_bad_body_gets_a_russian_message_and_changes_nothing(
    client, signed_in, body, field, message
):
    response = _put(client, body)

    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert message in errors[field]
    signed_in.refresh_from_db()
    assert signed_in.markup_percent == Decimal("0.00")


def test_broken_json_is_refused(client, signed_in):
    response = client.put(
        "/api/v1/profile/search-settings", data="{oops", content_type="application/json"
    )

    assert response.status_code in (400, 422)


def test_staff_without_a_client_profile_gets_404(client):
    from mprating.accounts.tests.factories import make_staff

    client.force_login(make_staff())

    assert client.get("/api/v1/profile").status_code == 404


def test_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/profile" in schema["paths"]


def _put_personal(client, **overrides):
    body = {
        "last_name": "Новикова",
        "first_name": "Анна",
        "middle_name": "",
        "email": "Anna.Novikova@Example.ru",
        "phone": "8 (916) 222-33-44",
        "company_name": "ООО «Ромашка»",
        "inn": "",
    }
    body.update(overrides)
    return client.put(
        "/api/v1/profile/personal", data=json.dumps(body), content_type="application/json"
    )


def test_personal_data_are_saved_through_the_cabinet_rules(client, signed_in):
    response = _put_personal(client)

    assert response.status_code == 200
    body = response.json()
    assert (body["last_name"], body["email"], body["phone"]) == (
        "Новикова",
        "anna.novikova@example.ru",
        "+79162223344",
    )
    signed_in.user.refresh_from_db()
    assert signed_in.user.email == "anna.novikova@example.ru"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"phone": "12"}, "phone"), ({"email": "нет"}, "email"), ({"inn": "123"}, "inn")],
)
def test_bad_personal_data_is_422_in_russian_and_nothing_changes(
    client, signed_in, overrides, field
):
    response = _put_personal(client, **overrides)

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid_input", field)
    assert any("а" <= ch <= "я" for ch in body["errors"][0]["message"].lower())
    signed_in.user.refresh_from_db()
    assert signed_in.user.last_name == "Апишин"


def test_someone_elses_email_is_400(client, signed_in):
    make_client(email="taken@example.ru")

    response = _put_personal(client, email="taken@example.ru")

    assert (response.status_code, response.json()["code"], response.json()["field"]) == (
        400,
        "email_taken",
        "email",
    )


def test_the_schema_documents_the_errors_every_operation_can_answer(client):
    """Every status an operation can answer is in the schema (schemathesis checks each
    response against it): 401 behind the session, 403 (CSRF) on a change, 404 with an object
    id in the path, 422 with input, 400 with a body — in the one error shape."""
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    error = {"$ref": "#/components/schemas/ErrorOut"}

    delete = paths["/api/v1/cart/lines/{line_id}"]["delete"]["responses"]
    assert {"204", "401", "403", "404", "422"} <= set(delete)
    assert delete["401"]["content"]["application/json"]["schema"] == error
    assert "400" not in delete  # no body to be malformed
    pickup_points = paths["/api/v1/orders/pickup-points"]["get"]["responses"]
    assert set(pickup_points) == {"200", "401"}  # no input, no object id, changes nothing
    invalid = paths["/api/v1/orders"]["post"]["responses"]["422"]
    assert invalid["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationErrorOut"
    }
    assert {"ErrorOut", "ValidationErrorOut", "FieldErrorOut"} <= set(
        schema["components"]["schemas"]
    )


def test_no_two_schemas_of_the_api_share_a_name(client):
    """django-ninja names a schema's component after its class: two different classes of one
    name (the order lines' `LineOut` and a VIN request's) made one operation publish the other's
    fields, which schemathesis caught on GET /orders/lines."""
    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    shapes: dict[str, dict[str, str]] = {}  # name → JSON schema → the class that has it
    for cls in subclasses(Schema):
        if cls.__module__.startswith("mprating.") and cls.__name__ in components:
            shape = json.dumps(cls.model_json_schema(), sort_keys=True)
            shapes.setdefault(cls.__name__, {})[shape] = f"{cls.__module__}.{cls.__qualname__}"

    # One name may stand for twin classes (the same fields), never for two different shapes.
    clashes = {name: sorted(found.values()) for name, found in shapes.items() if len(found) > 1}
    assert clashes == {}
