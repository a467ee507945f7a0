"""The cache and the sessions on the configured backend: Redis when REDIS_URL is set (CI's
PostgreSQL pass), this process's memory otherwise; sessions `cached_db` (database + cache).
The cross-process test starts two Django processes against one Redis and one database."""

import json
import os
import socket
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_CACHE_PREFIX
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client as Browser
from django.urls import reverse

from mprating.accounts.tests.factories import PASSWORD, make_client
from mprating.core.testing import cache_clear, count_queries, database_url_for_other_processes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
# Where the cross-process test finds Redis when the run itself is not on Redis: the machines'
# own, database 1 (this run's key prefix keeps its keys apart from anyone else's).
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/1"


def _local_redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def _sign_in(browser: Browser, email: str) -> None:
    response = browser.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302


def test_the_cache_is_the_configured_backend_and_round_trips():
    on_redis = bool(settings.REDIS_URL)
    assert isinstance(caches["default"], RedisCache) is on_redis

    cache.set("probe", {"сумма": "1 234,50 ₽", "ids": [1, 2]}, timeout=60)
    cache.set_many({"a": 1, "b": 2})
    assert cache.get("probe") == {"сумма": "1 234,50 ₽", "ids": [1, 2]}
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
    assert cache.incr("a") == 2
    assert cache.add("a", 99) is False

    cache.delete("probe")
    assert cache.get("probe") is None


def test_cache_clear_between_tests_empties_this_runs_keys():
    cache.set("left-by-a-test", 1)

    cache_clear()

    assert cache.get("left-by-a-test") is None


@pytest.mark.skipif(not settings.REDIS_URL, reason="Redis: only when REDIS_URL is set")
def test_cache_clear_spares_other_deployments_on_the_same_redis():
    # Django's cache.clear() is FLUSHDB on Redis: it would sign out every other deployment.
    client = caches["default"]._cache.get_client(write=True)
    client.set("another-deployment:1:session", b"keep", ex=60)
    cache.set("ours", 1)
    try:
        cache_clear()

        assert cache.get("ours") is None
        assert client.get("another-deployment:1:session") == b"keep"
    finally:
        client.delete("another-deployment:1:session")


def test_a_session_made_by_one_request_is_read_by_another_client_from_the_cache():
    account = make_client(email="client7@example.ru")
    first = Browser()
    _sign_in(first, "client7@example.ru")
    session_key = first.cookies[settings.SESSION_COOKIE_NAME].value

    second = Browser()
    second.cookies[settings.SESSION_COOKIE_NAME] = session_key
    response = second.get(reverse("cabinet:profile"))

    assert response.status_code == 200
    assert response.wsgi_request.user.pk == account.user_id
    assert cache.get(SESSION_CACHE_PREFIX + session_key)["_auth_user_id"] == str(account.user_id)
    engine = import_module(settings.SESSION_ENGINE)
    assert count_queries(lambda: engine.SessionStore(session_key).load()) == 0


def test_a_session_outlives_the_cache_it_was_copied_to():
    make_client(email="client7@example.ru")
    first = Browser()
    _sign_in(first, "client7@example.ru")
    session_key = first.cookies[settings.SESSION_COOKIE_NAME].value

    cache_clear()  # Redis restarted, or a new app server with an empty local cache
    second = Browser()
    second.cookies[settings.SESSION_COOKIE_NAME] = session_key

    assert second.get(reverse("cabinet:profile")).status_code == 200
    assert cache.get(SESSION_CACHE_PREFIX + session_key) is not None  # copied back


def test_signing_out_ends_the_session_for_every_client_that_holds_it():
    make_client(email="client7@example.ru")
    first = Browser()
    _sign_in(first, "client7@example.ru")
    session_key = first.cookies[settings.SESSION_COOKIE_NAME].value

    first.post(reverse("accounts:logout"))

    second = Browser()
    second.cookies[settings.SESSION_COOKIE_NAME] = session_key
    response = second.get(reverse("cabinet:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert cache.get(SESSION_CACHE_PREFIX + session_key) is None


# ---- two processes, one Redis, one database ------------------------------------------------

SIGN_IN = """
import json, os
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
browser = Client(HTTP_HOST="127.0.0.1")
credentials = {{"username": {email!r}, "password": {password!r}}}
response = browser.post(reverse("accounts:login"), credentials)
cache.set("shared-probe", {{"written_by": os.getpid()}}, timeout=60)
print(json.dumps({{"status": response.status_code, "session": browser.cookies["sessionid"].value,
                  "pid": os.getpid()}}))
"""

READ_BACK = """
import json, os
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
with CaptureQueriesContext(connection) as queries:
    session = SessionStore({session!r}).load()
browser = Client(HTTP_HOST="127.0.0.1")
browser.cookies["sessionid"] = {session!r}
page = browser.get(reverse("cabinet:profile"))
probe = cache.get("shared-probe")
cache.delete("shared-probe")
print(json.dumps({{"user": session.get("_auth_user_id"), "session_queries": len(queries),
                  "page": page.status_code, "probe": probe, "pid": os.getpid()}}))
"""


def _run_django(code: str, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(
    not settings.REDIS_URL and not _local_redis_answers(),
    reason="Redis: only when REDIS_URL is set or 127.0.0.1:6379 answers",
)
@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_cache_and_a_session(tmp_path):
    """One process signs in (a session in the database and in Redis) and caches a value; a
    second process reads both from Redis and deletes the value; this one sees it gone."""
    import redis

    account = make_client(email="client7@example.ru")
    redis_url = settings.REDIS_URL or LOCAL_REDIS_URL
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": database_url_for_other_processes(tmp_path),
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    raw = redis.Redis.from_url(redis_url)
    probe_key = f"{env['CACHE_KEY_PREFIX']}:1:shared-probe"
    try:
        signed_in = _run_django(SIGN_IN.format(email="client7@example.ru", password=PASSWORD), env)
        assert signed_in["status"] == 302
        assert raw.exists(probe_key)

        read = _run_django(READ_BACK.format(session=signed_in["session"]), env)

        assert read["pid"] != signed_in["pid"]
        assert read["user"] == str(account.user_id)
        assert read["session_queries"] == 0  # from Redis, not from the database
        assert read["page"] == 200
        assert read["probe"] == {"written_by": signed_in["pid"]}
        assert not raw.exists(probe_key)  # the second process's delete reached everyone
    finally:
        leftovers = list(raw.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*"))
        if leftovers:
            raw.delete(*leftovers)


DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.mark.django_db
def test_signing_in_works_while_the_cache_is_down(settings):
    # given: a client, and the cache server gone (Django's cached_db answered 500 here)
    person = make_client(email="anna@example.ru")
    settings.CACHES = DEAD_REDIS
    browser = Browser()

    # when: she signs in and opens her cabinet
    response = browser.post(
        reverse("accounts:login"), {"username": person.user.email, "password": PASSWORD}
    )
    page = browser.get(reverse("cabinet:home"), follow=True)

    # then: the session lives in the database alone, and the pages work
    assert response.status_code == 302
    assert page.status_code == 200
    assert page.context["user"] == person.user
