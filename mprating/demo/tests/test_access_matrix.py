"""The access-control matrix of issue 12 (rules and rows in `access_matrix.py`): every URL and
API operation that takes an object id, as its owner, another client, each staff role, the ПВЗ
owners and anonymously — GET, and POST as everyone who is not the owner — on the seeded demo.
One test per URL × person; each also fails when a request changed a row of the database."""

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.test import Client
from django.urls import reverse

from mprating.accounts.models import User
from mprating.demo.tests import access_matrix, crawl_objects
from mprating.demo.tests.access_matrix import (
    ADMIN_LOGIN,
    ANONYMOUS,
    CLIENT,
    LOGIN,
    OTHER_CLIENT,
    OTHER_PVZ,
    PEOPLE,
    PVZ,
    Answer,
    Area,
    Row,
    api_method,
    expected,
    matrix_rows,
    may,
)
from mprating.demo.tests.crawl import object_kwargs

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# The one write a GET may make: the 152-ФЗ journal of who looked at a client's personal data.
AUDIT_APPENDS = ('INSERT INTO "accounts_personaldataview"',)


@dataclass
class Matrix:
    demo: crawl_objects.Demo
    kwargs: dict[str, dict]
    users: dict[str, User | None]
    browsers: dict[str, Client]


@pytest.fixture(scope="module")
def matrix(demo) -> Matrix:
    """The URLs' parameters and one signed-in browser per person, made once for the module
    (inside the demo's transaction, so the sessions outlive each test's rollback)."""
    emails = {
        CLIENT: crawl_objects.CLIENT,
        access_matrix.OPERATOR: crawl_objects.OPERATOR,
        access_matrix.MANAGER: crawl_objects.MANAGER,
        access_matrix.SUPERUSER: crawl_objects.SUPERUSER,
        PVZ: crawl_objects.PVZ_OWNER,
    }
    users: dict[str, User | None] = {
        person: User.objects.get(email=email) for person, email in emails.items()
    }
    users[OTHER_CLIENT] = demo.other_client_user
    users[OTHER_PVZ] = demo.other_pvz_user
    users[ANONYMOUS] = None
    browsers = {}
    for person in PEOPLE:
        browser = Client(raise_request_exception=False)
        if users[person] is not None:
            browser.force_login(users[person])
        browsers[person] = browser
    return Matrix(demo, object_kwargs(demo), users, browsers)


class Writes:
    """The INSERT / UPDATE / DELETE statements of a request that touched a row."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        statement = sql.lstrip()
        verb = statement.split(None, 1)[0].upper() if statement else ""
        # An INSERT is a write whatever rowcount says: SQLite reports 0 for INSERT … RETURNING
        # until its rows are read. UPDATE and DELETE count when they touched a row.
        touched = verb in {"INSERT", "REPLACE"} or context["cursor"].rowcount != 0
        if verb in WRITES and touched and not statement.startswith(AUDIT_APPENDS):
            self.statements.append(sql[:120])
        return result


def _request(browser: Client, method: str, url: str, body: dict | None, api: bool):
    writes = Writes()
    with connection.execute_wrapper(writes):
        if api and method != "GET":
            response = browser.generic(
                method, url, json.dumps(body or {}), content_type="application/json"
            )
        elif method == "GET":
            response = browser.get(url)
        else:  # a back office action runs only on a POST that confirms it: this one does
            response = browser.post(url, {"confirm": "yes"} if body is None else body)
    return response, writes.statements


def _mismatch(response, answer: Answer, url: str) -> str | None:
    """Why `response` is not `answer`, or None."""
    got = response.status_code
    location = response.get("Location", "")
    if answer in (LOGIN, ADMIN_LOGIN):
        login_url = reverse("admin:login") if answer == ADMIN_LOGIN else None
        want = redirect_to_login(url, login_url).url
        return None if got == 302 and location == want else f"{got} {location} (want → {want})"
    if got != answer:
        return f"{got} {location}".strip() + f" (want {answer})"
    return None


def _is_owner(row: Row, person: str, user: User | None, kwargs: dict) -> bool:
    """Who is not sent the POST: its owner (the back office: staff allowed to POST)."""
    if row.area is Area.BACKOFFICE:
        return may(row, user, kwargs, "POST")
    return person == (PVZ if row.area is Area.PARTNER else CLIENT)


CASES = [(row, person) for row in matrix_rows() for person in PEOPLE]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "person"), CASES, ids=[f"{r.name}-{p}" for r, p in CASES])
def test_access(matrix, row, person):
    url = reverse(row.name, kwargs=matrix.kwargs[row.name])
    user, browser = matrix.users[person], matrix.browsers[person]
    body = row.body(matrix.demo) if row.body else None
    problems = []
    checks: list[tuple[str, Answer]] = []
    if row.area is Area.API:
        method = api_method(row)
        if method == "GET" or person != CLIENT:
            checks.append((method, expected(row, person, allowed=False, method=method)))
    else:
        kwargs = matrix.kwargs[row.name]
        allowed = may(row, user, kwargs, "GET")
        checks.append(("GET", expected(row, person, allowed=allowed, method="GET")))
        if row.post and not _is_owner(row, person, user, kwargs):
            allowed = may(row, user, kwargs, "POST")
            checks.append(("POST", expected(row, person, allowed=allowed, method="POST")))
    for method, answer in checks:
        response, writes = _request(browser, method, url, body, row.area is Area.API)
        wrong = _mismatch(response, answer, url)
        if wrong:
            problems.append(f"{method} {url} as {person}: {wrong}")
        if writes:
            problems.append(f"{method} {url} as {person} changed the database: {writes}")

    assert problems == [], "\n".join(problems)


def test_every_url_with_an_object_id_has_a_row():
    missing = access_matrix.uncovered_urls()

    assert missing == [], (
        "URLs that take an object id without a row in the access matrix (add one line to "
        f"ROWS in mprating/demo/tests/access_matrix.py): {', '.join(missing)}"
    )


def test_every_api_operation_with_a_path_parameter_has_a_row():
    missing = access_matrix.uncovered_operations()

    assert missing == [], (
        "API operations with a path parameter without a row in the access matrix (add "
        f"api('api:<name>') to ROWS in mprating/demo/tests/access_matrix.py): {missing}"
    )


def test_a_url_or_operation_without_its_row_fails(monkeypatch):
    rows = [row for row in access_matrix.ROWS if row.name not in {"garage:chat", "api:order_get"}]
    monkeypatch.setattr(access_matrix, "ROWS", rows)

    assert "garage:chat" in access_matrix.uncovered_urls()
    assert any("orders/{number}" in op for op in access_matrix.uncovered_operations())


@pytest.mark.django_db
def test_a_request_that_changes_a_row_is_seen(matrix):
    """The «nothing changed» half of every case can fail: the owner's own delete is seen."""
    url = reverse("garage:vehicle_delete", kwargs=matrix.kwargs["garage:vehicle_delete"])

    response, writes = _request(matrix.browsers[CLIENT], "POST", url, {}, api=False)

    assert response.status_code == 302
    assert any(sql.startswith("DELETE") for sql in writes), writes
