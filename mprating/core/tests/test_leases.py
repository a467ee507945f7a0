"""The lease sweep of every worker (`core.leases`) also sends letters whose sender died.

Issue 12: «A worker killed in the middle of a job … Same for statements and e-mail sending.» A
sender claims a letter with a lease (`OutgoingEmail.locked_until`); killed before recording the
outcome, it leaves the letter held until the lease ends. Then the sweep that every `db_worker`
runs enqueues the outbox's own sweep, which sends it — once, and without any cron.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from mprating.core import outbox
from mprating.core.leases import leases_sweep
from mprating.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_a_letter_held_by_a_dead_sender_is_sent_by_the_workers_sweep_after_its_lease():
    # given: a letter claimed by a sender that was killed before sending it
    letter = outbox.email_enqueue(
        kind="vin_request", to="vin@shop.ru", subject="VIN-запрос № 7", text="Масло — 2 шт."
    )
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=letter.pk).update(locked_until=now + outbox.LEASE)

    # when: a worker sweeps while the lease holds, then after it ends
    leases_sweep()
    assert mail.outbox == []
    with time_machine.travel(now + outbox.LEASE + timedelta(seconds=1)):
        leases_sweep()
        leases_sweep()

    # then: sent once
    assert [m.subject for m in mail.outbox] == ["VIN-запрос № 7"]
    letter.refresh_from_db()
    assert letter.sent_at is not None and letter.locked_until is None


def test_the_sweep_enqueues_nothing_when_no_letter_is_due(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    assert outbox.outbox_enqueue_due() is False
    assert default_task_backend.results == []
