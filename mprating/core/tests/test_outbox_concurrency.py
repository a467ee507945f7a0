"""Two workers sending the same letter at the same moment: exactly one sends it (the lease is
claimed with a conditional UPDATE; PostgreSQL row locks decide, SQLite serializes anyway)."""

import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test import override_settings

from mprating.core import outbox
from mprating.core.models import OutgoingEmail
from mprating.core.testing import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL"
    ),
]


class SlowEmailBackend(EmailBackend):
    """A mail server that takes its time: the second worker arrives while the first sends."""

    def send_messages(self, messages):
        time.sleep(0.2)
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND="mprating.core.tests.test_outbox_concurrency.SlowEmailBackend")
def test_two_workers_send_one_letter_once():
    # given one queued letter (its after-commit task already ran: the row is what matters)
    row = outbox.email_enqueue(
        kind="vin_request", to=["vin@shop.ru"], subject="VIN-запрос № 1", text="Масло"
    )
    mail.outbox.clear()
    OutgoingEmail.objects.filter(pk=row.pk).update(sent_at=None, attempts=0, series_attempts=0)

    # when two workers deliver it at the same instant
    results = run_together(
        lambda: outbox.outbox_deliver.call(email_ids=[row.pk]),
        lambda: outbox.outbox_deliver.call(email_ids=[row.pk]),
    )

    # then exactly one sent it, the other skipped it, nothing raised
    assert sorted((r["sent"], r["skipped"]) for r in results) == [(0, 1), (1, 0)]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1 and row.sent_at is not None
