"""Background work of the garage: the e-mail of a new VIN request to the managers."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from mprating.garage import services

# Automatic retries after a failed send: 5 minutes, then 15, 1 hour, 3 hours. The client's
# «Отправить повторно» starts a new series at any time.
RETRY_DELAYS = (timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=3))


@task()
def send_vin_request_email(*, request_id: int, attempt: int = 1) -> None:
    """Mail the request to the managers; on failure try again later, a limited number of times.

    Safe to run twice: a request whose e-mail went out is skipped (`email_sent_at`). The retry
    is a new task with `run_after`; a backend that cannot defer (the immediate one of the tests)
    leaves the retry to the client's button.
    """
    sent = services.vin_request_email_send(request_id=request_id)
    if sent is not False or attempt > len(RETRY_DELAYS):
        return
    if not send_vin_request_email.get_backend().supports_defer:
        return
    send_vin_request_email.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1]).enqueue(
        request_id=request_id, attempt=attempt + 1
    )
