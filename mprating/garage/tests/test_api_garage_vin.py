"""`/api/v1/garage`: cars CRUD, the VIN lookup, VIN requests and the chat over the cabinet's
services (seed 004 «Автомобили», «VIN-запрос», «Открыть чат»)."""

import json

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.cart.models import CartLine
from mprating.catalog.tests.factories import make_offer, make_product
from mprating.core.testing import count_queries
from mprating.garage import services
from mprating.garage.models import ChatMessage, Vehicle, VinRequest
from mprating.garage.tests.vin_factories import (
    LADA_VESTA_VIN,
    clear_reference,
    make_vehicle,
    make_vin_request,
    reference,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/garage"


@pytest.fixture
def vesta():
    clear_reference()
    return reference()


@pytest.fixture
def owner(client, vesta):
    account = make_client()
    client.force_login(account.user)
    return account


@pytest.fixture
def stranger(vesta):
    return make_client(email="stranger@example.ru")


@pytest.fixture
def manager():
    return make_staff(roles.MANAGER, email="manager@example.ru")


def _send(client, method, path, body=None):
    return getattr(client, method)(
        path, data=json.dumps(body or {}), content_type="application/json"
    )


def _car_body(modification, **overrides):
    generation = modification.generation
    body = {
        "make_id": generation.model.make_id,
        "model_id": generation.model_id,
        "generation_id": generation.pk,
        "modification_id": modification.pk,
        "year": 2019,
        "vin_or_frame": LADA_VESTA_VIN,
        "comment": "",
    }
    body.update(overrides)
    return body


def test_car_detail_update_delete(client, owner, vesta):
    car = make_vehicle(owner, vesta[0])

    got = client.get(f"{API}/vehicles/{car.pk}")
    updated = _send(client, "put", f"{API}/vehicles/{car.pk}", _car_body(vesta[0], year=2020))
    deleted = client.delete(f"{API}/vehicles/{car.pk}")

    assert (got.status_code, got.json()["name"]) == (200, "Lada Vesta I")
    assert (updated.status_code, updated.json()["year"], updated.json()["warning"]) == (
        200,
        2020,
        "",
    )
    assert deleted.status_code == 204
    assert not Vehicle.objects.exists()


def test_car_update_with_a_bad_vin_is_400_and_nothing_changes(client, owner, vesta):
    car = make_vehicle(owner, vesta[0], year=2018)

    response = _send(
        client, "put", f"{API}/vehicles/{car.pk}", _car_body(vesta[0], vin_or_frame="XTAGFL11OJY1")
    )
    missing = _send(client, "put", f"{API}/vehicles/{car.pk}", {"make_id": 1})

    assert (response.status_code, response.json()["field"]) == (400, "vin_or_frame")
    assert Vehicle.objects.get(pk=car.pk).year == 2018
    assert (missing.status_code, missing.json()["field"]) == (422, "model_id")
    assert missing.json()["errors"][0]["message"] == "Обязательное поле."


def test_another_clients_objects_are_404(client, owner, stranger, vesta):
    car = make_vehicle(stranger, vesta[0])
    request = make_vin_request(stranger, vehicle=car)

    responses = [
        client.get(f"{API}/vehicles/{car.pk}"),
        _send(client, "put", f"{API}/vehicles/{car.pk}", _car_body(vesta[0])),
        client.delete(f"{API}/vehicles/{car.pk}"),
        client.get(f"{API}/vehicles/{car.pk}/vin-lookup"),
        client.get(f"{API}/vin-requests/{request.pk}"),
        _send(client, "post", f"{API}/vin-requests/{request.pk}/resend"),
        client.get(f"{API}/vin-requests/{request.pk}/chat"),
        _send(client, "post", f"{API}/vin-requests/{request.pk}/chat", {"text": "Привет"}),
        _send(client, "post", f"{API}/vin-requests/{request.pk}/chat/read"),
        _send(
            client,
            "post",
            f"{API}/vin-requests",
            {"vehicle_id": car.pk, "lines": [{"part_name": "масло"}]},
        ),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert {r.json()["code"] for r in responses} == {"not_found"}
    assert Vehicle.objects.filter(pk=car.pk).exists()
    assert not ChatMessage.objects.exists()
    assert VinRequest.objects.count() == 1


def test_staff_is_not_a_client(client, vesta):
    client.force_login(make_staff(email="s@example.ru"))

    response = client.get(f"{API}/vin-requests")

    assert response.status_code == 403
    assert response.json() == {
        "code": "not_a_client",
        "message": "Гараж доступен только клиентам магазина.",
        "field": None,
    }


def test_vin_lookup_decodes_and_matches_the_reference(client, owner, vesta):
    body = client.get(f"{API}/vin-lookup?vin={LADA_VESTA_VIN}").json()

    assert body["found"] is True
    assert (body["make"]["name"], body["model"]["name"], body["generation"]["name"]) == (
        "Lada",
        "Vesta",
        "I",
    )
    assert body["modification"]["id"] == vesta[0].pk
    assert body["year"] == 2018
    assert body["decoded"]["years"]
    assert body["selection_url"].endswith(f"modification={vesta[0].pk}")


def test_vin_lookup_bad_number_is_400_and_missing_is_422(client, owner):
    blank = client.get(f"{API}/vin-lookup?vin=")
    bad = client.get(f"{API}/vin-lookup?vin=XTAGFL11OJY123456")
    missing = client.get(f"{API}/vin-lookup")

    assert (blank.status_code, blank.json()["code"], blank.json()["field"]) == (
        400,
        "vin_required",
        "vin",
    )
    assert blank.json()["message"] == "Введите VIN или номер кузова."
    assert (bad.status_code, bad.json()["field"]) == (400, "vin")
    assert "O" in bad.json()["message"]
    assert (missing.status_code, missing.json()["field"]) == (422, "vin")


def test_garage_car_lookup(client, owner, vesta):
    car = make_vehicle(owner, vesta[0], vin_or_frame=LADA_VESTA_VIN)

    body = client.get(f"{API}/vehicles/{car.pk}/vin-lookup").json()

    assert body["number"] == LADA_VESTA_VIN and body["found"] is True


def test_create_a_vin_request_from_a_car(client, owner, vesta):
    car = make_vehicle(owner, vesta[0], vin_or_frame=LADA_VESTA_VIN)
    services.vin_settings_update(manager_emails="vin@shop.ru", by=None)

    response = _send(
        client,
        "post",
        f"{API}/vin-requests",
        {
            "vehicle_id": car.pk,
            "comment": "Срочно",
            "lines": [
                {"part_name": "Масло моторное", "quantity": 4, "note": "5W-40"},
                {"part_name": "Фильтр масляный"},
            ],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["vehicle_name"], body["vin"], body["status"]) == (
        "Lada Vesta I",
        LADA_VESTA_VIN,
        "pending",
    )
    assert [(line["part_name"], line["quantity"]) for line in body["lines"]] == [
        ("Масло моторное", 4),
        ("Фильтр масляный", 1),
    ]
    assert client.get(f"{API}/vin-requests/{body['id']}").json() == body


def test_create_without_lines_or_car_is_a_russian_400(client, owner):
    no_lines = _send(client, "post", f"{API}/vin-requests", {"vin": LADA_VESTA_VIN, "lines": []})
    no_car = _send(client, "post", f"{API}/vin-requests", {"lines": [{"part_name": "масло"}]})
    bad_quantity = _send(
        client,
        "post",
        f"{API}/vin-requests",
        {"vin": LADA_VESTA_VIN, "lines": [{"part_name": "масло", "quantity": 0}]},
    )

    assert (no_lines.status_code, no_lines.json()["message"]) == (
        400,
        "Добавьте хотя бы одну деталь.",
    )
    assert (no_car.status_code, no_car.json()["field"]) == (400, "vin")
    assert (bad_quantity.status_code, bad_quantity.json()["field"]) == (422, "lines.0.quantity")
    assert not VinRequest.objects.exists()


def test_resend_of_a_sent_request_is_400(client, owner):
    request = make_vin_request(owner)

    response = _send(client, "post", f"{API}/vin-requests/{request.pk}/resend")

    assert (response.status_code, response.json()["code"]) == (400, "already_sent")


def test_answer_to_cart(client, owner, manager):
    request = make_vin_request(owner, parts=("фильтр",))
    product = make_product()
    make_offer(product, quantity=5)
    line = request.lines.get()
    answer = services.vin_answer_add(line_id=line.pk, by=manager, product_id=product.pk)

    response = _send(client, "post", f"{API}/answers/{answer.pk}/cart")

    assert response.status_code == 200
    assert response.json()["article"] == product.article
    assert CartLine.objects.get(client=owner).quantity == 1


def test_lists_walk_every_row_once_with_constant_queries(client, owner, manager, vesta):
    make_vehicle(owner, vesta[0])
    first = make_vin_request(owner)
    services.chat_message_post(request=first, author=manager, from_client=False, text="1")
    one = [
        count_queries(lambda path=path: client.get(f"{API}/{path}"))
        for path in ("vehicles", "vin-requests", f"vin-requests/{first.pk}/chat")
    ]

    for index in range(4):
        make_vehicle(owner, vesta[0], comment=str(index))
        services.vin_answer_add(
            line_id=make_vin_request(owner).lines.first().pk,
            by=manager,
            brand_name="MANN",
            article=f"W7{index}",
        )
        services.chat_message_post(
            request=first, author=manager, from_client=index % 2 == 0, text=f"сообщение {index}"
        )

    many = [
        count_queries(lambda path=path: client.get(f"{API}/{path}"))
        for path in ("vehicles", "vin-requests", f"vin-requests/{first.pk}/chat")
    ]
    assert many == one
    for path, expected in (
        ("vehicles", list(Vehicle.objects.values_list("pk", flat=True))),
        ("vin-requests", list(VinRequest.objects.values_list("pk", flat=True))),
        (f"vin-requests/{first.pk}/chat", list(ChatMessage.objects.values_list("pk", flat=True))),
    ):
        seen, cursor = [], None
        while True:
            url = f"{API}/{path}?limit=2" + (f"&cursor={cursor}" if cursor else "")
            body = client.get(url).json()
            seen += [item["id"] for item in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))


def test_chat_post_read_and_get_changes_nothing(client, owner, manager):
    request = make_vin_request(owner)
    services.chat_message_post(
        request=request, author=manager, from_client=False, text="Какой год?"
    )

    listed = client.get(f"{API}/vin-requests/{request.pk}/chat").json()
    assert ChatMessage.objects.get().read_at is None  # GET changes nothing
    assert [(m["text"], m["from_client"]) for m in listed["items"]] == [("Какой год?", False)]

    posted = _send(client, "post", f"{API}/vin-requests/{request.pk}/chat", {"text": " 2018 "})
    empty = _send(client, "post", f"{API}/vin-requests/{request.pk}/chat", {"text": "   "})
    read = _send(client, "post", f"{API}/vin-requests/{request.pk}/chat/read")

    assert (posted.status_code, posted.json()["text"], posted.json()["from_client"]) == (
        201,
        "2018",
        True,
    )
    assert (empty.status_code, empty.json()["code"], empty.json()["field"]) == (
        400,
        "empty_message",
        "text",
    )
    assert read.json() == {"marked_read": 1}
    assert ChatMessage.objects.get(from_client=False).read_at is not None
    assert ChatMessage.objects.get(from_client=True).read_at is None
    assert client.get(f"{API}/vin-requests/{request.pk}").json()["unread_messages"] == 0


def test_reference_lists_narrow_like_the_car_form(client, owner, vesta):
    generation = vesta[0].generation
    model = generation.model

    top = client.get(f"{API}/reference").json()
    full = client.get(
        f"{API}/reference?make={model.make_id}&model={model.pk}&generation={generation.pk}"
    ).json()
    bad = client.get(f"{API}/reference?make=Lada")

    assert [m["name"] for m in top["makes"]] == ["Lada"]
    assert top["models"] == top["generations"] == top["modifications"] == top["years"] == []
    assert [m["name"] for m in full["models"]] == ["Vesta"]
    assert [g["id"] for g in full["generations"]] == [generation.pk]
    assert vesta[0].pk in [m["id"] for m in full["modifications"]]
    assert full["years"][-1] == generation.year_from
    assert (bad.status_code, bad.json()["field"]) == (422, "make")
