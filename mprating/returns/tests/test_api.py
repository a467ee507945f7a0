"""`/api/v1/returns`: the cabinet's «Возвраты» as JSON — the same eligibility rule, the same
`return_create` with the same photo checks, 404 for another client's things, constant queries.

Seed 004: «При наступлении статуса отгружен возможен только возврат по условиям, описанным в
следующей колонке “Возможность обратного выкупа”».
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mprating.accounts.tests.factories import make_client
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.models import OutgoingEmail
from mprating.core.testing import count_queries
from mprating.orders import services as order_services
from mprating.orders.models import OrderStatus
from mprating.orders.tests.factories import add_to_cart, place_order
from mprating.returns.models import (
    ReturnEmailPreference,
    ReturnPhoto,
    ReturnRequest,
    ReturnStatus,
    ReturnStatusChange,
)
from mprating.returns.tests.factories import (
    advance,
    bomb_png,
    make_return,
    manager,
    photo,
    placed_line,
    reason,
    shipped_line,
)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/returns"


@pytest.fixture
def buyer(client):
    account = make_client(first_name="Анна", last_name="Соколова")
    client.force_login(account.user)
    return account


@pytest.fixture
def stranger():
    return make_client(first_name="Пётр", last_name="Чужой")


def _shipped_order(buyer, n: int):
    warehouse = make_warehouse()
    for _ in range(n):
        add_to_cart(buyer, make_offer(make_product(), warehouse, quantity=5), 1)
    order = place_order(buyer)
    order_services.line_status_set(
        line_ids=list(order.lines.values_list("pk", flat=True)),
        status_id=OrderStatus.objects.get(role=OrderStatus.Role.SHIPPED).pk,
        actor=manager(),
    )
    return list(order.lines.order_by("pk"))


def _create(client, line, **overrides):
    data = {
        "line_id": str(line.pk),
        "quantity": "1",
        "reason_id": str(reason().pk),
        "description": "Не подошло по размеру",
    }
    data.update(overrides)
    return client.post(BASE, data=data)


def _walk(client, url, limit):
    seen, cursor = [], None
    for _ in range(50):
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        body = client.get(url, query).json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the pages did not end")


def test_returns_require_a_session(client):
    assert client.get(BASE).status_code == 401
    assert client.post(BASE, data={}).status_code in (401, 403)


def test_create_a_return_with_photos_and_read_it_back(client, buyer):
    line = shipped_line(buyer, quantity=3, price="5230.00", deduction="10", brand="SACHS")

    response = _create(
        client,
        line,
        quantity="2",
        photos=[photo("a.png"), photo("b.jpg", fmt="JPEG")],
    )

    assert response.status_code == 201, response.content
    body = response.json()
    created = ReturnRequest.objects.get()
    assert body["id"] == created.pk and body["status"] == ReturnStatus.NEW
    assert body["status_label"] == "Новый"
    assert body["position"]["brand"] == "SACHS" and body["position"]["line_id"] == line.pk
    # Money is a decimal string, never a float: 2 × 5 230,00 − 10 %.
    assert body["unit_price"] == "5230.00"
    assert body["gross_amount"] == "10460.00"
    assert body["refund_amount"] == "9414.00"
    assert body["deduction_amount"] == "1046.00"
    assert [p["content_type"] for p in body["photos"]] == ["image/png", "image/jpeg"]
    assert body["history"][0]["by"] == "вы"
    assert "причина «Не подошло»" in body["history"][0]["comment"]

    detail = client.get(f"{BASE}/{created.pk}").json()
    assert detail == body
    image = client.get(body["photos"][0]["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_list_is_the_clients_own_newest_first(client, buyer, stranger):
    first = make_return(buyer, shipped_line(buyer))
    second = make_return(buyer, shipped_line(buyer))
    make_return(stranger, shipped_line(stranger))

    body = client.get(BASE).json()

    assert [item["id"] for item in body["items"]] == [second.pk, first.pk]
    assert body["next_cursor"] is None


def test_another_clients_return_line_and_photo_are_404(client, buyer, stranger):
    line = shipped_line(stranger)
    theirs = make_return(stranger, line, uploads=[photo()])
    their_photo = ReturnPhoto.objects.get()

    for url in (
        f"{BASE}/{theirs.pk}",
        f"{BASE}/lines/{line.pk}",
        f"{BASE}/photos/{their_photo.pk}",
        f"{BASE}/999999",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"

    created = _create(client, line)
    assert created.status_code == 404
    assert created.json()["message"] == "Позиция заказа не найдена."
    assert ReturnRequest.objects.count() == 1


def test_a_user_who_is_not_a_client_gets_404(client):
    client.force_login(manager())

    response = client.get(BASE)

    assert response.status_code == 404
    assert response.json()["message"] == "Возвраты есть только у клиентов магазина."


def test_quantity_over_what_is_left_is_400_on_the_field_and_nothing_is_made(client, buyer):
    line = shipped_line(buyer, quantity=2)
    make_return(buyer, line, quantity=1)

    response = _create(client, line, quantity="2")

    assert response.status_code == 400
    assert response.json() == {
        "code": "quantity_too_big",
        "message": "Вернуть можно не больше 1 шт. (ещё 1 шт. уже в возврате).",
        "field": "quantity",
    }
    assert ReturnRequest.objects.count() == 1


def test_a_quantity_that_is_not_a_number_is_422_in_russian(client, buyer):
    response = _create(client, shipped_line(buyer), quantity="два")

    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "quantity" and body["message"] == "Проверьте введённые данные."
    assert body["errors"] == [{"field": "quantity", "message": "Введите целое число."}]
    assert not ReturnRequest.objects.exists()


def test_a_line_not_shipped_is_refused_with_the_reason(client, buyer):
    response = _create(client, placed_line(buyer))

    assert response.status_code == 400
    assert response.json()["code"] == "not_returnable"
    assert response.json()["message"].startswith("Вернуть можно только отгруженную позицию")


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("doc.png", b"%PDF-1.4 not an image", "image/png"), "photo_not_image"),
        (SimpleUploadedFile("bomb.png", bomb_png(), "image/png"), "photo_too_large"),
    ],
)
def test_a_photo_that_is_not_a_fine_image_refuses_the_whole_return(
    client, buyer, settings, upload, code
):
    response = _create(client, shipped_line(buyer), photos=[photo(), upload])

    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["field"] == "photos"
    assert not ReturnRequest.objects.exists() and not ReturnPhoto.objects.exists()
    stored = settings.MEDIA_ROOT / "returns"
    assert not stored.exists() or not any(stored.iterdir())


def test_too_many_or_too_big_photos_are_refused_as_in_the_cabinet(client, buyer, settings):
    settings.RETURNS_MAX_PHOTOS = 1
    many = _create(client, shipped_line(buyer), photos=[photo(), photo("b.png")])
    settings.RETURNS_MAX_PHOTOS = 5
    settings.RETURNS_MAX_PHOTO_MB = 0
    big = _create(client, shipped_line(buyer), photos=[photo()])

    assert many.status_code == 400 and many.json()["code"] == "too_many_photos"
    assert big.status_code == 400 and big.json()["code"] == "photo_too_big"
    assert not ReturnRequest.objects.exists()


def test_reasons_are_the_ones_the_form_offers(client, buyer):
    body = client.get(f"{BASE}/reasons").json()

    assert {"id": reason().pk, "name": "Не подошло"} in body


def test_lines_say_which_may_be_returned_and_why_not(client, buyer, stranger):
    eligible = shipped_line(buyer, quantity=2)
    all_returned = shipped_line(buyer, quantity=1)
    make_return(buyer, all_returned, quantity=1)
    shipped_line(buyer, returnable=False)  # «невозвратный»: not offered at all
    placed_line(buyer)  # not shipped yet: refused, not offered
    shipped_line(stranger)

    items = {
        item["position"]["line_id"]: item for item in client.get(f"{BASE}/lines").json()["items"]
    }

    assert set(items) == {eligible.pk, all_returned.pk}
    assert items[eligible.pk]["verdict"]["allowed"] is True
    assert items[eligible.pk]["verdict"]["available"] == 2
    assert items[all_returned.pk]["verdict"] == {
        **items[all_returned.pk]["verdict"],
        "allowed": False,
        "available": 0,
        "returned": 1,
        "reason": "Все 1 шт. этой позиции уже возвращены или оформлены в возврат.",
    }


def test_a_line_with_a_quote_for_the_quantity(client, buyer):
    line = shipped_line(buyer, quantity=3, price="1000.00", deduction="15")

    body = client.get(f"{BASE}/lines/{line.pk}", {"quantity": 2}).json()
    everything = client.get(f"{BASE}/lines/{line.pk}").json()

    assert body["quote"] == {
        "quantity": 2,
        "gross": "2000.00",
        "deduction": "300.00",
        "refund": "1700.00",
    }
    assert everything["quote"]["quantity"] == 3 and everything["quote"]["refund"] == "2550.00"
    assert client.get(f"{BASE}/lines/{line.pk}", {"quantity": 0}).status_code == 422


def test_a_not_shipped_line_says_why(client, buyer):
    body = client.get(f"{BASE}/lines/{placed_line(buyer).pk}").json()

    assert body["verdict"]["allowed"] is False
    assert "до статуса «Отгружен» от неё можно отказаться" in body["verdict"]["reason"]


def test_cursor_walk_returns_every_return_once_in_order(client, buyer):
    lines = _shipped_order(buyer, 7)
    made = [make_return(buyer, line) for line in lines]

    seen = _walk(client, BASE, limit=3)

    assert [item["id"] for item in seen] == [r.pk for r in reversed(made)]


def test_cursor_walk_of_lines_returns_every_line_once(client, buyer):
    lines = _shipped_order(buyer, 7)

    seen = _walk(client, f"{BASE}/lines", limit=2)

    assert sorted(item["position"]["line_id"] for item in seen) == [line.pk for line in lines]
    assert len(seen) == 7


def test_a_damaged_cursor_is_400_on_the_cursor_field(client, buyer):
    response = client.get(BASE, {"cursor": "испорчен"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor" and response.json()["field"] == "cursor"


def test_lists_cost_the_same_for_one_row_and_many(client, buyer):
    lines = _shipped_order(buyer, 30)
    make_return(buyer, lines[0])
    one_return = count_queries(lambda: client.get(BASE))
    one_line = count_queries(lambda: client.get(f"{BASE}/lines", {"limit": 1}))
    for line in lines[1:]:
        make_return(buyer, line)

    many_returns = count_queries(lambda: client.get(BASE))
    many_lines = count_queries(lambda: client.get(f"{BASE}/lines"))

    assert len(client.get(BASE).json()["items"]) == 30
    assert len(client.get(f"{BASE}/lines").json()["items"]) == 30
    assert one_return == many_returns
    assert one_line == many_lines


def test_gets_change_nothing(client, buyer):
    line = shipped_line(buyer, quantity=2)
    item = make_return(buyer, line, uploads=[photo()])
    advance(item, ReturnStatus.REVIEW)

    def state():
        return (
            list(ReturnRequest.objects.values_list("pk", "status", "status_changed_at")),
            ReturnStatusChange.objects.count(),
            OutgoingEmail.objects.count(),
            ReturnEmailPreference.objects.count(),
        )

    before = state()
    for url in (
        BASE,
        f"{BASE}/{item.pk}",
        f"{BASE}/lines",
        f"{BASE}/lines/{line.pk}",
        f"{BASE}/reasons",
        f"{BASE}/letters",
        f"{BASE}/photos/{ReturnPhoto.objects.get().pk}",
    ):
        assert client.get(url).status_code == 200, url

    assert state() == before


def test_letters_switch(client, buyer):
    assert client.get(f"{BASE}/letters").json() == {"enabled": True}

    response = client.put(
        f"{BASE}/letters", data={"enabled": False}, content_type="application/json"
    )

    assert response.json() == {"enabled": False}
    assert ReturnEmailPreference.objects.get(client=buyer).email_enabled is False
    assert client.get(f"{BASE}/letters").json() == {"enabled": False}
