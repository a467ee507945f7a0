"""Test data of the garage, made through the services (used by test_garage*, test_vin*, …).

The starter vehicle reference is loaded by a data migration; tests that rely on exact matches
start from `clear_reference()` and build the few rows they need with the reference factories of
`mprating.vehicles.tests.factories` (re-exported here with the VIN numbers of known cars).
"""

from mprating.accounts.models import Client
from mprating.garage import services
from mprating.garage.models import Vehicle, VinRequest
from mprating.vehicles.models import Modification
from mprating.vehicles.tests import factories as vehicle_factories
from mprating.vehicles.tests.factories import (  # noqa: F401 — re-exported for garage tests
    FRAME_NUMBER,
    HONDA_VIN,
    LADA_VESTA_VIN,
    LADA_VESTA_VIN_BAD_CHECK,
    UNKNOWN_WMI_VIN,
    reference,
)


def clear_reference() -> None:
    """No cars (they protect their reference rows) and an empty vehicle reference."""
    Vehicle.objects.all().delete()
    vehicle_factories.clear_reference()


def make_vehicle(client: Client, modification: Modification | None = None, **fields) -> Vehicle:
    modification = modification or reference()[0]
    generation = modification.generation
    data = services.VehicleData(
        make_id=generation.model.make_id,
        model_id=generation.model_id,
        generation_id=generation.pk,
        modification_id=modification.pk,
        year=fields.get("year"),
        power_hp=fields.get("power_hp"),
        vin_or_frame=fields.get("vin_or_frame", ""),
        comment=fields.get("comment", ""),
    )
    vehicle, _ = services.vehicle_create(client=client, data=data)
    return vehicle


def make_vin_request(
    client: Client,
    vehicle: Vehicle | None = None,
    parts: tuple[str, ...] = ("масло моторное", "амортизатор передний"),
    comment: str = "",
    managers_address: bool = True,
) -> VinRequest:
    """A request made through the service. Unless `managers_address=False`, the managers'
    address is set first when «Настройки» have none (else the request is «Запрос не
    отправлен» at once, which only the tests of that failure want)."""
    vehicle = vehicle or make_vehicle(client, vin_or_frame=LADA_VESTA_VIN)
    if managers_address and not services.manager_emails():
        services.vin_settings_update(manager_emails="vin@shop.ru", by=None)
    return services.vin_request_create(
        client=client,
        vehicle_id=vehicle.pk,
        lines=[services.LineData(name, 1) for name in parts],
        comment=comment,
    )
