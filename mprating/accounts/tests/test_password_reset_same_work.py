"""«Забыли пароль?» does the same work for a known and an unknown address, so the time of the
answer does not tell whether someone has an account (issue 12: 13.4 ms vs 5.0 ms did). The
lookup and the letter happen in the background task; both are checked here too.

No timing is asserted (bench/password_reset_timing.py measures it): the same SQL and the same
templates are.
"""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from mprating.accounts import selectors
from mprating.accounts.tasks import password_reset_send
from mprating.accounts.tests.factories import make_client
from mprating.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _post(client, address: str, capture):
    """The request as production runs it: the task is queued in the database, not run."""
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": address})
    assert response.status_code == 302
    shapes = [query["sql"].split(" ", 1)[0] + " " + _table(query["sql"]) for query in queries]
    return shapes, [template.name for template in response.templates]


def _table(sql: str) -> str:
    for word in sql.replace('"', " ").split():
        if "_" in word and word.islower():
            return word
    return ""


def test_a_known_and_an_unknown_address_cost_the_request_the_same(
    client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    make_client(email="client5@example.ru")

    known = _post(client, "client5@example.ru", django_capture_on_commit_callbacks)
    unknown = _post(client, "ghost@example.ru", django_capture_on_commit_callbacks)

    assert known == unknown
    queries, templates = known
    assert queries == ["INSERT django_tasks_database_dbtaskresult"]  # the task, nothing else
    assert templates == []  # a redirect to «Письмо отправлено»
    # Nothing about the address was looked up or written by the request.
    assert not OutgoingEmail.objects.exists()
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert [task.args_kwargs["kwargs"] for task in tasks] == [
        {"email": "client5@example.ru"},
        {"email": "ghost@example.ru"},
    ]


def test_the_task_writes_the_letter_only_for_a_known_address(django_capture_on_commit_callbacks):
    make_client(email="client6@example.ru")

    with django_capture_on_commit_callbacks(execute=True):
        password_reset_send.call(email="CLIENT6@example.ru")
        password_reset_send.call(email="ghost@example.ru")

    assert [letter.to for letter in mail.outbox] == [["client6@example.ru"]]
    assert OutgoingEmail.objects.get().kind == "password_reset"


def test_who_may_reset_follows_django(django_capture_on_commit_callbacks):
    active = make_client(email="active@example.ru").user
    blocked = make_client(email="blocked@example.ru").user
    blocked.is_active = False
    blocked.save(update_fields=["is_active"])
    no_password = make_client(email="nopass@example.ru").user
    no_password.set_unusable_password()
    no_password.save(update_fields=["password"])

    assert selectors.users_for_password_reset(email="ACTIVE@example.ru") == [active]
    assert selectors.users_for_password_reset(email="blocked@example.ru") == []
    assert selectors.users_for_password_reset(email="nopass@example.ru") == []
    assert selectors.users_for_password_reset(email="ghost@example.ru") == []
