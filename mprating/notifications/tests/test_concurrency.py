"""Two runs of the task for one batch at the same moment send one e-mail (PostgreSQL row
locks; SQLite serializes writers anyway)."""

import pytest
from django.core import mail
from django.db import connection

from mprating.core.models import OutgoingEmail
from mprating.core.testing import run_together
from mprating.notifications import tasks
from mprating.notifications.tests.helpers import order_with_lines, status
from mprating.orders.models import StatusChange

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]


def test_two_simultaneous_runs_send_one_email():
    # given a batch of changes written directly (no task ran for them)
    order = order_with_lines()
    accepted = status("Принят")
    changes = StatusChange.objects.bulk_create(
        StatusChange(line=line, status=accepted) for line in order.lines.all()
    )
    ids = [c.pk for c in changes]

    # when two workers run the task for the same ids at once
    results = run_together(
        lambda: tasks.send_status_emails.call(change_ids=ids),
        lambda: tasks.send_status_emails.call(change_ids=ids),
    )

    # then exactly one e-mail went out and nothing raised
    assert sorted(r["sent"] for r in results) == [0, 1]
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.filter(kind="order_status").count() == 1
    assert not StatusChange.objects.filter(pk__in=ids, notified_at=None).exists()
