"""Fixtures shared by the back office's tests."""

import pytest

from mprating.accounts.tests.factories import make_staff


@pytest.fixture
def boss_browser(client):
    """Django's test client signed in as a superuser of the back office."""
    client.force_login(make_staff(email="boss@example.ru", superuser=True))
    return client
