"""«Настройки → Статусы»: managers edit the statuses; a status in use is never deleted."""

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.orders.models import OrderStatus
from mprating.orders.tests.status_helpers import order_with_lines, role, status

pytestmark = pytest.mark.django_db

STATUSES = "/backoffice/orders/orderstatus/"


@pytest.fixture
def manager_browser(client):
    client.force_login(make_staff(roles.MANAGER, email="manager@example.ru"))
    return client


def _form(obj: OrderStatus, **changes) -> dict:
    data = {
        "name": obj.name,
        "colour": obj.colour,
        "sort_order": obj.sort_order,
        "is_final": "on" if obj.is_final else "",
        "notify_client": "on" if obj.notify_client else "",
        "for_home": "on" if obj.for_home else "",
        "for_transit": "on" if obj.for_transit else "",
        "for_marketplace": "on" if obj.for_marketplace else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_list_shows_every_status_with_its_colour(manager_browser):
    page = manager_browser.get(STATUSES).content.decode()

    for obj in OrderStatus.objects.all():
        assert obj.name in page
        assert obj.colour in page


def test_manager_renames_and_recolours_a_status(manager_browser):
    accepted = status("Принят")

    response = manager_browser.post(
        f"{STATUSES}{accepted.pk}/change/",
        _form(accepted, name="Принят в работу", colour="#123abc", notify_client=""),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    accepted.refresh_from_db()
    assert (accepted.name, accepted.colour, accepted.notify_client) == (
        "Принят в работу",
        "#123abc",
        False,
    )


def test_role_keeps_its_final_flag(manager_browser):
    refused = role("refused")

    manager_browser.post(
        f"{STATUSES}{refused.pk}/change/", _form(refused, name="Отказано", is_final="")
    )

    refused.refresh_from_db()
    assert (refused.name, refused.is_final, refused.role) == ("Отказано", True, "refused")


def test_bad_colour_is_refused_next_to_the_field(manager_browser):
    accepted = status("Принят")

    response = manager_browser.post(
        f"{STATUSES}{accepted.pk}/change/", _form(accepted, colour="зелёный")
    )

    assert response.status_code == 200
    assert "Цвет в формате #RRGGBB" in response.content.decode()


def test_status_in_use_cannot_be_deleted_and_says_why(manager_browser):
    order_with_lines(make_client())
    new = role("new")
    accepted = status("Принят")  # unused, no role

    used_page = manager_browser.get(f"{STATUSES}{new.pk}/change/").content.decode()
    used_delete = manager_browser.post(f"{STATUSES}{new.pk}/delete/", {"post": "yes"})
    free_delete = manager_browser.post(f"{STATUSES}{accepted.pk}/delete/", {"post": "yes"})

    assert "нельзя удалить" in used_page
    assert used_delete.status_code == 403
    assert OrderStatus.objects.filter(pk=new.pk).exists()
    assert free_delete.status_code == 302
    assert not OrderStatus.objects.filter(pk=accepted.pk).exists()


def test_manager_adds_a_status_to_a_chain(manager_browser):
    response = manager_browser.post(
        f"{STATUSES}add/",
        {"name": "Упакован", "colour": "#0ea5e9", "sort_order": 35, "for_home": "on"},
    )

    assert response.status_code == 302
    created = OrderStatus.objects.get(name="Упакован")
    assert (created.for_home, created.for_transit, created.role) == (True, False, "")


def test_operator_only_reads_statuses(client):
    client.force_login(make_staff(roles.OPERATOR, email="operator@example.ru"))
    accepted = status("Принят")

    page = client.get(f"{STATUSES}{accepted.pk}/change/")
    post = client.post(f"{STATUSES}{accepted.pk}/change/", _form(accepted, name="Взлом"))

    assert page.status_code == 200
    assert post.status_code == 403
    accepted.refresh_from_db()
    assert accepted.name == "Принят"
