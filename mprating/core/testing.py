"""Helpers for tests of every app."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return len(ctx.captured_queries)


def record_compiled_models(monkeypatch) -> list:
    """A list that receives the model of every ORM query compiled to SQL (SQLCompiler.as_sql)
    from now until the test ends: a statement kept once compiled adds nothing to it."""
    from django.db.models.sql.compiler import SQLCompiler

    models: list = []
    original = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        models.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    return models


def run_together(*calls: Callable[[], object]) -> list:
    """Run the calls at the same moment in threads (a barrier releases them together) and
    return what each returned or raised: for tests of row locks and idempotency keys."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # the test inspects it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@contextmanager
def smtp_inbox() -> Iterator[list]:
    """A real SMTP server on localhost (aiosmtpd) with Django's SMTP backend pointed at it;
    yields the list of received envelopes (`rcpt_tos`, `content`)."""
    import socket

    from aiosmtpd.controller import Controller
    from django.test import override_settings

    received: list = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            # No SMTP login at the local test server (bandit B106 takes "" for a password).
            EMAIL_HOST_PASSWORD="",  # nosec B106
        ):
            yield received
    finally:
        controller.stop()


class FailingEmailBackend(BaseEmailBackend):
    """The mail server is down: every send raises (for retry and backoff tests)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP-сервер недоступен")


FAILING_EMAIL_BACKEND = "mprating.core.testing.FailingEmailBackend"


def xlsx_bomb(rows: list[list], *, unpacked_mb: int) -> bytes:
    """A valid XLSX with `rows` on its sheet whose sheet XML is padded with `unpacked_mb` MB of
    blanks between elements (legal XML): a small file that unpacks to a lot, a «zip bomb»."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    plain = io.BytesIO()
    book.save(plain)
    bomb = io.BytesIO()
    chunk = b" " * (1024 * 1024)
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with target.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(head + b"<sheetData>")
                for _ in range(unpacked_mb):
                    sheet.write(chunk)
                sheet.write(tail)
    return bomb.getvalue()


def cache_clear() -> None:
    """Empty the cache between tests: the database rolls back after each test, the cache does
    not. On Redis only this run's keys go (Django's `cache.clear()` would empty the whole Redis
    database, other runs' and deployments' keys included)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def database_url_for_other_processes(tmp_path) -> str:
    """The test database as other processes (a `db_worker`, an app server) reach it:
    PostgreSQL's by its URL (the test must be `django_db(transaction=True)`, so its rows are
    committed); SQLite's lives in this process's memory, so it is copied (schema and rows) to a
    file in `tmp_path` — read what the other process wrote from that file."""
    import sqlite3
    from urllib.parse import quote

    if connection.vendor == "sqlite":
        connection.ensure_connection()
        path = tmp_path / "shared.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def page_html(browser, url: str) -> str:
    """The HTML of the page at `url` without what differs from request to request (the CSRF
    token's value, the CSP nonces): for comparing a page with itself read another way."""
    import re

    html = browser.get(url).content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def list_formset_post(formset) -> dict:
    """The management form of a list's editable rows (`cl.formset`) with «Сохранить» pressed:
    the rows' fields (`form-<i>-…`) are the caller's to add."""
    return {
        "form-TOTAL_FORMS": str(formset.total_form_count()),
        "form-INITIAL_FORMS": str(formset.initial_form_count()),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Сохранить",
    }
