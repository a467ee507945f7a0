"""Back office outbox of status e-mails: list and «Отправить снова»."""

import pytest
from django.core import mail
from django.test import override_settings

from mprating.accounts.tests.factories import make_client, make_staff
from mprating.notifications import services
from mprating.notifications.models import StatusEmail
from mprating.notifications.tests.helpers import line_ids, order_with_lines, status
from mprating.orders.services import line_status_set

pytestmark = pytest.mark.django_db

FAILING = "mprating.notifications.tests.helpers.FailingEmailBackend"
URL = "/backoffice/notifications/statusemail/"


def test_outbox_list_and_send_again(client, django_capture_on_commit_callbacks):
    # given an e-mail that ran out of attempts while the server was down
    order = order_with_lines(make_client(email="outbox@example.ru"))
    failing = override_settings(EMAIL_BACKEND=FAILING)
    with failing, django_capture_on_commit_callbacks(execute=True):
        line_status_set(line_ids=line_ids(order), status_id=status("Принят").pk, actor=None)
    row = StatusEmail.objects.get()
    StatusEmail.objects.filter(pk=row.pk).update(attempts=services.MAX_ATTEMPTS)
    client.force_login(make_staff(superuser=True, email="admin@example.ru"))

    # when staff open the outbox
    response = client.get(URL)
    assert response.status_code == 200
    assert "outbox@example.ru" in response.content.decode()

    # and send it again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"action": "send_again", "_selected_action": [row.pk]})

    # then it goes out
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
