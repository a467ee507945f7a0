"""The demo garage: two cars (VIN found / not found), requests in several statuses, a chat."""

import io

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.garage import demo
from mprating.garage.models import ChatMessage, Vehicle, VinAnswer, VinRequest
from mprating.garage.selectors import vin_lookup

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_shows_both_lookups():
    # given the demo client and manager (the reference comes from the data migration)
    client = make_client(email=demo.DEMO_CLIENT)
    make_staff(roles.MANAGER, email=demo.DEMO_MANAGER)

    # when the demo is seeded twice
    demo.seed(stdout=io.StringIO())
    snapshot = (
        Vehicle.objects.count(),
        VinRequest.objects.count(),
        VinAnswer.objects.count(),
        ChatMessage.objects.count(),
    )
    demo.seed(stdout=io.StringIO())

    # then nothing changed the second time
    assert snapshot == (
        Vehicle.objects.count(),
        VinRequest.objects.count(),
        VinAnswer.objects.count(),
        ChatMessage.objects.count(),
    )
    lada, uaz = (
        Vehicle.objects.get(client=client, vin_or_frame=demo.LADA[4]),
        Vehicle.objects.get(client=client, vin_or_frame=demo.UAZ[4]),
    )
    # one VIN is found down to the modification, the other is not
    found = vin_lookup(lada.vin_or_frame, vehicle=lada)
    assert found.found and found.modification == lada.modification
    missing = vin_lookup(uaz.vin_or_frame, vehicle=uaz)
    assert not missing.found and missing.from_vehicle
    assert [link.make_name for link in missing.catalog_links] == ["УАЗ"]
    # requests in several statuses, with answers and a chat
    assert set(VinRequest.objects.values_list("status", flat=True)) == {
        VinRequest.Status.DONE,
        VinRequest.Status.IN_PROGRESS,
        VinRequest.Status.NOT_SENT,
        VinRequest.Status.PENDING,
    }
    assert ChatMessage.objects.filter(read_at__isnull=True, from_client=False).count() == 1
    assert VinAnswer.objects.exists()
