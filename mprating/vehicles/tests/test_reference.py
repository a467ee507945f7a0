"""The vehicle reference: the shipped CSV, its loader, the command and the data migration."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from mprating.core.testing import count_queries
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel
from mprating.vehicles.reference import (
    COLUMNS,
    DEFAULT_PATH,
    VehicleReferenceError,
    load_reference,
)

pytestmark = pytest.mark.django_db

MINIMUM = {"makes": 25, "models": 150, "generations": 300, "modifications": 800}
HEADER = ";".join(COLUMNS)


def row(**fields) -> dict[str, str]:
    values = {
        "make": "Тест-Моторс",
        "model": "Альфа",
        "generation": "I",
        "year_from": "2015",
        "year_to": "2020",
        "modification": "1.6 MT 106 л.с.",
        "engine": "TM-16",
        "volume_l": "1.6",
        "power_hp": "106",
        "fuel": "petrol",
        "body": "седан",
        "drive": "fwd",
        "gearbox": "mt",
    }
    values.update(fields)
    return values


def reference_snapshot() -> list[tuple]:
    return list(
        Modification.objects.order_by("pk").values_list(
            "pk",
            "name",
            "engine",
            "volume_l",
            "power_hp",
            "fuel",
            "body",
            "drive",
            "gearbox",
            "generation__name",
            "generation__year_from",
            "generation__year_to",
            "generation__model__name",
            "generation__model__make__name",
            "generation__model__make__sort_order",
        )
    )


def test_migration_ships_the_reference_with_lada_first():
    # given the test database built by the migrations
    # then the starter reference is there, Lada («ВАЗ первым») at the top of the list
    assert Make.objects.count() >= MINIMUM["makes"]
    assert Modification.objects.count() >= MINIMUM["modifications"]
    assert Make.objects.first().name == "Lada"
    assert Make.objects.get(name="Lada").sort_order < Make.objects.get(name="Kia").sort_order


def test_shipped_csv_loads_into_an_empty_reference():
    # given an empty reference
    Make.objects.all().delete()

    # when the shipped file is loaded
    counts = load_reference(DEFAULT_PATH)

    # then everything is created with the expected minimum volume
    assert counts.makes.created >= MINIMUM["makes"]
    assert counts.models.created >= MINIMUM["models"]
    assert counts.generations.created >= MINIMUM["generations"]
    assert counts.modifications.created >= MINIMUM["modifications"]
    assert counts.modifications.created == counts.rows == Modification.objects.count()
    assert list(Make.objects.values_list("name", flat=True)[:1]) == ["Lada"]
    # the examples of the issue are there with their years
    granta = Generation.objects.filter(model__make__name="Lada", model__name="Granta")
    assert {(g.name, g.year_from, g.year_to) for g in granta} == {
        ("I", 2011, 2018),
        ("I рестайлинг", 2018, None),
    }
    rio_3 = Generation.objects.get(model__make__name="Kia", model__name="Rio", name="III")
    assert (rio_3.year_from, rio_3.year_to) == (2011, 2017)
    camry = set(
        Generation.objects.filter(model__make__name="Toyota", model__name="Camry").values_list(
            "name", flat=True
        )
    )
    assert {"XV40", "XV50", "XV70"} <= camry
    vesta = Modification.objects.get(
        generation__model__name="Vesta", generation__name="I", name="1.6 MT 106 л.с."
    )
    assert (vesta.engine, vesta.volume_l, vesta.power_hp) == ("ВАЗ-21129", Decimal("1.6"), 106)
    assert (vesta.fuel, vesta.drive, vesta.gearbox) == ("petrol", "fwd", "mt")


def test_loading_twice_changes_nothing():
    # given the reference loaded from the shipped file
    load_reference(DEFAULT_PATH)
    before = reference_snapshot()

    # when it is loaded again
    counts = load_reference(DEFAULT_PATH)

    # then nothing is created or updated
    for level in (counts.makes, counts.models, counts.generations, counts.modifications):
        assert (level.created, level.updated) == (0, 0)
    assert counts.modifications.unchanged == counts.rows
    assert reference_snapshot() == before


def test_a_bad_row_names_its_line_in_russian_and_writes_nothing():
    # given rows for a new make, the third line (second data row) with a bad gearbox and years
    rows = [
        row(),
        row(modification="1.6 XX 106 л.с.", gearbox="коробка", year_from="2020", year_to="2015"),
    ]

    # when they are loaded
    with pytest.raises(VehicleReferenceError) as caught:
        load_reference(rows)

    # then the message names the line and the problems, and nothing was written
    message = caught.value.message
    assert "Справочник автомобилей не загружен, ничего не изменено." in message
    assert "Строка 3:" in message
    assert "КПП (gearbox) «коробка» — допустимо: mt, at, amt, cvt" in message
    assert "год окончания выпуска 2015 раньше года начала 2020" in message
    assert caught.value.errors[0].startswith("Строка 3:")
    assert not Make.objects.filter(name="Тест-Моторс").exists()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"make": ""}, "не заполнено поле «марка» (make)"),
        ({"year_from": "20l5"}, "год начала выпуска (year_from) «20l5»"),
        ({"volume_l": "1.65"}, "объём (volume_l) «1.65»"),
        ({"power_hp": "-5"}, "мощность (power_hp) «-5»"),
        ({"fuel": "керосин"}, "топливо (fuel) «керосин» — допустимо: petrol, diesel"),
        ({"drive": "4x4"}, "привод (drive) «4x4» — допустимо: fwd, rwd, awd"),
        ({"body": "к" * 33}, "«кузов» длиннее 32 символов"),
    ],
)
def test_each_kind_of_bad_value_gets_its_message(fields, expected):
    with pytest.raises(VehicleReferenceError) as caught:
        load_reference([row(**fields)])
    assert len(caught.value.errors) == 1
    assert caught.value.errors[0].startswith("Строка 2: ")
    assert expected in caught.value.errors[0]


def test_rows_of_one_generation_must_agree_and_not_repeat():
    # given a generation with two different year ranges and a repeated modification
    rows = [row(), row(modification="1.8 MT 122 л.с.", year_to=""), row()]

    with pytest.raises(VehicleReferenceError) as caught:
        load_reference(rows)

    assert caught.value.errors == [
        "Строка 3: годы поколения «Тест-Моторс Альфа I» (2015–н. в.) не совпадают со строкой 2 "
        "(2015–2020).",
        "Строка 4: модификация «Тест-Моторс Альфа I 1.6 MT 106 л.с.» уже есть в строке 2.",
    ]


def test_a_bad_file_header_is_refused(tmp_path):
    path = tmp_path / "cars.csv"
    path.write_text("make;model;generation;year;modification\nLada;Vesta;I;2015;1.6\n")

    with pytest.raises(VehicleReferenceError) as caught:
        load_reference(path)

    message = caught.value.errors[0]
    assert message.startswith("Строка 1 (заголовок): нет столбцов: year_from, year_to, engine")
    assert "неизвестные столбцы: year" in message


def test_a_file_in_another_encoding_is_refused(tmp_path):
    path = tmp_path / "cars.csv"
    path.write_bytes(f"{HEADER}\n".encode() + ";".join(row().values()).encode("cp1251"))

    with pytest.raises(VehicleReferenceError) as caught:
        load_reference(path)

    assert "не в кодировке UTF-8" in caught.value.errors[0]


def test_changed_fields_of_existing_rows_are_updated():
    # given a make, a generation still in production and a modification
    load_reference([row(year_to="", make_sort_order="50")])
    modification = Modification.objects.get(generation__model__make__name="Тест-Моторс")

    # when the file says the generation ended, the engine code and power changed, and a
    # modification was added; the make's position is left empty
    counts = load_reference(
        [
            row(year_to="2021", engine="TM-16M", power_hp="110"),
            row(
                year_to="2021",
                modification="1.8 AT 130 л.с.",
                volume_l="1,8",
                power_hp="130",
                gearbox="АКПП",
            ),
        ]
    )

    # then the existing rows are updated in place, the new one created, the position kept
    modification.refresh_from_db()
    assert (modification.engine, modification.power_hp) == ("TM-16M", 110)
    assert modification.generation.year_to == 2021
    assert Make.objects.get(name="Тест-Моторс").sort_order == 50
    added = Modification.objects.get(
        generation__model__make__name="Тест-Моторс", name="1.8 AT 130 л.с."
    )
    assert (added.volume_l, added.gearbox) == (Decimal("1.8"), "at")
    assert (counts.makes.unchanged, counts.models.unchanged) == (1, 1)
    assert (counts.generations.updated, counts.modifications.updated) == (1, 1)
    assert counts.modifications.created == 1


def test_names_are_trimmed_and_blank_lines_skipped():
    load_reference([row(make="  Тест-Моторс ", model="Альфа  GT"), {}])

    assert VehicleModel.objects.filter(make__name="Тест-Моторс", name="Альфа GT").exists()


def test_query_count_does_not_grow_with_the_number_of_rows():
    def rows(count: int, tag: str) -> list[dict[str, str]]:
        return [
            row(
                make=f"Марка {tag}{i % 3}",
                model=f"Модель {i % 7}",
                generation=f"G{i % 11}",
                modification=f"1.{i} MT {100 + i} л.с.",
                volume_l="1.6",
            )
            for i in range(count)
        ]

    assert count_queries(lambda: load_reference(rows(5, "a"))) == count_queries(
        lambda: load_reference(rows(50, "b"))
    )


def test_command_loads_a_file_and_prints_counts(tmp_path):
    path = tmp_path / "cars.csv"
    path.write_text(
        HEADER + "\n" + ";".join(row().values()) + "\n", encoding="utf-8-sig"
    )  # Excel's BOM
    out = io.StringIO()

    call_command("load_vehicle_reference", str(path), stdout=out)

    assert "марки: 1 (новых 1, изменено 0, без изменений 0)" in out.getvalue()
    assert "модификации: 1 (новых 1" in out.getvalue()
    assert Modification.objects.filter(generation__model__make__name="Тест-Моторс").exists()


def test_command_reports_a_bad_file(tmp_path):
    path = tmp_path / "cars.csv"
    path.write_text(HEADER + "\n" + ";".join(row(power_hp="сто").values()) + "\n")

    with pytest.raises(CommandError, match="Строка 2: мощность"):
        call_command("load_vehicle_reference", str(path))
