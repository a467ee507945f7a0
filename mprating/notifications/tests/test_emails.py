"""Status e-mails: one per order per batch, only for statuses the client left on and that
allow e-mail (seed 004 «Уведомления»), idempotent, retried until sent, never lost."""

import email
from datetime import timedelta
from email import policy

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from mprating.accounts.tests.factories import make_client
from mprating.core import outbox
from mprating.core.models import OutgoingEmail
from mprating.core.testing import FAILING_EMAIL_BACKEND, smtp_inbox
from mprating.notifications import services, tasks
from mprating.notifications.tests.helpers import (
    line_ids,
    order_with_lines,
    role,
    status,
)
from mprating.orders.models import StatusChange
from mprating.orders.services import line_status_set

pytestmark = pytest.mark.django_db

FAILING = FAILING_EMAIL_BACKEND
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def status_letters():
    return OutgoingEmail.objects.filter(kind="order_status")


@pytest.fixture
def order():
    return order_with_lines(make_client(email="zakaz@example.ru", first_name="Мария"))


def set_status(lines: list[int], name: str, capture) -> list[StatusChange]:
    with capture(execute=True):
        return line_status_set(line_ids=lines, status_id=status(name).pk, actor=None)


def test_one_email_per_order_lists_lines_and_new_statuses(
    order, django_capture_on_commit_callbacks
):
    # given an order with three lines
    # when a manager moves all three to «Принят» in one batch
    changes = set_status(line_ids(order), "Принят", django_capture_on_commit_callbacks)

    # then the client gets exactly one e-mail, text and HTML, in Russian
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zakaz@example.ru"]
    assert message.subject == f"Заказ № {order.number}: новые статусы 3 позиций"
    assert "Здравствуйте, Мария!" in message.body
    assert "- BOSCH 0 986 452 041 — Фильтр масляный, 2 шт.: Принят" in message.body
    assert "- FEBI 27432 — Втулка стабилизатора, 4 шт.: Принят" in message.body
    assert "- SACHS 315678 — Амортизатор передний, 1 шт.: Принят" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Амортизатор передний" in html and status("Принят").colour in html
    assert "/cabinet/notifications/" in message.body
    # and every change is marked notified, the outbox row sent
    assert not StatusChange.objects.filter(pk__in=[c.pk for c in changes], notified_at=None)
    assert status_letters().get().sent_at is not None


def test_two_orders_in_one_batch_give_two_emails(django_capture_on_commit_callbacks):
    # given two orders of one client and one order of another client
    client = make_client(email="two@example.ru")
    first, second = order_with_lines(client), order_with_lines(client)
    other = order_with_lines(make_client(email="other@example.ru"))

    # when one batch moves lines of all three orders
    lines = line_ids(first)[:2] + line_ids(second)[:1] + line_ids(other)
    set_status(lines, "Собран", django_capture_on_commit_callbacks)

    # then one e-mail per order, each to its own client
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            ("two@example.ru", f"Заказ № {first.number}: новые статусы 2 позиций"),
            ("two@example.ru", f"Заказ № {second.number}: Собран — BOSCH 0 986 452 041"),
            ("other@example.ru", f"Заказ № {other.number}: новые статусы 3 позиций"),
        ]
    )


def test_status_switched_off_sends_nothing_but_marks_changes(
    order, django_capture_on_commit_callbacks
):
    # given the client left only «Отказ» and «Отгружен»
    services.preferences_keep_only_key(client=order.client)

    # when lines move to «Принят»
    changes = set_status(line_ids(order), "Принят", django_capture_on_commit_callbacks)

    # then no e-mail, and the changes are handled (a re-run will not send them)
    assert mail.outbox == []
    assert status_letters().count() == 0
    assert not StatusChange.objects.filter(pk__in=[c.pk for c in changes], notified_at=None)

    # when the next batch is «Отгружен» — that one the client kept
    set_status(line_ids(order)[:1], "Отгружен", django_capture_on_commit_callbacks)
    assert [m.subject for m in mail.outbox] == [
        f"Заказ № {order.number}: Отгружен — BOSCH 0 986 452 041"
    ]


def test_status_without_notify_client_sends_nothing(order, django_capture_on_commit_callbacks):
    # given managers turned off «можно уведомлять клиента» for «Собран»
    collected = status("Собран")
    collected.notify_client = False
    collected.save()

    # when lines move there (the client never switched anything off)
    set_status(line_ids(order), "Собран", django_capture_on_commit_callbacks)

    # then no e-mail
    assert mail.outbox == []


def test_only_lines_with_enabled_statuses_are_listed(order, django_capture_on_commit_callbacks):
    # given «Принят» switched off, «Отказ» on
    keep = [s.pk for s in services.offered_statuses() if s.name != "Принят"]
    services.preferences_save(client=order.client, enabled_status_ids=keep)
    first, second, third = line_ids(order)
    set_status([first, second], "Принят", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        a = line_status_set(line_ids=[first, second], status_id=status("Собран").pk, actor=None)
        b = line_status_set(line_ids=[third], status_id=role("refused").pk, actor=None)
    mail.outbox.clear()
    StatusChange.objects.filter(pk__in=[c.pk for c in a + b]).update(notified_at=None)

    # when the two batches are handled as one (a retry run over both)
    tasks.send_status_emails.call(change_ids=[c.pk for c in a + b])

    # then one e-mail lists both lines with their latest statuses
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "0 986 452 041 — Фильтр масляный, 2 шт.: Собран" in body
    assert "315678 — Амортизатор передний, 1 шт.: Отказ" in body


def test_rerun_sends_nothing(order, django_capture_on_commit_callbacks):
    # given a batch already e-mailed
    changes = set_status(line_ids(order), "Принят", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1

    # when the task runs again for the same ids (twice)
    ids = [c.pk for c in changes]
    tasks.send_status_emails.call(change_ids=ids)
    tasks.send_status_emails.call(change_ids=ids)

    # then nothing more is sent
    assert len(mail.outbox) == 1
    assert status_letters().count() == 1


def test_failure_is_retried_later_with_backoff_and_not_lost(
    order, django_capture_on_commit_callbacks
):
    # given the mail server is down and a task backend that can defer
    with override_settings(EMAIL_BACKEND=FAILING, TASKS=DUMMY_TASKS):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            changes = line_status_set(
                line_ids=line_ids(order), status_id=status("Принят").pk, actor=None
            )
        start = timezone.now()
        # when the task runs: the manager's action was not blocked, nothing raised
        outcome = tasks.send_status_emails.call(change_ids=[c.pk for c in changes])
        assert len(callbacks) == 1
        assert outcome["failed"] == 1
        # then the e-mail waits in the outbox with the error, and a retry is enqueued
        row = status_letters().get()
        assert row.sent_at is None and row.attempts == 1
        assert "SMTP-сервер недоступен" in row.last_error
        retry = default_task_backend.results[-1]
        assert retry.task.name == "outbox_deliver"
        assert retry.kwargs == {"email_ids": [row.pk]}
        assert timedelta(seconds=55) < retry.task.run_after - start < timedelta(seconds=65)

        # when the retry runs a minute later and fails again: the next one in 5 minutes
        with time_machine.travel(start + timedelta(minutes=1, seconds=1), tick=False):
            outbox.outbox_deliver.call(email_ids=[row.pk])
        row.refresh_from_db()
        assert row.attempts == 2
        assert row.next_attempt_at - start == timedelta(minutes=6, seconds=1)

    # when the server is back and the retry runs when due
    assert mail.outbox == []
    outbox.outbox_deliver.call(email_ids=[row.pk])  # too early: skipped
    assert mail.outbox == []
    with time_machine.travel(row.next_attempt_at, tick=False):
        outbox.outbox_deliver.call(email_ids=[row.pk])

    # then the e-mail goes out once
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 3 and row.last_error == ""
    outbox.outbox_deliver.call(email_ids=[row.pk])
    assert len(mail.outbox) == 1


def test_failure_never_blocks_the_manager_and_the_sweeper_sends_it(
    order, django_capture_on_commit_callbacks
):
    # given the mail server is down and the immediate task backend (no run_after)
    with override_settings(EMAIL_BACKEND=FAILING):
        # when a manager changes statuses — the task runs at commit and fails inside
        changes = set_status(line_ids(order), "Принят", django_capture_on_commit_callbacks)
    # then the action succeeded and the e-mail waits
    assert len(changes) == 3
    assert status_letters().get().sent_at is None

    # when the periodic sweep runs after the backoff
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        outcome = outbox.outbox_deliver_due.call()

    # then the e-mail is sent
    assert outcome["sent"] == 1
    assert len(mail.outbox) == 1


def test_sweeper_handles_changes_whose_task_never_ran(order):
    # given a batch whose task was lost (committed, never enqueued)
    line_status_set(line_ids=line_ids(order), status_id=status("Принят").pk, actor=None)
    assert mail.outbox == []

    # when the sweep runs a few minutes later
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        outbox.outbox_deliver_due.call()

    # then the client gets the e-mail; the «Новый» rows of checkout are marked, not mailed
    assert len(mail.outbox) == 1
    assert not StatusChange.objects.filter(notified_at=None).exists()


def test_gives_up_after_max_attempts(order, django_capture_on_commit_callbacks):
    with override_settings(EMAIL_BACKEND=FAILING):
        set_status(line_ids(order), "Принят", django_capture_on_commit_callbacks)
        row = status_letters().get()
        status_letters().filter(pk=row.pk).update(
            attempts=outbox.MAX_ATTEMPTS - 1, series_attempts=outbox.MAX_ATTEMPTS - 1
        )
        with time_machine.travel(timezone.now() + timedelta(hours=2)):
            assert outbox.outbox_deliver.call(email_ids=[row.pk])["gave_up"] == 1
            assert outbox.due_email_ids() == []


def test_retry_delays():
    assert [outbox.retry_delay(n) for n in (1, 2, 3, 4, 5, 12)] == [
        timedelta(minutes=m) for m in (1, 5, 15, 60, 60, 60)
    ]


def test_real_email_through_smtp_server(order, django_capture_on_commit_callbacks):
    # given an SMTP server on localhost
    # when lines are shipped
    with smtp_inbox() as received:
        set_status(line_ids(order)[:2], "Отгружен", django_capture_on_commit_callbacks)

    # then the server received one multipart e-mail with the Russian text and HTML
    assert len(received) == 1
    envelope = received[0]
    assert envelope.rcpt_tos == ["zakaz@example.ru"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"].strip() == f"Заказ № {order.number}: новые статусы 2 позиций"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "FEBI 27432 — Втулка стабилизатора, 4 шт.: Отгружен" in text
    assert "Втулка стабилизатора" in html and "<table" in html
    assert status_letters().get().sent_at is not None


def test_orders_hook_hands_the_changes_to_notifications(order, django_capture_on_commit_callbacks):
    # given changes written by orders, which only calls its hook (it never imports us)
    from django.db import transaction

    from mprating.orders import hooks

    accepted = status("Принят")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        changes = StatusChange.objects.bulk_create(
            StatusChange(line=line, status=accepted) for line in order.lines.all()
        )
        hooks.line_status_changed([c.pk for c in changes])
        # then nothing happens before the commit
        assert mail.outbox == []

    # then after the commit the listener registered in NotificationsConfig.ready() ran
    assert tasks.status_changes_listener in hooks._status_listeners
    assert [m.subject for m in mail.outbox] == [f"Заказ № {order.number}: новые статусы 3 позиций"]
    assert not StatusChange.objects.filter(pk__in=[c.pk for c in changes], notified_at=None)
