"""1С down or slow, as the client sees it on «Финансы» (issue 12, «Faults»: «1С down or slow:
cached data with a notice»).

A real HTTP server on localhost plays 1С (`fake_onec`). The page answers from the copy kept
by the last sync, with «Данные учётной системы на ДД.ММ.ГГГГ ЧЧ:ММ» and the warning that they
may be out of date, and never waits for 1С longer than the connection's timeout — even when
the refresh the page queues runs inside the request (the test task backend runs it at once).
"""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from mprating.core.money import format_rub
from mprating.finance.onec import services
from mprating.finance.onec.models import OneCClientState

pytestmark = pytest.mark.django_db

TIMEOUT = 0.5


@pytest.fixture
def synced_then_two_hours(settings, connection, history, clock, client):
    """A successful sync at 01.02.2026 12:00, then two hours pass; the client is signed in."""
    settings.FINANCE_GATEWAY = "onec"
    settings.FINANCE_ONEC_TIMEOUT = TIMEOUT
    services.sync_client(client_id=history.client.pk)
    clock.shift(timedelta(hours=2))
    client.force_login(history.client.user)
    return history


def open_page(client, capture, **query) -> tuple[str, float]:
    started = time.perf_counter()
    with capture(execute=True):  # the refresh the page queues runs here, as a worker would
        response = client.get(reverse("finance:page"), query)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return response.content.decode(), elapsed


def assert_cached_with_notice(page: str) -> None:
    assert format_rub(Decimal("-8846.00")) in page
    assert "Данные учётной системы на 01.02.2026 12:00" in page
    assert "Они могут быть неактуальны" in page


def test_1c_down_the_page_shows_the_kept_balance_with_its_date(
    synced_then_two_hours, onec, client, django_capture_on_commit_callbacks
):
    onec.stop()  # connection refused

    page, elapsed = open_page(client, django_capture_on_commit_callbacks)

    assert_cached_with_notice(page)
    assert elapsed < TIMEOUT + 2
    state = OneCClientState.objects.get(client=synced_then_two_hours.client)
    assert state.status == OneCClientState.Status.ERROR and state.balance == Decimal("-8846.00")


def test_1c_slow_the_page_does_not_wait_past_the_timeout(
    synced_then_two_hours, onec, client, django_capture_on_commit_callbacks
):
    onec.sleep_seconds = 5.0  # 1С answers, but ten times later than the timeout
    onec.fail("timeout")

    page, elapsed = open_page(client, django_capture_on_commit_callbacks)

    assert_cached_with_notice(page)
    assert elapsed < TIMEOUT + 2  # not the 5 seconds 1С would take
    state = OneCClientState.objects.get(client=synced_then_two_hours.client)
    assert state.status == OneCClientState.Status.ERROR
    assert "не ответила" in state.last_error


def test_1c_slow_an_old_period_is_a_russian_message_not_a_hang(
    synced_then_two_hours, onec, client, django_capture_on_commit_callbacks
):
    """A period older than the kept window is read live from 1С; when 1С is slow the page says
    so in Russian within the timeout, and still shows the kept data's date."""
    onec.sleep_seconds = 5.0
    onec.fail("timeout")

    page, elapsed = open_page(
        client,
        django_capture_on_commit_callbacks,
        date_from="01.06.2025",
        date_to="30.06.2025",
    )

    assert elapsed < 2 * TIMEOUT + 2
    assert "1С" in page and "не ответила" in page
    assert "Данные учётной системы на 01.02.2026 12:00" in page
