"""`/api/v1/cart`: the same cart rules and Russian messages as the cabinet."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mprating.accounts.tests.factories import make_client
from mprating.cart import services
from mprating.cart.models import CartImport, CartLine
from mprating.cart.tests.files import HEADER, xlsx_bytes
from mprating.catalog.tests.factories import make_offer, make_product
from mprating.core.testing import xlsx_bomb

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    account = make_client()
    client.force_login(account.user)
    return account


def _post(client, body):
    return client.post("/api/v1/cart/lines", data=json.dumps(body), content_type="application/json")


def test_cart_requires_a_session(client):
    assert client.get("/api/v1/cart").status_code == 401


def test_add_line_and_read_cart_with_real_prices(client, signed_in):
    signed_in.markup_percent = Decimal("30")
    signed_in.save(update_fields=["markup_percent"])
    offer = make_offer(product=make_product(brand="MANN", article="W 712/95"), price="350.00")

    created = _post(client, {"offer_id": offer.pk, "quantity": 2})
    cart = client.get("/api/v1/cart").json()

    assert created.status_code == 201
    assert created.json()["line_sum"] == "700.00"
    assert cart["total"] == "700.00" and cart["lines_count"] == 1 and cart["pieces"] == 2
    assert cart["lines"][0]["brand"] == "MANN" and cart["lines"][0]["price"] == "350.00"


def test_add_over_stock_is_400_with_russian_message(client, signed_in):
    offer = make_offer(quantity=3)

    response = _post(client, {"offer_id": offer.pk, "quantity": 5})

    assert response.status_code == 400
    assert response.json()["message"] == "Можно заказать не больше 3 шт."
    assert response.json()["field"] == "quantity"
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("body", [{"offer_id": 1, "quantity": 0}, {"offer_id": 1}, {"quantity": 1}])
def test_bad_body_is_422(client, signed_in, body):
    response = _post(client, body)

    assert response.status_code == 422
    assert response.json()["message"] == "Проверьте введённые данные."


def test_change_and_delete_only_own_lines(client, signed_in):
    own = services.cart_add(client=signed_in, offer_id=make_offer(quantity=9).pk, quantity=1)
    other = services.cart_add(client=make_client(), offer_id=make_offer().pk, quantity=1)

    changed = client.patch(
        f"/api/v1/cart/lines/{own.pk}", data='{"quantity": 4}', content_type="application/json"
    )
    foreign = client.patch(
        f"/api/v1/cart/lines/{other.pk}", data='{"quantity": 4}', content_type="application/json"
    )
    deleted = client.delete(f"/api/v1/cart/lines/{own.pk}")
    foreign_delete = client.delete(f"/api/v1/cart/lines/{other.pk}")

    assert changed.status_code == 200 and changed.json()["quantity"] == 4
    assert foreign.status_code == 404 and foreign_delete.status_code == 404
    assert deleted.status_code == 204
    assert list(CartLine.objects.values_list("pk", flat=True)) == [other.pk]


def test_cart_api_query_count_does_not_grow(client, signed_in, django_assert_max_num_queries):
    for i in range(30):
        offer = make_offer(product=make_product(article=f"API{i}"))
        services.cart_add(client=signed_in, offer_id=offer.pk, quantity=1)

    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/cart").json()

    assert len(body["lines"]) == 30


# ---- «Загрузить в корзину» over the API ---------------------------------------------------


def _upload(client, content: bytes, name: str = "zakaz.xlsx"):
    return client.post("/api/v1/cart/import", {"file": SimpleUploadedFile(name, content)})


def test_import_adds_good_rows_and_reports_the_others(client, signed_in):
    make_offer(product=make_product(brand="BOSCH", article="0986452041"), quantity=10)

    response = _upload(
        client, xlsx_bytes([["BOSCH", "0 986 452 041", 2, ""], ["BOSCH", "NOPE", 1, ""]])
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["rows_total"], body["added"], body["not_added"]) == (2, 1, 1)
    assert body["rows"][1]["row_number"] == 3 and body["rows"][1]["outcome"] == "not_found"
    assert body["rows"][1]["reason"].startswith("не найден")
    assert CartLine.objects.get(client=signed_in).quantity == 2


def test_import_of_a_zip_bomb_is_400_in_russian_and_adds_nothing(client, signed_in):
    make_offer(product=make_product(brand="BOSCH", article="0986452041"))
    bomb = xlsx_bomb([HEADER, ["BOSCH", "0986452041", 1, ""]], unpacked_mb=120)

    response = _upload(client, bomb)

    assert response.status_code == 400
    assert response.json()["code"] == "file_too_big_unpacked"
    assert response.json()["field"] == "file"
    assert "в распакованном виде занимает 120 МБ" in response.json()["message"]
    assert not CartImport.objects.exists() and not CartLine.objects.exists()


@pytest.mark.parametrize("quantity", [99999999999, 10**30])
def test_add_or_change_with_a_huge_quantity_is_400_quantity_too_big(client, signed_in, quantity):
    offer = make_offer(quantity=10)
    line = services.cart_add(client=signed_in, offer_id=offer.pk, quantity=1)

    added = _post(client, {"offer_id": offer.pk, "quantity": quantity})
    changed = client.patch(
        f"/api/v1/cart/lines/{line.pk}",
        data=json.dumps({"quantity": quantity}),
        content_type="application/json",
    )

    for response in (added, changed):
        assert response.status_code == 400
        assert response.json() == {
            "code": "quantity_too_big",
            "message": "Слишком большое количество: не больше 100\u00a0000 шт. в одной позиции.",
            "field": "quantity",
        }
    assert CartLine.objects.get().quantity == 1


def test_import_with_a_huge_quantity_reports_the_row(client, signed_in):
    make_offer(product=make_product(brand="BOSCH", article="0986452041"), quantity=10)

    response = _upload(client, xlsx_bytes([["BOSCH", "0986452041", 99999999999, ""]]))

    assert response.status_code == 201
    assert response.json()["rows"][0]["outcome"] == "bad_quantity"
    assert response.json()["rows"][0]["reason"] == (
        "слишком большое количество (не больше 100\u00a0000 шт.)"
    )
    assert not CartLine.objects.exists()


def test_add_answers_the_line_as_the_cart_reads_it_without_reading_it_again(
    client, signed_in, django_assert_num_queries
):
    # Issue 13 (mixed load): the answer is built from the line and offer `cart_add` loaded.
    # The session's user with its client (one query), then in the service's atomic block (a
    # savepoint here): offer,
    # the line under lock, INSERT in its own savepoint (a parallel add may win the race) or
    # UPDATE — and nothing after it.
    offer = make_offer(product=make_product(brand="MANN", article="W 712/95"), price="350.00")

    with django_assert_num_queries(8):
        created = _post(client, {"offer_id": offer.pk, "quantity": 2, "comment": " к ТО "})
    with django_assert_num_queries(6):
        added = _post(client, {"offer_id": offer.pk, "quantity": 1})

    assert created.status_code == added.status_code == 201
    read = client.get("/api/v1/cart").json()["lines"]
    assert added.json() == read[0]
    assert created.json() == {**read[0], "quantity": 2, "line_sum": "700.00"}
    assert read[0]["comment"] == "к ТО" and read[0]["line_sum"] == "1050.00"
