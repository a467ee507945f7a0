"""Property-based: for any sequence of entries and any period, the numbers add up.

- the maintained balance equals Σ credit − Σ debit of the ledger;
- opening + credit turnover − debit turnover = closing, for any period, through the gateway;
- the opening balance at a moment equals the ledger summed before it.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mprating.accounts.tests.factories import make_client
from mprating.finance import selectors
from mprating.finance.embedded import EmbeddedGateway
from mprating.finance.models import KIND_DIRECTION
from mprating.finance.reports import period_bounds, period_report
from mprating.finance.tests.factories import post

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 6, 30, 12, 0))
DAYS = 60

amounts = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("500000"), places=2, allow_nan=False
)
entries = st.lists(
    st.tuples(
        st.sampled_from(sorted(KIND_DIRECTION)),
        amounts,
        st.booleans(),  # the sign of a correction
        st.integers(min_value=0, max_value=DAYS * 24 * 60),  # minutes before NOW
    ),
    max_size=25,
)
HYPOTHESIS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _post_all(client, drawn) -> None:
    for kind, amount, negative, minutes in drawn:
        direction = KIND_DIRECTION[kind] or (-1 if negative else 1)
        post(client, kind, amount * direction, at=NOW - timedelta(minutes=minutes))


@pytest.fixture
def client():
    return make_client()


@HYPOTHESIS
@given(drawn=entries)
def test_the_maintained_balance_is_the_sum_of_the_entries(client, drawn):
    with transaction.atomic():
        _post_all(client, drawn)

        assert selectors.client_balance(client.pk) == selectors.ledger_sum(client.pk)
        transaction.set_rollback(True)


@HYPOTHESIS
@given(
    drawn=entries,
    first=st.integers(min_value=0, max_value=DAYS + 5),
    length=st.integers(min_value=0, max_value=DAYS + 5),
)
def test_opening_plus_turnover_is_closing_for_any_period(client, drawn, first, length):
    start = (NOW - timedelta(days=DAYS + 2)).date() + timedelta(days=first)
    end = start + timedelta(days=length)
    gateway = EmbeddedGateway()
    with transaction.atomic():
        _post_all(client, drawn)

        report = period_report(gateway, client, start=start, end=end)
        moment_from, moment_to = period_bounds(start, end)

        assert report.opening == selectors.ledger_sum(client.pk, before=moment_from)
        assert report.closing == selectors.ledger_sum(client.pk, before=moment_to)
        assert report.opening + report.credit_total - report.debit_total == report.closing
        assert report.closing == gateway.balance(client, at=moment_to)
        if report.rows:
            assert report.rows[-1].balance_after == report.closing
        transaction.set_rollback(True)


@HYPOTHESIS
@given(drawn=entries, minutes=st.integers(min_value=-10, max_value=DAYS * 24 * 60 + 10))
def test_the_opening_balance_at_any_moment_is_the_ledger_before_it(client, drawn, minutes):
    moment = NOW - timedelta(minutes=minutes)
    with transaction.atomic():
        _post_all(client, drawn)

        assert selectors.opening_balance(client.pk, at=moment) == selectors.ledger_sum(
            client.pk, before=moment
        )
        transaction.set_rollback(True)


def test_a_period_is_whole_moscow_days():
    start, end = period_bounds(date(2026, 3, 1), date(2026, 3, 31))

    assert timezone.localtime(start).isoformat() == "2026-03-01T00:00:00+03:00"
    assert timezone.localtime(end).isoformat() == "2026-04-01T00:00:00+03:00"
