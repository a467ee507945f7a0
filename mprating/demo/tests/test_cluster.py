"""The app as several processes on several machines (issue 13): two gunicorn servers and two
`db_worker`s, on their own ports, against one PostgreSQL and one Redis on loopback.

What must hold across them: a person signed in on one server is signed in on the other (the
session is in the database with its copy in Redis); a limit counted in the cache by one server
is seen by the other (the shared cache); and every queued task runs exactly once although two
workers poll the same table (django-tasks-db claims a row with SELECT … FOR UPDATE SKIP LOCKED).

PostgreSQL and Redis only: on SQLite the processes could not share the test database, and
without Redis each server would have a cache of its own — the point of this test."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_tasks_db.models import DBTaskResult

from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.catalog.tests.factories import make_offer
from mprating.core.models import OutgoingEmail
from mprating.orders.tests.factories import make_pickup_point

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/1"
TASKS = 24


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not _redis_answers(),
        reason="two servers and two workers need PostgreSQL and Redis",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{quote(db['USER'] or '')}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{url}/{db['NAME']}",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="1",
        REDIS_URL=REDIS_URL,
        # This run's prefix: the servers' keys are this run's keys, and no one else's.
        CACHE_KEY_PREFIX=settings.CACHES["default"]["KEY_PREFIX"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    env.pop("TASKS_BACKEND", None)
    return env


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise AssertionError(f"no answer on port {port}")


@pytest.fixture(scope="module")
def cluster(django_db_setup):
    """Started once for the module: the processes hold no test data (tables are emptied
    between tests), only connections."""
    env = _environment()
    ports = [_free_port(), _free_port()]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    processes = [
        subprocess.Popen(
            [
                gunicorn,
                "config.wsgi",
                "-c",
                "gunicorn.conf.py",
                "-b",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for port in ports
    ]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--worker-id",
                f"worker-{name}",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name in ("a", "b")
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            _wait_for(port, process)
        yield {"ports": ports, "env": env}
    finally:
        for process in processes + workers:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes + workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


class Browser:
    """A person's browser: cookies, and the CSRF token Django's forms carry."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, port: int, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(f"http://127.0.0.1:{port}{path}"))

    def post_json(self, port: int, path: str, body: dict) -> tuple[int, str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-CSRFToken": self.cookie("csrftoken")},
        )
        return self._open(request)

    def post(self, port: int, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookie("csrftoken")})
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            data=body.encode(),
            method="POST",
            headers={"Referer": f"http://127.0.0.1:{port}{path}"},
        )
        return self._open(request)

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _with_production_hash(account) -> None:
    """The tests hash passwords fast (settings_test); the servers know only the real hashers."""
    hasher = PBKDF2PasswordHasher()
    account.user.password = hasher.encode(PASSWORD, hasher.salt())
    account.user.save(update_fields=["password"])


def test_a_session_signed_in_on_one_server_is_signed_in_on_the_other(cluster):
    account = make_client(email="cluster@example.ru")
    _with_production_hash(account)
    first, second = cluster["ports"]
    browser = Browser()
    browser.get(first, "/accounts/login/")

    status, _ = browser.post(
        first, "/accounts/login/", {"username": "cluster@example.ru", "password": PASSWORD}
    )
    assert status == 302

    status, page = browser.get(second, "/cabinet/profile/")
    assert status == 200
    assert account.user.email in page

    browser.post(second, "/accounts/logout/", {})
    status, _ = browser.get(first, "/cabinet/profile/")
    assert status == 302  # signed out on the other server too


def test_every_task_runs_once_with_two_workers_polling(cluster):
    emails = [f"reset{index}@example.ru" for index in range(TASKS)]
    for email in emails:
        make_client(email=email)
    enqueue = (
        "from mprating.accounts.tasks import password_reset_send\n"
        f"for email in {emails!r}:\n"
        "    password_reset_send.enqueue(email=email)\n"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", enqueue],
        cwd=ROOT,
        env=cluster["env"],
        check=True,
        timeout=120,
    )

    deadline = time.monotonic() + 90
    reset = DBTaskResult.objects.filter(task_path__endswith="password_reset_send")
    while time.monotonic() < deadline and reset.exclude(status="SUCCESSFUL").exists():
        time.sleep(0.3)

    assert reset.count() == TASKS
    assert not reset.exclude(status="SUCCESSFUL").exists()
    assert all(len(result.worker_ids) == 1 for result in reset)  # nobody ran a task twice
    letters = OutgoingEmail.objects.filter(to__in=emails)
    assert sorted(letters.values_list("to", flat=True)) == sorted(emails)  # one letter each
    workers = {result.worker_ids[0] for result in reset}
    assert workers <= {"worker-a", "worker-b"}


def test_an_order_placed_on_one_server_shows_in_the_frame_on_the_other(cluster):
    """The frame reads counters the checkout keeps in the same transaction (no cache to
    invalidate per server): the other server shows the new positions on its next page."""
    account = make_client(email="frame@example.ru")
    _with_production_hash(account)
    offer = make_offer(quantity=5)
    point = make_pickup_point()
    first, second = cluster["ports"]
    browser = Browser()
    browser.get(first, "/accounts/login/")
    browser.post(first, "/accounts/login/", {"username": "frame@example.ru", "password": PASSWORD})
    status, page = browser.get(second, "/cabinet/orders/")
    assert status == 200 and 'data-testid="no-positions"' in page

    status, _ = browser.post_json(
        first, "/api/v1/cart/lines", {"offer_id": offer.pk, "quantity": 3}
    )
    assert status == 201
    checkout = {
        "idempotency_key": str(uuid.uuid4()),
        "payment_method": "on_receipt",
        "recipient_phone": "+79161234567",
        "pickup_point_id": point.pk,
    }
    status, _ = browser.post_json(first, "/api/v1/orders", checkout)
    assert status == 201

    status, page = browser.get(second, "/cabinet/orders/")
    assert status == 200
    assert 'data-testid="no-positions"' not in page
    assert re.search(r'class="status-row">[^<]*<span[^>]*></span>[^<]*<b>1</b>', page)  # one line
