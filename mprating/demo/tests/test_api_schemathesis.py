"""schemathesis against the API's own OpenAPI schema (issue 12: «schemathesis against the app's
schema as a logged-in client, bounded in examples and time, in .ci/run: no 5xx, responses
match the schema»).

Every operation of `/api/v1/openapi.json` gets generated requests (path, query and body drawn
from the schema, valid and not), sent through Django's WSGI application as the demo client
(session cookie and CSRF token, as a browser sends them) on the seeded demo. Each response
must not be a 5xx, must have a status the operation documents, and must match the documented
schema of that status. Bounded: `MAX_EXAMPLES` per operation, derandomized (the same requests
every run), no per-example deadline.

Not in the default run (marker `schemathesis`): `.venv/bin/pytest -m schemathesis`; `.ci/run`
runs it as a step of its own.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from mprating.demo.tests.access_matrix import openapi_schema
from mprating.demo.tests.crawl_objects import Demo

MAX_EXAMPLES = 15


@schemathesis.check
def signed_in(ctx, response, case) -> None:
    """The requests are the signed-in client's: no 401, no CSRF refusal (a fuzz run that
    only ever met the door would pass the other checks)."""
    body = response.json() if response.status_code in (401, 403) else {}
    if response.status_code == 401 or body.get("code") == "csrf_failed":
        raise AssertionError(f"Not signed in: {response.status_code} {body}")


CHECKS = [signed_in, not_a_server_error, status_code_conformance, response_schema_conformance]

pytestmark = pytest.mark.schemathesis

schema = schemathesis.openapi.from_dict(openapi_schema())
schema.app = get_wsgi_application()  # requests go through Django's handler, in this process


@pytest.fixture(scope="module")
def session(demo: Demo) -> dict:
    """The demo client's session and a CSRF token: the cookies and header a browser sends."""
    from django.conf import settings as django_settings

    browser = Client()
    browser.force_login(demo.client_user)
    token = get_random_string(32, CSRF_ALLOWED_CHARS)
    return {
        "cookies": {
            django_settings.SESSION_COOKIE_NAME: browser.cookies[
                django_settings.SESSION_COOKIE_NAME
            ].value,
            django_settings.CSRF_COOKIE_NAME: token,
        },
        "headers": {"X-CSRFToken": token},
    }


@pytest.fixture
def same_connection() -> Iterator[None]:
    """Keep the test's database connection across requests: Django's handler closes an
    'obsolete' connection when a request starts and ends, which would end the test's
    transaction (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_api_answers_as_its_schema_says(case, session, same_connection):
    # The schema also offers `Authorization: Bearer` (personal API tokens), for which the
    # generator makes up a token: a browser's session sends none.
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    case.call_and_validate(checks=CHECKS, headers=session["headers"], cookies=session["cookies"])
