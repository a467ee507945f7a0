"""The mail server down (issue 12, «Faults»): «SMTP down: every kind of letter is retried later
and sent once».

Every letter of the store is written to the one outbox (`core.outbox`) by its app and sent from
there; nothing else in the code talks to a mail server (the first test holds that). For each kind
of letter, made by its own app's service: Django's real SMTP backend meets a closed port — the
letter stays queued with its next attempt later and the person's action is not disturbed; then a
real SMTP server (aiosmtpd) answers, and the letter arrives exactly once however many sweeps and
delivery tasks run.
"""

import email
import re
import socket
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from mprating.accounts import services as account_services
from mprating.accounts.tests.factories import make_client
from mprating.core import outbox
from mprating.core.models import OutgoingEmail
from mprating.core.testing import smtp_inbox
from mprating.garage import services as garage_services
from mprating.garage.tests.vin_factories import clear_reference, make_vin_request, reference
from mprating.notifications.tests.helpers import line_ids, order_with_lines, status
from mprating.orders.services import line_status_set
from mprating.pickup_points.tests.factories import make_owner
from mprating.returns.tests.factories import make_return, manager, shipped_line

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
# Declared for the back office filter, but no code writes it yet (the акт is shown on the
# «Финансы» page when ready); the test below fails once some code does, asking for a case here.
NOT_WRITTEN_YET = {"statement_ready"}


def password_reset() -> None:
    account_services.password_reset_email_enqueue(user=make_client(email="anna@example.ru").user)


def vin_request() -> None:
    clear_reference()
    reference()
    garage_services.vin_settings_update(manager_emails="vin@shop.ru", by=manager())
    make_vin_request(make_client(email="ivan@example.ru"))


def order_status() -> None:
    order = order_with_lines(make_client(email="maria@example.ru"))
    line_status_set(line_ids=line_ids(order), status_id=status("Принят").pk, actor=None)


def pvz_invitation() -> None:
    make_owner(email="owner@example.ru")


def return_status() -> None:
    client = make_client(email="petr@example.ru")
    make_return(client, shipped_line(client))


PRODUCERS = {
    "password_reset": password_reset,
    "vin_request": vin_request,
    "order_status": order_status,
    "pvz_invitation": pvz_invitation,
    "return_status": return_status,
}


def test_every_kind_of_letter_is_covered_and_only_the_outbox_talks_to_smtp():
    assert set(PRODUCERS) == set(outbox.KINDS) - NOT_WRITTEN_YET
    mail_api = re.compile(
        r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|"
        r"EmailMultiAlternatives|get_connection)\b"
    )
    offenders = []
    for path in (ROOT / "mprating").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or relative == "mprating/core/outbox.py":
            continue
        text = path.read_text(encoding="utf-8")
        if mail_api.search(text):
            offenders.append(relative)
        for kind in NOT_WRITTEN_YET:
            if f'"{kind}"' in text and relative != "mprating/core/outbox.py":
                offenders.append(f"{relative} writes {kind}: add it to PRODUCERS")
    assert offenders == []


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


def subjects(envelopes) -> list[str]:
    return [
        email.message_from_bytes(envelope.content, policy=policy.default)["Subject"].strip()
        for envelope in envelopes
    ]


@pytest.mark.parametrize("kind", sorted(PRODUCERS))
def test_with_smtp_down_the_letter_waits_and_is_sent_once_when_it_returns(
    kind, django_capture_on_commit_callbacks
):
    # given: the mail server refuses connections
    smtp_down = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=closed_port(),
        EMAIL_USE_TLS=False,
        EMAIL_TIMEOUT=2,
    )

    # when: the app writes its letter (the first try runs right after the commit)
    with smtp_down, django_capture_on_commit_callbacks(execute=True):
        PRODUCERS[kind]()
    letter = OutgoingEmail.objects.get(kind=kind)

    # then: it is queued with the error and a next attempt later; a sweep now does not send it
    assert letter.sent_at is None and not letter.gave_up
    assert letter.attempts == 1
    assert "refused" in letter.last_error.lower() or "111" in letter.last_error
    assert letter.next_attempt_at > timezone.now()
    with smtp_down:
        outbox.outbox_deliver_due.call()
    letter.refresh_from_db()
    assert (letter.attempts, letter.sent_at) == (1, None)

    # when: the server is back, the backoff has passed, and the sweep and a stray delivery
    # task both run, twice
    with smtp_inbox() as received, time_machine.travel(timezone.now() + timedelta(minutes=2)):
        outbox.outbox_deliver_due.call()
        outbox.outbox_deliver_due.call()
        outbox.outbox_deliver.call(email_ids=[letter.pk])

    # then: the letter arrived exactly once
    letter.refresh_from_db()
    assert letter.sent_at is not None and letter.attempts == 2
    assert subjects(received).count(letter.subject) == 1
    assert [e for e in received if set(e.rcpt_tos) == set(letter.recipients)]
