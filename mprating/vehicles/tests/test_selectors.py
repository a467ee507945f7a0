"""The dependent lists make → model → generation → modification, and a decoded VIN in the
reference (the rules of `VinMatch`)."""

from dataclasses import replace

import pytest
import time_machine

from mprating.core.testing import count_queries
from mprating.vehicles import selectors
from mprating.vehicles.models import Make, Modification
from mprating.vehicles.tests.factories import (
    HONDA_VIN,
    LADA_VESTA_VIN,
    clear_reference,
    reference,
)
from mprating.vehicles.vin import decode_vin

pytestmark = pytest.mark.django_db


@pytest.fixture
def cars():
    clear_reference()
    vesta = reference()
    granta = reference("Lada", "Granta", ("I", 2011, 2018), (("1.6 MT 87 л.с.", "ВАЗ-11186", 87),))
    granta_fl = reference(
        "Lada", "Granta", ("I рестайлинг", 2018, None), (("1.6 MT 90 л.с.", "ВАЗ-11186", 90),)
    )
    rio = reference("Kia", "Rio", ("IV", 2017, 2023), (("1.6 AT 123 л.с.", "G4FG", 123),))
    Make.objects.filter(name="Lada").update(sort_order=1)
    return {"vesta": vesta, "granta": granta[0], "granta_fl": granta_fl[0], "rio": rio[0]}


def test_each_list_holds_the_children_of_the_choice_above(cars):
    granta = cars["granta"].generation.model
    lada = granta.make

    # makes by position (Lada «первым»), then by name
    assert [m.name for m in selectors.makes_list()] == ["Lada", "Kia"]
    assert [m.name for m in selectors.models_for_make(lada.pk)] == ["Granta", "Vesta"]
    assert [g.name for g in selectors.generations_for_model(granta.pk)] == [
        "I",
        "I рестайлинг",
    ]
    vesta_1 = cars["vesta"][0].generation
    assert [m.name for m in selectors.modifications_for_generation(vesta_1.pk)] == [
        "1.6 MT 106 л.с.",
        "1.8 AMT 122 л.с.",
    ]
    # nothing chosen above: an empty list, no query
    assert count_queries(lambda: selectors.models_for_make(None)) == 0
    assert selectors.generations_for_model(None) == []
    assert selectors.modifications_for_generation(0) == []


@time_machine.travel("2026-06-01 12:00 +0300")
def test_years_of_a_generation_newest_first_up_to_this_year(cars):
    assert selectors.generation_years(cars["rio"].generation_id) == list(range(2023, 2016, -1))
    assert selectors.generation_years(cars["granta_fl"].generation_id)[:2] == [2026, 2025]
    assert selectors.generation_years(cars["granta_fl"].generation_id)[-1] == 2018
    assert selectors.generation_years(None) == []


def test_a_modification_fixes_the_whole_car_in_five_queries(cars):
    rio = cars["rio"]

    def choose():
        return selectors.vehicle_choice(make_id=999, modification_id=rio.pk)

    choice = choose()

    assert (choice.make_id, choice.model_id, choice.generation_id) == (
        rio.generation.model.make_id,
        rio.generation.model_id,
        rio.generation_id,
    )
    assert choice.modification == rio
    assert [m.name for m in choice.modifications] == ["1.6 AT 123 л.с."]
    assert count_queries(choose) <= 5


def test_ids_that_do_not_belong_together_are_dropped_from_the_right(cars):
    kia = cars["rio"].generation.model.make
    vesta = cars["vesta"][0].generation.model

    choice = selectors.vehicle_choice(
        make_id=kia.pk, model_id=vesta.pk, generation_id=cars["vesta"][0].generation_id
    )

    assert choice.make_id == kia.pk
    assert (choice.model_id, choice.generation_id, choice.modification) == (None, None, None)
    assert [m.name for m in choice.models] == ["Rio"]
    assert choice.generations == [] and choice.modifications == []


def test_lada_vin_is_matched_down_to_the_modification(cars):
    match = selectors.vin_match(decode_vin(LADA_VESTA_VIN))

    assert (match.make.name, match.model.name, match.generation.name) == ("Lada", "Vesta", "I")
    assert match.year == 2018
    assert match.modification == cars["vesta"][0]  # engine 21129 → «ВАЗ-21129»


def test_engine_code_fixes_the_gas_modification_only_for_a_cng_engine(cars):
    vesta_1 = cars["vesta"][0].generation
    gas = Modification.objects.create(
        generation=vesta_1, name="1.6 MT 106 л.с. CNG", engine="ВАЗ-21129", fuel="gas"
    )
    Modification.objects.filter(pk=cars["vesta"][0].pk).update(fuel="petrol")
    decoded = decode_vin(LADA_VESTA_VIN)

    petrol = selectors.vin_match(decoded).modification
    cng = selectors.vin_match(replace(decoded, engine="21129 CNG")).modification

    assert petrol == cars["vesta"][0]
    assert cng == gas


def test_make_without_decoded_model_fixes_the_make_only(cars):
    honda = reference("Honda", "Civic", ("VIII", 2005, 2011), (("1.8 AT 140 л.с.", "R18A", 140),))

    match = selectors.vin_match(decode_vin(HONDA_VIN))

    assert match.make == honda[0].generation.model.make
    assert (match.model, match.generation, match.modification, match.year) == (
        None,
        None,
        None,
        None,
    )


def test_two_makes_of_one_maker_are_not_guessed(cars):
    # «Lada» and «ВАЗ» as two makes: AvtoVAZ matches both, so neither is chosen
    reference("ВАЗ", "2107", ("I", 1982, 2012), (("1.6 MT 75 л.с.", "ВАЗ-2106", 75),))

    assert selectors.vin_match(decode_vin(LADA_VESTA_VIN)).make is None
