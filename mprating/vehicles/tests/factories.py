"""Test data of the vehicle reference, and VIN and frame numbers of known cars.

The starter reference is loaded by a data migration; tests that rely on exact matches start from
an empty reference (`clear_reference`, or the garage's own, which also removes the cars) and
build the few rows they need with `reference`.
"""

from mprating.vehicles.models import Generation, Make, Modification, VehicleModel

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
    """An empty reference (the catalog's applicability goes with it; cars must be gone first)."""
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
