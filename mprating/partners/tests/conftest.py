"""Fixtures of the partner tests."""

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff
from mprating.orders.models import OrderStatus
from mprating.partners.selectors import at_point_status
from mprating.pickup_points.owners import point_owner_set
from mprating.pickup_points.tests.factories import make_owner, make_point

PASSWORD = "Punkt-vydachi-77"


@pytest.fixture
def at_point(db) -> OrderStatus:
    status = at_point_status()
    assert status is not None and status.name == "В ПВЗ"
    return status


@pytest.fixture
def all_chains_at_point(at_point) -> OrderStatus:
    """«В ПВЗ» ticked for the own and transit warehouses too, as a manager would do in
    «Настройки → Статусы» (the default chains have it for buyouts only)."""
    OrderStatus.objects.filter(pk=at_point.pk).update(for_home=True, for_transit=True)
    at_point.refresh_from_db()
    return at_point


@pytest.fixture
def operator(db):
    return make_staff(roles.OPERATOR, email="operator@example.ru")


@pytest.fixture
def owner(operator):
    user, _ = make_owner(by=operator, password=PASSWORD, email="owner@example.ru")
    return user


@pytest.fixture
def other_owner(operator):
    user, _ = make_owner(by=operator, password=PASSWORD, email="other@example.ru")
    return user


def _owned(user, operator, name):
    created = make_point(by=operator, name=name)
    point_owner_set(point_id=created.pk, owner_id=user.pk, by=operator)
    created.refresh_from_db()
    return created


@pytest.fixture
def point(owner, operator):
    return _owned(owner, operator, "ПВЗ «Профсоюзная»")


@pytest.fixture
def other_point(other_owner, operator):
    return _owned(other_owner, operator, "ПВЗ «Чужой»")
