"""The seeded demo the crawl (`test_crawl.py`) and the access matrix (`test_access_matrix.py`)
run on: seeded once per test module, rolled back after it."""

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction

from mprating.demo.tests.crawl_objects import Demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[Demo]:
    """The demo seeded once for this module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", clients=15, stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield Demo()
        transaction.set_rollback(True)
