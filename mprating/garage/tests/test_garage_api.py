"""`/api/v1/garage`: cars and VIN requests of the client only."""

import pytest

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.garage.tests.vin_factories import (
    clear_reference,
    make_vehicle,
    make_vin_request,
    reference,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vesta():
    clear_reference()
    return reference()


def test_cars_list_and_create(client, vesta):
    owner = make_client()
    make_vehicle(make_client(email="other@example.ru"), vesta[0])  # someone else's
    client.force_login(owner.user)
    generation = vesta[0].generation

    created = client.post(
        "/api/v1/garage/vehicles",
        {
            "make_id": generation.model.make_id,
            "model_id": generation.model_id,
            "generation_id": generation.pk,
            "modification_id": vesta[0].pk,
            "power_hp": 106,
            "vin_or_frame": "XTAGFL110JY123456",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Lada Vesta I"
    assert "Контрольный знак" in body["warning"]

    listed = client.get("/api/v1/garage/vehicles").json()["items"]
    assert [car["name"] for car in listed] == ["Lada Vesta I"]


def test_bad_vin_is_400_with_russian_message(client, vesta):
    client.force_login(make_client().user)
    generation = vesta[0].generation

    response = client.post(
        "/api/v1/garage/vehicles",
        {
            "make_id": generation.model.make_id,
            "model_id": generation.model_id,
            "generation_id": generation.pk,
            "vin_or_frame": "XTAGFL11OJY123456",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "vin_or_frame"


def test_vin_requests_are_own_only(client, vesta):
    owner = make_client()
    mine = make_vin_request(owner)
    make_vin_request(make_client(email="other@example.ru"))
    client.force_login(owner.user)

    body = client.get("/api/v1/garage/vin-requests").json()["items"]

    assert [item["id"] for item in body] == [mine.pk]
    assert body[0]["lines_count"] == 2 and body[0]["status_label"] == "Ожидает обработки"


def test_staff_is_not_a_client(client, vesta):
    client.force_login(make_staff(email="s@example.ru"))

    assert client.get("/api/v1/garage/vehicles").status_code == 403
