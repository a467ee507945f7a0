"""The demo data of the section: both marketplaces in every status, expiring and ended
accounts, buyouts on the demo client's marketplace lines; a second run changes nothing."""

import io

import pytest
from django.core.management import call_command

from mprating.marketplaces import demo, selectors
from mprating.marketplaces.models import AccountHistory, Buyout, MarketplaceAccount

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_status_and_is_idempotent():
    call_command("seed_demo", clients=0, stdout=io.StringIO())
    snapshot = (
        MarketplaceAccount.objects.count(),
        Buyout.objects.count(),
        AccountHistory.objects.count(),
    )

    call_command("seed_demo", clients=0, stdout=io.StringIO())

    assert (
        MarketplaceAccount.objects.count(),
        Buyout.objects.count(),
        AccountHistory.objects.count(),
    ) == snapshot
    at = selectors.clock()
    board = selectors.dashboard(at=at)
    for row in board.rows:
        assert row.active and row.inactive, row
    assert sum(row.busy for row in board.rows) >= 1
    assert board.total.expiring >= 3
    assert board.total.target == sum(demo.TARGETS.values())
    ended = MarketplaceAccount.objects.filter(service_until__lt=at.today)
    assert ended.exists()
    assert AccountHistory.objects.filter(account__in=ended, event="expired").exists()
    statuses = set(Buyout.objects.values_list("status", flat=True))
    assert statuses == {"placed", "in_transit", "at_point", "received", "cancelled"}
    assert all(b.line.source == "marketplace" for b in Buyout.objects.select_related("line"))
    # the lines follow their buyouts
    received = Buyout.objects.select_related("line__status").get(status="received")
    assert received.line.status.name == "Отгружен"


def test_without_the_demo_logins_only_accounts_are_made():
    out = io.StringIO()

    demo.seed(stdout=out)

    assert MarketplaceAccount.objects.count() == len(demo.ACCOUNTS)
    assert not Buyout.objects.exists()
    assert "Аккаунты маркетплейсов: добавлено" in out.getvalue()
