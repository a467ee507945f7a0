"""The accounting gateway: chosen by FINANCE_GATEWAY; the embedded one reads the ledger."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from mprating.accounts.tests.factories import make_client
from mprating.finance.embedded import EmbeddedGateway
from mprating.finance.gateway import AccountingGateway, Movement, freshness, get_gateway
from mprating.finance.tests.factories import charge, pay

pytestmark = pytest.mark.django_db


def at(day: int) -> datetime:
    return timezone.make_aware(datetime(2026, 3, day, 10, 0))


def test_the_embedded_ledger_is_the_default(settings):
    del settings.FINANCE_GATEWAY

    gateway = get_gateway()

    assert isinstance(gateway, EmbeddedGateway)
    assert isinstance(gateway, AccountingGateway)
    assert gateway.name == "embedded"


def test_an_unknown_gateway_is_a_configuration_error(settings):
    settings.FINANCE_GATEWAY = "excel"

    with pytest.raises(ImproperlyConfigured):
        get_gateway()


def test_movements_are_the_period_start_inclusive_end_exclusive_in_date_order():
    client = make_client()
    pay(client, "500", at=at(5))
    first = charge(client, "100", at=at(1))
    charge(client, "50", at=at(10))
    gateway = EmbeddedGateway()

    movements = gateway.movements(client, start=at(1), end=at(10))

    assert movements == [
        Movement(at(1), first.document, Decimal("100.00"), Decimal("0.00"), str(first.pk)),
        Movement(
            at(5), movements[1].document, Decimal("0.00"), Decimal("500.00"), movements[1].ref
        ),
    ]
    assert movements[1].document.startswith("Оплата — Платёжное поручение № ")
    assert gateway.balance(client) == Decimal("350.00")
    assert gateway.balance(client, at=at(1)) == Decimal("0.00")
    assert gateway.balance(client, at=at(6)) == Decimal("400.00")
    assert gateway.last_synced_at(client) is None


def test_freshness_of_copied_data(settings):
    settings.FINANCE_STALE_AFTER_MINUTES = 30

    class Copied:
        name = "copy"

        def __init__(self, minutes: int) -> None:
            self.synced = timezone.now() - timedelta(minutes=minutes)

        def last_synced_at(self, client):
            return self.synced

    assert freshness(EmbeddedGateway(), None).as_of is None
    assert freshness(Copied(10), None).stale is False
    assert freshness(Copied(45), None).stale is True
