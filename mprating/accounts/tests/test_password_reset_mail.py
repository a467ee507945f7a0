"""The password reset letter goes through the one outbox: retried while the mail server is
down, sent for real over SMTP, and its link never shown in the back office."""

import email
import re
from datetime import timedelta
from email import policy

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mprating.accounts.tests.factories import make_client
from mprating.core import outbox
from mprating.core.models import OutgoingEmail
from mprating.core.testing import FAILING_EMAIL_BACKEND, smtp_inbox

pytestmark = pytest.mark.django_db


def test_reset_letter_waits_in_the_outbox_while_the_server_is_down(
    client, settings, django_capture_on_commit_callbacks
):
    # given the mail server is down
    make_client(email="client8@example.ru")
    settings.EMAIL_BACKEND = FAILING_EMAIL_BACKEND

    # when the client asks for a new password
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "client8@example.ru"})

    # then the page answers as usual and the letter waits for its next try
    assert response.status_code == 302
    row = OutgoingEmail.objects.get(kind="password_reset")
    assert row.state == OutgoingEmail.State.FAILED and row.sensitive

    # when the server is back and the sweep runs after the backoff
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert outbox.outbox_deliver_due.call()["sent"] == 1

    # then the client gets the link, and the stored text is erased
    assert re.search(r"/password-reset/[^\s]+/", mail.outbox[0].body)
    row.refresh_from_db()
    assert row.body_text == "" and row.body_html == ""


def test_reset_letter_through_a_real_smtp_server(client, django_capture_on_commit_callbacks):
    make_client(email="client9@example.ru", first_name="Ольга")

    with smtp_inbox() as received, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "client9@example.ru"})

    [envelope] = received
    assert envelope.rcpt_tos == ["client9@example.ru"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"].strip() == "Восстановление пароля в MP Rating"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Здравствуйте, Ольга!" in text
    link = re.search(r"http://[^\s]+/password-reset/[^\s]+/", text).group(0)
    assert link in html
    assert OutgoingEmail.objects.get(kind="password_reset").sent_at is not None
