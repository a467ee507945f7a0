"""Test data of the garage, made through the services (used by test_garage*, test_vin*, …).

The starter vehicle reference is loaded by a data migration; tests that rely on exact matches
start from `clear_reference()` and build the few rows they need.
"""

from mprating.accounts.models import Client
from mprating.garage import services
from mprating.garage.models import Generation, Make, Modification, Vehicle, VehicleModel, VinRequest

# A Lada Vesta sedan of model year 2018 (engine 21129, manual), check digit correct.
LADA_VESTA_VIN = "XTAGFL115JY123456"
# The same with a wrong check digit (9th character): AvtoVAZ does not compute it.
LADA_VESTA_VIN_BAD_CHECK = "XTAGFL110JY123456"
# Honda (USA), valid check digit: decoded maker, not in a reference without Honda.
HONDA_VIN = "1HGCM82633A004352"
# Hyundai/Kia plant in Russia: vininfo does not know the WMI «Z94».
UNKNOWN_WMI_VIN = "Z94CB41AXGR323020"
FRAME_NUMBER = "GX110-6012345"


def clear_reference() -> None:
    Vehicle.objects.all().delete()
    Make.objects.all().delete()


def reference(
    make: str = "Lada",
    model: str = "Vesta",
    generation: tuple[str, int, int | None] = ("I", 2015, None),
    modifications: tuple[tuple[str, str, int], ...] = (
        ("1.6 MT 106 л.с.", "ВАЗ-21129", 106),
        ("1.8 AMT 122 л.с.", "ВАЗ-21179", 122),
    ),
) -> list[Modification]:
    make_row, _ = Make.objects.get_or_create(name=make)
    model_row, _ = VehicleModel.objects.get_or_create(make=make_row, name=model)
    name, year_from, year_to = generation
    generation_row, _ = Generation.objects.get_or_create(
        model=model_row, name=name, defaults={"year_from": year_from, "year_to": year_to}
    )
    return [
        Modification.objects.get_or_create(
            generation=generation_row,
            name=mod_name,
            defaults={"engine": engine, "power_hp": hp},
        )[0]
        for mod_name, engine, hp in modifications
    ]


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
