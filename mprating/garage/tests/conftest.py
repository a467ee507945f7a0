"""Fixtures of the garage's tests."""

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff


@pytest.fixture
def manager(client):
    """A manager of the back office, signed in on Django's test client."""
    user = make_staff(roles.MANAGER, email="manager@example.ru")
    client.force_login(user)
    return user
