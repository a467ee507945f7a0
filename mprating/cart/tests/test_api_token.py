"""`/api/v1/cart` with a client's personal API token (issue 12): no session, no CSRF; the
cart is the token's client's."""

import json

import pytest
from django.test import Client as BrowserClient

from mprating.accounts import services as accounts_services
from mprating.accounts.tests.factories import make_client
from mprating.cart import services
from mprating.catalog.tests.factories import make_offer

pytestmark = pytest.mark.django_db


def _bearer(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


def test_a_token_reads_and_fills_its_own_clients_cart_without_csrf():
    owner, stranger = make_client(), make_client()
    services.cart_add(client=stranger, offer_id=make_offer(quantity=9).pk, quantity=1)
    plain = accounts_services.api_token_create(client=owner, name="1С", expires_at=None).plain
    offer = make_offer(quantity=5)
    browser = BrowserClient(enforce_csrf_checks=True)

    created = browser.post(
        "/api/v1/cart/lines",
        data=json.dumps({"offer_id": offer.pk, "quantity": 2}),
        content_type="application/json",
        headers=_bearer(plain),
    )
    cart = browser.get("/api/v1/cart", headers=_bearer(plain))

    assert created.status_code == 201, created.content
    assert cart.status_code == 200
    assert [line["quantity"] for line in cart.json()["lines"]] == [2]
    assert cart.json()["lines"][0]["offer_id"] == offer.pk
    assert "csrftoken" not in browser.cookies


def test_the_same_post_without_a_token_falls_to_the_session_check_and_is_refused():
    offer = make_offer(quantity=5)

    response = BrowserClient(enforce_csrf_checks=True).post(
        "/api/v1/cart/lines",
        data=json.dumps({"offer_id": offer.pk, "quantity": 2}),
        content_type="application/json",
    )

    # No token: the session's CSRF check comes first and refuses.
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
