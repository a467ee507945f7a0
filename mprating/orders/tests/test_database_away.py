"""The database going away during requests (issue 12, «Faults», PostgreSQL only).

«The database going away during requests: requests fail cleanly with the Russian 500 page, the
app recovers by itself when it returns (CONN_HEALTH_CHECKS), no half-written order. Test by
terminating the app's PostgreSQL backends (pg_terminate_backend) mid-run — never by
restarting the shared server.»

A real gunicorn (one sync worker, persistent connections: CONN_MAX_AGE 60) serves the test
database. Its backends are terminated between two requests — the next request must work, on
a fresh connection — and in the middle of a checkout: the checkout is held inside its
transaction by a row lock this test takes on the offer, its backend is terminated there, and
the client must get the Russian 500 page, with no trace of the order, the cart as it was, and
the next checkout placing the order.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as DjangoClient
from django.urls import reverse

from mprating.accounts.tests.factories import make_client
from mprating.cart.models import CartLine
from mprating.catalog.models import Offer
from mprating.catalog.tests.factories import make_offer, make_product
from mprating.core.testing import database_url_for_other_processes
from mprating.orders.models import Order, OrderLine
from mprating.orders.tests.factories import add_to_cart, make_pickup_point

ROOT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="PostgreSQL only: terminating the app's backends (pg_terminate_backend) is how "
        "the database goes away; run with DATABASE_URL=postgres://…",
    ),
]

TERMINATE = """
    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT pid = ANY(%s)
"""


def terminate_app_backends(*, spare: tuple[int, ...] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(TERMINATE, [list(spare)])
        return len(cursor.fetchall())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, CSRF and no redirects following, over real HTTP."""

    def __init__(self, base: str, session_key: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.session_key = session_key

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        cookies = {settings.SESSION_COOKIE_NAME: self.session_key}
        cookies |= {c.name: c.value for c in self.jar if c.name == settings.CSRF_COOKIE_NAME}
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def checkout_form(self, point_id: int) -> dict:
        status, page, _ = self.request(reverse("orders:checkout"))
        assert status == 200, page[:2000]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return {
            "csrfmiddlewaretoken": token,
            "idempotency_key": str(uuid.uuid4()),
            "delivery_method": "pickup",
            "pickup_point": str(point_id),
            "delivery_address": "",
            "payment_method": "on_receipt",
            "recipient_phone": "+7 903 555-00-11",
            "comment": "",
        }


@pytest.fixture
def app_server(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": database_url_for_other_processes(tmp_path),
        "DATABASE_CONN_MAX_AGE": "60",
    }
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + reverse("accounts:login"), timeout=5).close()
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("gunicorn did not start:\n" + log.read_text()[-3000:])
    yield base, log
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def wait_for_lock_waiter(timeout: float = 20) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            row = cursor.fetchone()
        if row:
            return row[0]
        time.sleep(0.05)
    pytest.fail("the checkout never waited on the offer's lock")


def test_requests_survive_terminated_backends_and_a_checkout_killed_mid_way_leaves_nothing(
    app_server,
):
    base, log = app_server
    # given: a client with two shock absorbers in the cart, signed in
    account = make_client(last_name="Оформляев", phone="+79035550011")
    offer = make_offer(
        make_product(brand="SACHS", article="313 484", name="Амортизатор передний"),
        price="5230.00",
        quantity=6,
    )
    add_to_cart(account, offer, quantity=2)
    point = make_pickup_point()
    signer = DjangoClient()
    signer.force_login(account.user)
    browser = Browser(base, signer.cookies[settings.SESSION_COOKIE_NAME].value)
    status, page, headers = browser.request(reverse("cabinet:profile"))
    assert status == 200, headers.get("Location")  # signed in; the app's connection is open

    # when: its backends are terminated between two requests
    assert terminate_app_backends() >= 1
    # then: the next request works, on a new connection (CONN_HEALTH_CHECKS)
    status, page, _ = browser.request(reverse("cabinet:profile"))
    assert status == 200, log.read_text()[-3000:]

    # when: a checkout is terminated inside its transaction
    form = browser.checkout_form(point.pk)
    dsn = database_url_for_other_processes(Path("."))
    with psycopg.connect(dsn) as locker:
        locker.execute("SELECT id FROM catalog_offer WHERE id = %s FOR UPDATE", [offer.pk])
        outcome: dict = {}
        posting = threading.Thread(
            target=lambda: outcome.update(
                response=browser.request(reverse("orders:checkout"), form)
            )
        )
        posting.start()
        waiter = wait_for_lock_waiter()
        terminate_app_backends(spare=(locker.info.backend_pid,))
        locker.rollback()
        posting.join(timeout=30)

    # then: the Russian 500 page, and no trace of the order: no order, no line, the cart and
    # the stock as they were
    status, page, _ = outcome["response"]
    assert waiter
    assert status == 500, page[:2000]
    assert "Ошибка на сервере" in page and "попробуйте повторить действие" in page
    assert not Order.objects.exists() and not OrderLine.objects.exists()
    assert CartLine.objects.filter(client=account).count() == 1
    assert Offer.objects.get(pk=offer.pk).quantity == 6

    # when: the client presses «Оформить» again
    form = browser.checkout_form(point.pk)
    status, page, headers = browser.request(reverse("orders:checkout"), form)

    # then: the order is placed, whole — one order, its one line, the cart handed over
    assert status == 302, page[:2000]
    order = Order.objects.get()
    assert headers["Location"].endswith(reverse("orders:placed", args=[order.number]))
    assert list(OrderLine.objects.values_list("order_id", "quantity")) == [(order.pk, 2)]
    assert not CartLine.objects.filter(client=account).exists()
    assert Offer.objects.get(pk=offer.pk).quantity == 4
