"""`/api/v1/notifications/preferences`: the «Уведомления» switches over the same service."""

import json

import pytest

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.testing import count_queries
from mprating.notifications.models import StatusEmailPreference
from mprating.notifications.tests.helpers import role, status
from mprating.orders.models import OrderStatus

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/preferences"


@pytest.fixture
def customer(client):
    account = make_client(email="prefs-api@example.ru")
    client.force_login(account.user)
    return account


def _put(client, ids):
    body = json.dumps({"enabled_status_ids": ids})
    return client.put(URL, data=body, content_type="application/json")


def _enabled(body) -> set[str]:
    return {s["name"] for s in body["statuses"] if s["email_enabled"]}


def test_all_offered_statuses_are_on_by_default(client, customer):
    body = client.get(URL).json()

    offered = set(OrderStatus.objects.filter(notify_client=True).values_list("name", flat=True))
    assert {s["name"] for s in body["statuses"]} == offered
    assert _enabled(body) == offered and body["enabled_count"] == len(offered)
    assert "Новый" not in offered
    assert {s["name"] for s in body["statuses"] if s["is_key"]} == {"Отказ", "Отгружен"}
    assert not StatusEmailPreference.objects.exists()  # GET changes nothing


def test_put_keeps_exactly_the_given_statuses(client, customer):
    shipped = role("shipped")

    response = _put(client, [shipped.pk, status("Новый").pk])

    assert response.status_code == 200
    assert _enabled(response.json()) == {shipped.name}
    assert _enabled(client.get(URL).json()) == {shipped.name}


def test_keep_key_and_enable_all(client, customer):
    key = client.post(f"{URL}/keep-key").json()
    assert _enabled(key) == {"Отказ", "Отгружен"}

    everything = client.post(f"{URL}/enable-all").json()
    assert everything["enabled_count"] == len(everything["statuses"])


def test_bad_body_is_422_on_the_field_and_nothing_saved(client, customer):
    response = _put(client, ["отказ"])

    assert response.status_code == 422
    assert response.json()["field"] == "enabled_status_ids.0"
    assert response.json()["errors"][0]["message"] == "Введите целое число."
    assert not StatusEmailPreference.objects.exists()


def test_each_client_sees_own_switches(client, customer):
    other = make_client(email="other-prefs@example.ru")
    _put(client, [])

    assert _enabled(client.get(URL).json()) == set()
    client.force_login(other.user)
    assert _enabled(client.get(URL).json()) != set()


def test_not_a_client_is_404(client):
    client.force_login(make_staff(email="prefs-staff@example.ru"))

    response = client.get(URL)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_reading_costs_the_same_queries_after_saving(client, customer):
    before = count_queries(lambda: client.get(URL))
    _put(client, [role("refused").pk])

    assert count_queries(lambda: client.get(URL)) == before
