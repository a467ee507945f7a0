"""Pickup points: the list offered at checkout and the demo data."""

import io

import pytest

from mprating.accounts.models import User
from mprating.pickup_points import demo
from mprating.pickup_points.models import PickupPoint
from mprating.pickup_points.selectors import pickup_points_active

pytestmark = pytest.mark.django_db


def test_only_active_points_are_offered_by_name():
    PickupPoint.objects.create(name="Ясенево", address="г. Москва, Новоясеневский пр-т, д. 1")
    PickupPoint.objects.create(name="Арбат", address="г. Москва, ул. Арбат, д. 1")
    PickupPoint.objects.create(name="Бутово", address="г. Москва, ул. Грина, д. 1", is_active=False)

    assert [p.name for p in pickup_points_active()] == ["Арбат", "Ясенево"]


def test_demo_seed_is_idempotent_and_gives_two_points_to_the_demo_owner():
    owner = User.objects.create_user(email=demo.DEMO_OWNER_EMAIL, password="x")

    demo.seed(stdout=io.StringIO())
    first = list(PickupPoint.objects.values_list("name", "address", "is_active", "owner_id"))
    out = io.StringIO()
    demo.seed(stdout=out)
    second = list(PickupPoint.objects.values_list("name", "address", "is_active", "owner_id"))

    assert first == second
    assert len(second) == 6
    assert PickupPoint.objects.filter(is_active=False).count() == 1
    assert PickupPoint.objects.filter(owner=owner).count() == 2
    assert "добавлено 0, всего 6" in out.getvalue()


def test_demo_seed_without_the_owner_login_leaves_points_ownerless():
    demo.seed(stdout=io.StringIO())

    assert PickupPoint.objects.count() == 6
    assert not PickupPoint.objects.filter(owner__isnull=False).exists()
