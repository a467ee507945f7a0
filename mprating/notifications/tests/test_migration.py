"""The move of status letters into the core outbox keeps every letter and its state."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mprating.core.models import OutgoingEmail
from mprating.notifications.tests.helpers import order_with_lines

BEFORE = [("notifications", "0001_initial"), ("core", "0001_initial")]
AFTER = [("notifications", "0002_status_emails_to_core_outbox")]


@pytest.mark.django_db(transaction=True)
def test_status_emails_are_copied_into_the_outbox():
    order = order_with_lines()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    StatusEmail = old_apps.get_model("notifications", "StatusEmail")
    common = {
        "client_id": order.client_id,
        "order_id": order.pk,
        "to_email": "zakaz@example.ru",
        "body_text": "текст",
        "body_html": "<p>текст</p>",
    }
    StatusEmail.objects.create(subject="отправлено", sent_at=timezone.now(), attempts=1, **common)
    StatusEmail.objects.create(subject="ждёт", attempts=2, last_error="SMTP", **common)
    StatusEmail.objects.create(subject="брошено", attempts=30, **common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    letters = {e.subject: e for e in OutgoingEmail.objects.filter(kind="order_status")}
    assert {s: e.state for s, e in letters.items()} == {
        "отправлено": "sent",
        "ждёт": "failed",
        "брошено": "gave_up",
    }
    assert letters["ждёт"].ref == f"orders.order:{order.pk}"
    assert (letters["ждёт"].to, letters["ждёт"].attempts, letters["ждёт"].last_error) == (
        "zakaz@example.ru",
        2,
        "SMTP",
    )
