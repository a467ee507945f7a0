"""Fixtures of the orders tests."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff

_statuses_migration = importlib.import_module("mprating.orders.migrations.0002_default_statuses")


@pytest.fixture
def migration_rows(transactional_db):
    """Rows that data migrations create (roles, default statuses), for transactional tests.

    A transactional test ends with a flush that also wipes what data migrations wrote, so a
    transactional test that runs after another one finds no groups and no statuses. Both
    are re-created here the way the migrations create them (idempotent get_or_create).
    """
    for name in roles.ALL:
        Group.objects.get_or_create(name=name)
    _statuses_migration.create_statuses(apps, None)


@pytest.fixture
def manager():
    return make_staff(roles.MANAGER, email="manager@example.ru")


@pytest.fixture
def manager_browser(client, manager):
    """Django's test client signed in as a manager of the back office."""
    client.force_login(manager)
    return client
