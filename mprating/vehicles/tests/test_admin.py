"""Back office «Справочник автомобилей»: changelists with a constant query count, search and
filters, and who may see or change the reference (granted by the data migration)."""

import pytest
from django.urls import reverse

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff
from mprating.core.testing import count_queries
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel
from mprating.vehicles.tests.factories import clear_reference

pytestmark = pytest.mark.django_db

CHANGELISTS = ["make", "vehiclemodel", "generation", "modification"]


def _url(model: str, view: str = "changelist") -> str:
    return reverse(f"admin:vehicles_{model}_{view}")


def _cars(n: int, tag: str) -> None:
    """n makes, each with a model, a generation and a modification."""
    for i in range(n):
        make = Make.objects.create(name=f"Марка {tag}{i}")
        model = VehicleModel.objects.create(make=make, name=f"Модель {tag}{i}")
        generation = Generation.objects.create(model=model, name="I", year_from=2010)
        Modification.objects.create(generation=generation, name=f"1.{i} MT", fuel="petrol")


@pytest.fixture
def manager(client):
    user = make_staff(roles.MANAGER, email="manager@example.ru")
    client.force_login(user)
    return user


def test_every_changelist_runs_the_same_queries_for_5_and_50_rows(client, manager):
    # given an empty reference with 5 cars
    clear_reference()
    _cars(5, "a")
    small = {model: count_queries(lambda m=model: client.get(_url(m))) for model in CHANGELISTS}

    # when it grows to 50
    _cars(45, "b")

    # then every list loads with the same number of queries
    for model in CHANGELISTS:
        response = client.get(_url(model))
        assert response.status_code == 200, model
        assert Make.objects.count() == 50
        assert count_queries(lambda m=model: client.get(_url(m))) == small[model], model


def test_changelists_with_search_and_filters_load(client, manager):
    _cars(3, "a")
    make = Make.objects.get(name="Марка a1")
    checks = {
        "make": {"q": "Марка a"},
        "vehiclemodel": {"q": "Модель a1", "make__id__exact": make.pk},
        "generation": {"q": "Модель a2", "model__make__id__exact": make.pk},
        "modification": {"q": "1.1", "fuel": "petrol"},
    }
    for model, params in checks.items():
        response = client.get(_url(model), params)
        assert response.status_code == 200, model
    page = client.get(_url("modification"), checks["modification"]).content.decode()
    assert "Модель a1 I" in page


def test_manager_edits_the_reference_operator_only_sees_it(client):
    # given a manager and an operator (roles of the data migrations)
    manager = make_staff(roles.MANAGER, email="manager@example.ru")
    operator = make_staff(roles.OPERATOR, email="operator@example.ru")

    # then the manager may view, add and change every level, but not delete
    for model in CHANGELISTS:
        for verb in ("view", "add", "change"):
            assert manager.has_perm(f"vehicles.{verb}_{model}"), (verb, model)
        assert not manager.has_perm(f"vehicles.delete_{model}"), model
        # and the operator may only view
        assert operator.has_perm(f"vehicles.view_{model}"), model
        assert not operator.has_perm(f"vehicles.add_{model}"), model
        assert not operator.has_perm(f"vehicles.change_{model}"), model

    # and in the back office the operator gets the list but not the add page
    client.force_login(operator)
    assert client.get(_url("make")).status_code == 200
    assert client.get(_url("make", "add")).status_code == 403
