"""`/api/v1/orders`: the same checkout service and messages as the cabinet."""

import json
import uuid

import pytest

from mprating.accounts.tests.factories import make_client
from mprating.catalog.tests.factories import make_offer
from mprating.core.testing import count_queries
from mprating.orders.models import Order
from mprating.orders.tests.factories import add_to_cart, make_pickup_point, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    account = make_client(last_name="Апишин")
    client.force_login(account.user)
    return account


def _post(client, body):
    return client.post("/api/v1/orders", data=json.dumps(body), content_type="application/json")


def _body(**overrides):
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "payment_method": "invoice",
        "recipient_phone": "+7 916 000-11-22",
        "comment": "",
    }
    body.update(overrides)
    return body


def test_pickup_points_lists_only_active_ones(client, signed_in):
    make_pickup_point(name="Б открыт")
    make_pickup_point(name="А закрыт", is_active=False)

    body = client.get("/api/v1/orders/pickup-points").json()

    assert [point["name"] for point in body] == ["Б открыт"]


def test_order_is_placed_once_per_key(client, signed_in):
    add_to_cart(signed_in, make_offer(price="199.90", quantity=3), quantity=2)
    body = _body(pickup_point_id=make_pickup_point().pk)

    first = _post(client, body)
    second = _post(client, body)

    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert first.json()["total"] == "399.80"
    assert first.json()["lines"][0]["status"] == {"name": "Новый", "colour": "#2563eb"}
    assert Order.objects.count() == 1


def test_bad_input_gets_the_same_russian_message(client, signed_in):
    add_to_cart(signed_in, make_offer(), quantity=1)

    response = _post(client, _body(recipient_phone="12"))

    assert response.status_code == 400
    body = response.json()
    assert (body["field"], body["message"]) == (
        "recipient_phone",
        "Введите номер телефона полностью, например +7 916 123-45-67.",
    )
    assert not Order.objects.exists()


def test_another_clients_order_is_404(client, signed_in):
    stranger = make_client(email="stranger@example.ru")
    add_to_cart(stranger, make_offer(), quantity=1)
    order = place_order(stranger)

    assert client.get(f"/api/v1/orders/{order.number}").status_code == 404


def test_order_detail_query_count_does_not_grow(client, signed_in):
    for _ in range(5):
        add_to_cart(signed_in, make_offer(), quantity=1)
    small = place_order(signed_in)
    for _ in range(50):
        add_to_cart(signed_in, make_offer(), quantity=1)
    large = place_order(signed_in)

    answers = []
    small_count = count_queries(
        lambda: answers.append(client.get(f"/api/v1/orders/{small.number}"))
    )
    large_count = count_queries(
        lambda: answers.append(client.get(f"/api/v1/orders/{large.number}"))
    )

    # Both answers are the orders themselves (a 404 would make the counts equal for nothing).
    assert [answer.status_code for answer in answers] == [200, 200]
    assert [len(answer.json()["lines"]) for answer in answers] == [5, 50]
    assert small_count == large_count


def test_checkout_answers_from_what_it_wrote_with_one_savepoint(
    client, signed_in, django_assert_num_queries
):
    # Issue 13 (mixed load): the cart, the stock and the package take no savepoint of their
    # own inside checkout (only `before_cart`, which a twin submit rolls back to), and the
    # answer is built from the order and lines just written, not read again; it is the same
    # as what a double submit (which reads the order) gets. The session user comes with its
    # client (one query).
    for price in ("199.90", "10.00"):
        add_to_cart(signed_in, make_offer(price=price, quantity=3), quantity=2)
    body = _body(pickup_point_id=make_pickup_point().pk, comment="Позвонить")

    with django_assert_num_queries(21) as placed:
        first = _post(client, body)
    statements = [query["sql"].split()[0] for query in placed.captured_queries]
    # The double submit: the session user, the order with its lines in the service's atomic
    # block (a savepoint here) — read once, not read again for the answer.
    with django_assert_num_queries(5):
        again = _post(client, body)

    # The request's own atomic block is a savepoint too inside the test's transaction.
    assert statements.count("SAVEPOINT") == 2
    assert statements[-1] == "RELEASE"  # nothing is read after the order's transaction
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert [line["price"] for line in first.json()["lines"]] == ["199.90", "10.00"]
