"""Shared fixtures. Test settings live in config/settings_test.py.

Browser tests (marker `browser`) drive Debian's Chromium through Playwright against
pytest-django's live server; screenshots land in test-artifacts/.
"""

import os
from pathlib import Path

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "test-artifacts"


@pytest.fixture
def boss_browser(client):
    """Django's test client signed in as a superuser of the back office."""
    from mprating.accounts.tests.factories import make_staff

    client.force_login(make_staff(email="boss@example.ru", superuser=True))
    return client


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # tests themselves are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _our_data_migrations() -> list[RunPython]:
    """RunPython operations of our apps' migrations, in the order `migrate` applies them."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    ours = {
        config.label
        for config in global_apps.get_app_configs()
        if config.name.startswith("mprating.")
    }
    seen: set[tuple[str, str]] = set()
    operations = []
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key in seen or key[0] not in ours:
                continue
            seen.add(key)
            migration = loader.graph.nodes[key]
            operations += [op for op in migration.operations if isinstance(op, RunPython)]
    return operations


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, as it starts with an empty database."""
    yield
    from mprating.core.testing import cache_clear

    cache_clear()


@pytest.fixture(autouse=True)
def _restore_data_migration_rows(request):
    """A transactional test ends with a flush of every table, which also deletes the rows our
    data migrations made (role groups and their permissions, order statuses, the vehicle
    reference). Before a database test, put them back if they are gone (the «Клиенты» group is
    the sentinel); every data migration is idempotent."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_db:
        request.getfixturevalue("_django_db_helper")
        from django.contrib.auth.models import Group

        from mprating.accounts import roles

        if not Group.objects.filter(name=roles.CLIENT).exists():
            for operation in _our_data_migrations():
                operation.code(global_apps, None)
    yield


def pytest_collection_modifyitems(config, items):
    """schemathesis (marker `schemathesis`, a CI step of its own) runs only when `-m` names it:
    `.venv/bin/pytest -m schemathesis`."""
    if "schemathesis" in (config.option.markexpr or ""):
        return
    dropped = [item for item in items if item.get_closest_marker("schemathesis") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item.get_closest_marker("schemathesis") is None]
