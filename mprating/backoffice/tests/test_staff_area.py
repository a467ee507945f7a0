"""`/backoffice/` is the staff's: a signed-in client or ПВЗ owner is told so in Russian (403),
not offered the admin's sign-in form; anonymous visitors get that form, staff get in."""

import pytest
from django.contrib.auth.models import Group

from mprating.accounts import roles
from mprating.accounts.models import User
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.backoffice.views import STAFF_AREA

pytestmark = pytest.mark.django_db


def _pickup_point_owner() -> User:
    owner = User.objects.create_user(email="pvz@example.ru", password=PASSWORD)
    owner.groups.add(Group.objects.get(name=roles.PICKUP_POINT_OWNER))
    return owner


@pytest.mark.parametrize("person", ["client", "pickup_point_owner"])
def test_non_staff_are_told_in_russian_that_this_is_the_staff_area(client, person):
    user = make_client().user if person == "client" else _pickup_point_owner()
    client.force_login(user)

    response = client.get("/backoffice/", follow=True)

    page = response.content.decode()
    assert response.status_code == 403
    assert STAFF_AREA in page
    assert "Бэкофис — рабочее место сотрудников магазина." in STAFF_AREA
    assert 'name="password"' not in page  # no sign-in form inviting another account
    assert "Welcome back" not in page


def test_a_deep_back_office_link_gets_the_same_answer(client):
    client.force_login(make_client().user)

    response = client.get("/backoffice/orders/order/", follow=True)

    assert response.status_code == 403
    assert STAFF_AREA in response.content.decode()


def test_anonymous_visitor_gets_the_sign_in_form(client):
    response = client.get("/backoffice/", follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="password"' in page
    assert "Добро пожаловать в" in page
    assert "Welcome back" not in page


def test_staff_sign_in_through_the_same_door(client):
    make_staff(roles.OPERATOR, email="operator@example.ru")

    response = client.post(
        "/backoffice/login/?next=/backoffice/",
        {"username": "operator@example.ru", "password": PASSWORD, "next": "/backoffice/"},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/backoffice/"
    assert response.wsgi_request.user.is_staff
