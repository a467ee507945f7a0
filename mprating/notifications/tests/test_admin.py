"""Back office «Письма» (the core outbox) with status letters: list and «Отправить снова»."""

import pytest
from django.core import mail
from django.test import override_settings

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core import outbox
from mprating.core.models import OutgoingEmail
from mprating.core.testing import FAILING_EMAIL_BACKEND
from mprating.notifications.tests.helpers import line_ids, order_with_lines, status
from mprating.orders.services import line_status_set

pytestmark = pytest.mark.django_db

FAILING = FAILING_EMAIL_BACKEND
URL = "/backoffice/core/outgoingemail/"


def test_outbox_list_and_send_again(client, django_capture_on_commit_callbacks):
    # given an e-mail that ran out of attempts while the server was down
    order = order_with_lines(make_client(email="outbox@example.ru"))
    failing = override_settings(EMAIL_BACKEND=FAILING)
    with failing, django_capture_on_commit_callbacks(execute=True):
        line_status_set(line_ids=line_ids(order), status_id=status("Принят").pk, actor=None)
    row = OutgoingEmail.objects.get(kind="order_status")
    OutgoingEmail.objects.filter(pk=row.pk).update(
        attempts=outbox.MAX_ATTEMPTS, series_attempts=outbox.MAX_ATTEMPTS, gave_up=True
    )
    client.force_login(make_staff(superuser=True, email="admin@example.ru"))

    # when staff open the outbox
    response = client.get(URL)
    assert response.status_code == 200
    assert "outbox@example.ru" in response.content.decode()

    # and send it again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, {"action": "send_again", "_selected_action": [row.pk], "confirm": "yes"}
        )

    # then it goes out
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
