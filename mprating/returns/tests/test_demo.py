"""The demo returns: one in each status for the demo client, each with a photo; deterministic
and idempotent."""

import io
from decimal import Decimal

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.catalog.models import Offer
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.finance.models import EntryKind, LedgerEntry
from mprating.orders.tests.factories import make_pickup_point
from mprating.returns import demo
from mprating.returns.models import ReturnPhoto, ReturnRequest, ReturnStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world():
    client = make_client(email=demo.DEMO_CLIENT, phone="+79161000001")
    make_staff(roles.MANAGER, email=demo.MANAGER)
    make_pickup_point()
    home = make_warehouse("home")
    for index in range(8):
        offer = make_offer(
            make_product("BOSCH", f"DEMO-{index}"), home, price="1500.00", quantity=30
        )
        Offer.objects.filter(pk=offer.pk).update(return_deduction_percent=Decimal("5"))
    return client


def _snapshot():
    return list(
        ReturnRequest.objects.order_by("pk").values_list(
            "status", "reason__name", "quantity", "refund_amount", "description"
        )
    )


def test_demo_makes_one_return_in_each_status_with_a_photo(demo_world):
    out = io.StringIO()

    demo.seed(stdout=out)

    statuses = [row[0] for row in _snapshot()]
    assert sorted(statuses) == sorted(ReturnStatus.values)
    assert ReturnPhoto.objects.count() == len(statuses)
    for item in ReturnPhoto.objects.all():
        with item.file.open("rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
        assert (item.width, item.height) == (480, 360)
    refunded = ReturnRequest.objects.get(status=ReturnStatus.REFUNDED)
    entry = LedgerEntry.objects.get(kind=EntryKind.RETURN_REFUND)
    assert entry.client_id == demo_world.pk and entry.credit == refunded.refund_amount
    assert "по одному в каждом статусе" in out.getvalue()


def test_demo_is_idempotent_and_deterministic(demo_world):
    demo.seed(stdout=io.StringIO())
    first = _snapshot()

    out = io.StringIO()
    demo.seed(stdout=out)

    assert _snapshot() == first
    assert ReturnPhoto.objects.count() == len(first)
    assert LedgerEntry.objects.filter(kind=EntryKind.RETURN_REFUND).count() == 1
    assert "уже есть" in out.getvalue()
    assert first[0][1:] == ("Не подошло", 1, Decimal("1425.00"), demo.PLAN[0][1])


def test_demo_without_the_client_does_nothing():
    demo.seed(stdout=io.StringIO())

    assert not ReturnRequest.objects.exists()
