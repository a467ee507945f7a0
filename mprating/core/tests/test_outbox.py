"""The one mail outbox: written in the caller's transaction, sent after commit, retried with
backoff, given up after the limit, swept by cron, followed by the apps through listeners."""

import email
import io
from datetime import timedelta
from email import policy

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from mprating.core import outbox
from mprating.core.errors import ApplicationError
from mprating.core.models import OutgoingEmail
from mprating.core.testing import FAILING_EMAIL_BACKEND, smtp_inbox

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def enqueue(**fields) -> OutgoingEmail:
    values = {
        "kind": "vin_request",
        "to": ["vin@shop.ru"],
        "subject": "VIN-запрос № 7: Lada Vesta",
        "text": "Масло моторное — 2 шт.",
        "html": "<p>Масло моторное — 2 шт.</p>",
        "ref": "garage.vinrequest:7",
    }
    return outbox.email_enqueue(**(values | fields))


def test_letter_is_sent_after_the_callers_commit(django_capture_on_commit_callbacks):
    # when a service writes a letter in its transaction
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = enqueue()
        # then nothing is sent before the commit
        assert mail.outbox == []
    assert len(callbacks) == 1

    # when the transaction commits, the delivery task runs
    callbacks[0]()

    # then the letter goes out once, text and HTML, from the store
    [message] = mail.outbox
    assert (message.to, message.subject) == (["vin@shop.ru"], "VIN-запрос № 7: Lada Vesta")
    assert message.alternatives == [("<p>Масло моторное — 2 шт.</p>", "text/html")]
    row.refresh_from_db()
    assert row.state == OutgoingEmail.State.SENT and row.attempts == 1


def test_rolled_back_change_leaves_no_letter(django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture, pytest.raises(RuntimeError), transaction.atomic():
        enqueue()
        raise RuntimeError("the service failed after writing the letter")

    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_rendered_letter_takes_subject_text_and_html_from_templates():
    user = {"first_name": "Мария", "email": "maria@example.ru"}
    row = outbox.email_enqueue_rendered(
        kind="password_reset",
        to="maria@example.ru",
        template_base="emails/password_reset",
        context={"user": user, "reset_url": "http://shop.example/reset/abc/"},
    )

    assert row.subject == "Восстановление пароля в MP Rating"
    assert "Здравствуйте, Мария!" in row.body_text
    assert "http://shop.example/reset/abc/" in row.body_text
    assert "http://shop.example/reset/abc/" in row.body_html


def test_bad_recipient_and_unknown_kind_are_refused():
    with pytest.raises(ApplicationError) as error:
        enqueue(to=["не адрес"])
    assert error.value.message == "«не адрес» — не адрес электронной почты."
    with pytest.raises(ApplicationError):
        enqueue(to=[])
    with pytest.raises(ValueError):
        enqueue(kind="newsletter")
    assert not OutgoingEmail.objects.exists()


def test_recipients_from_text_are_split_and_deduplicated():
    row = enqueue(to="vin@shop.ru, boss@shop.ru;\nVIN@shop.ru")

    assert row.recipients == ["vin@shop.ru", "boss@shop.ru"]


def test_backoff_schedule():
    assert [outbox.retry_delay(n) for n in (1, 2, 3, 4, 5, 12)] == [
        timedelta(minutes=m) for m in (1, 5, 15, 60, 60, 60)
    ]


@override_settings(EMAIL_BACKEND=FAILING_EMAIL_BACKEND, TASKS=DUMMY_TASKS)
def test_failures_back_off_and_a_deferred_retry_is_enqueued():
    row = enqueue()
    start = timezone.now()

    # when the first try fails
    with time_machine.travel(start, tick=False):
        outcome = outbox.outbox_deliver.call(email_ids=[row.pk])

    # then the error is kept, the next try is in a minute, and a deferred retry is queued
    assert outcome["failed"] == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == (
        OutgoingEmail.State.FAILED,
        1,
        start + timedelta(minutes=1),
    )
    assert "SMTP-сервер недоступен" in row.last_error
    retry = default_task_backend.results[-1]
    assert retry.task.name == "outbox_deliver"
    assert retry.kwargs == {"email_ids": [row.pk]}
    assert retry.task.run_after == start + timedelta(minutes=1)

    # when each retry runs when due and fails: 5, 15, 60, 60 minutes later
    delays = []
    for _ in range(4):
        due = row.next_attempt_at
        with time_machine.travel(due, tick=False):
            assert outbox.outbox_deliver.call(email_ids=[row.pk])["failed"] == 1
        row.refresh_from_db()
        delays.append(row.next_attempt_at - due)
    assert delays == [timedelta(minutes=m) for m in (5, 15, 60, 60)]


@override_settings(EMAIL_BACKEND=FAILING_EMAIL_BACKEND)
def test_a_retry_that_is_not_due_yet_is_skipped():
    row = enqueue()
    outbox.outbox_deliver.call(email_ids=[row.pk])

    assert outbox.outbox_deliver.call(email_ids=[row.pk])["skipped"] == 1
    row.refresh_from_db()
    assert row.attempts == 1


@override_settings(EMAIL_BACKEND=FAILING_EMAIL_BACKEND)
def test_gives_up_after_the_last_attempt():
    row = enqueue()
    OutgoingEmail.objects.filter(pk=row.pk).update(
        attempts=outbox.MAX_ATTEMPTS - 1, series_attempts=outbox.MAX_ATTEMPTS - 1
    )

    assert outbox.outbox_deliver.call(email_ids=[row.pk])["gave_up"] == 1

    row.refresh_from_db()
    assert row.state == OutgoingEmail.State.GAVE_UP and row.attempts == outbox.MAX_ATTEMPTS
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert outbox.due_email_ids() == []
        assert outbox.outbox_deliver_due.call()["sent"] == 0


def test_sweep_sends_due_letters_and_leaves_the_rest():
    # given a letter whose task was lost, one not due yet, one sent and one given up
    lost = enqueue()
    later = enqueue()
    OutgoingEmail.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=1), series_attempts=3, attempts=3
    )
    sent = enqueue()
    OutgoingEmail.objects.filter(pk=sent.pk).update(sent_at=timezone.now())
    given_up = enqueue()
    OutgoingEmail.objects.filter(pk=given_up.pk).update(gave_up=True)

    # when cron runs the sweep
    output = io.StringIO()
    call_command("outbox_send_due", stdout=output)
    assert output.getvalue().startswith("Отправлено: 1, ошибок: 0")

    # then only the lost one is sent
    assert len(mail.outbox) == 1
    lost.refresh_from_db()
    later.refresh_from_db()
    assert lost.sent_at is not None and later.sent_at is None


def test_sweep_takes_over_a_letter_whose_sender_died():
    row = enqueue()
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=row.pk).update(locked_until=now + outbox.LEASE)

    assert outbox.outbox_deliver_due.call()["sent"] == 0  # still held
    with time_machine.travel(now + outbox.LEASE + timedelta(seconds=1)):
        assert outbox.outbox_deliver_due.call()["sent"] == 1


def test_sweep_runs_the_apps_callbacks_first():
    calls = []

    def write_missed_letters():
        calls.append("sweep")
        enqueue(subject="Письмо, которое пропустила задача")

    outbox.on_sweep(write_missed_letters)
    try:
        outcome = outbox.outbox_deliver_due.call()
    finally:
        outbox._sweep_callbacks.remove(write_missed_letters)

    assert calls == ["sweep"]
    assert outcome["sent"] == 1
    assert mail.outbox[0].subject == "Письмо, которое пропустила задача"


def test_listeners_learn_each_outcome_and_their_failure_changes_nothing(settings):
    seen = []

    def follow(letter, state):
        seen.append((letter.ref, state))

    def broken(letter, state):
        OutgoingEmail.objects.filter(pk=letter.pk).update(subject="испорчено")
        raise RuntimeError("the app's listener is broken")

    outbox.on_email_state("vin_request", follow)
    outbox.on_email_state("vin_request", broken)
    outbox.on_email_state("vin_request", follow)  # twice: no effect
    try:
        settings.EMAIL_BACKEND = FAILING_EMAIL_BACKEND
        row = enqueue()
        outbox.email_deliver(email_id=row.pk)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        outbox.email_requeue(email_ids=[row.pk])
        outbox.email_deliver(email_id=row.pk)
        enqueue(kind="order_status")
        outbox.outbox_deliver_due.call()
    finally:
        for listener in (follow, broken):
            outbox._state_listeners["vin_request"].remove(listener)

    assert seen == [("garage.vinrequest:7", "failed"), ("garage.vinrequest:7", "sent")]
    row.refresh_from_db()
    assert row.sent_at is not None and row.subject == "VIN-запрос № 7: Lada Vesta"


def test_requeue_gives_a_new_series_to_unsent_letters_only(settings):
    settings.EMAIL_BACKEND = FAILING_EMAIL_BACKEND
    failed = enqueue()
    OutgoingEmail.objects.filter(pk=failed.pk).update(
        gave_up=True, attempts=outbox.MAX_ATTEMPTS, series_attempts=outbox.MAX_ATTEMPTS
    )
    sent = enqueue()
    OutgoingEmail.objects.filter(pk=sent.pk).update(sent_at=timezone.now())
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    queued = outbox.email_requeue(email_ids=[failed.pk, sent.pk], to=["new@shop.ru"])
    outbox.outbox_deliver.call(email_ids=[failed.pk, sent.pk])

    assert queued == 1
    [message] = mail.outbox
    assert message.to == ["new@shop.ru"]
    failed.refresh_from_db()
    assert failed.attempts == outbox.MAX_ATTEMPTS + 1 and failed.series_attempts == 1


def test_sensitive_letter_text_is_erased_once_sent():
    row = enqueue(
        kind="password_reset", text="ссылка с токеном", html="<a>токен</a>", sensitive=True
    )

    outbox.email_deliver(email_id=row.pk)

    assert "ссылка с токеном" in mail.outbox[0].body
    row.refresh_from_db()
    assert (row.body_text, row.body_html) == ("", "")


def test_letter_about_a_ref():
    enqueue(ref="garage.vinrequest:8")
    latest = enqueue(ref="garage.vinrequest:8", subject="второе")

    assert outbox.email_for_ref("garage.vinrequest:8") == latest
    assert outbox.email_for_ref("garage.vinrequest:8", kind="order_status") is None
    assert outbox.ref_id("garage.vinrequest:8", "garage.vinrequest") == 8
    assert outbox.ref_id("garage.vinrequest:8", "orders.order") is None
    assert outbox.ref_id("garage.vinrequest:x", "garage.vinrequest") is None


def test_real_letter_through_an_smtp_server():
    row = enqueue(to=["vin@shop.ru", "boss@shop.ru"])

    with smtp_inbox() as received:
        assert outbox.email_deliver(email_id=row.pk) == "sent"

    [envelope] = received
    assert sorted(envelope.rcpt_tos) == ["boss@shop.ru", "vin@shop.ru"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"].strip() == "VIN-запрос № 7: Lada Vesta"
    assert message.get_body(("plain",)).get_content().strip() == "Масло моторное — 2 шт."
    assert "<p>Масло моторное" in message.get_body(("html",)).get_content()
