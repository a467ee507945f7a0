"""The vehicle reference side of the back office import «Справочник автомобилей»: row checks
across a whole job, the rejected row's reason, and the writer (the catalog's import pages that
feed it are tested in catalog/tests/test_import_vehicles.py)."""

from decimal import Decimal

import pytest

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff
from mprating.core.testing import count_queries
from mprating.vehicles.models import Modification
from mprating.vehicles.reference import IMPORT_PERMISSIONS, ImportRows, RowRejected

pytestmark = pytest.mark.django_db

ALL = (
    "make",
    "model",
    "generation",
    "year_from",
    "year_to",
    "modification",
    "engine",
    "volume_l",
    "power_hp",
    "fuel",
    "body",
    "drive",
    "gearbox",
)


def cells(**fields) -> dict[str, str]:
    values = {
        "make": "Тест-Моторс",
        "model": "Альфа",
        "generation": "I",
        "year_from": "2015",
        "year_to": "2020",
        "modification": "1.6 MT 106 л.с.",
        "engine": "TM-16",
        "volume_l": "1,6",
        "power_hp": "106",
        "fuel": "бензин",
        "body": "седан",
        "drive": "fwd",
        "gearbox": "МКПП",
    }
    values.update(fields)
    return values


def test_a_good_row_is_typed_and_a_bad_one_gets_one_russian_sentence():
    rows = ImportRows(columns=ALL)

    good = rows.check(2, cells())
    with pytest.raises(RowRejected) as bad:
        rows.check(3, cells(modification="2.0", power_hp="сто", gearbox="коробка"))
    with pytest.raises(RowRejected) as empty:
        rows.parse(dict.fromkeys(ALL, ""))

    assert (good.number, good.values["volume_l"], good.values["gearbox"]) == (
        2,
        Decimal("1.6"),
        "mt",
    )
    assert bad.value.reason.startswith("Мощность (power_hp) «сто» — нужно целое число")
    assert "КПП (gearbox) «коробка» — допустимо: mt, at, amt, cvt" in bad.value.reason
    assert bad.value.reason.endswith(".")
    assert empty.value.reason == "В выбранных столбцах строка пустая."


def test_rows_are_checked_against_every_accepted_row_of_the_job():
    rows = ImportRows(columns=ALL)
    rows.check(2, cells())

    with pytest.raises(RowRejected) as twice:
        rows.check(3, cells())
    with pytest.raises(RowRejected) as years:
        rows.check(4, cells(modification="1.8 AT 140 л.с.", year_to=""))
    # a rejected row is not remembered: the same modification with the right years goes in
    accepted = rows.check(5, cells(modification="1.8 AT 140 л.с."))

    assert "уже есть в строке 2" in twice.value.reason
    assert "не совпадают со строкой 2 (2015–2020)" in years.value.reason
    assert accepted.number == 5


def test_write_creates_then_finds_by_name_with_constant_queries():
    def batch(n: int, tag: str) -> list:
        rows = ImportRows(columns=ALL)
        return [
            rows.check(i + 2, cells(make=f"Марка {tag}{i}", modification=f"1.{i} MT"))
            for i in range(n)
        ]

    small, large = batch(5, "a"), batch(50, "b")

    assert count_queries(lambda: ImportRows(columns=ALL).write(small)) == count_queries(
        lambda: ImportRows(columns=ALL).write(large)
    )
    again = ImportRows(columns=ALL).write(large)
    assert (again.created_rows, again.updated_rows, again.unchanged_rows) == (0, 0, 50)


def test_a_field_without_a_column_keeps_the_current_value():
    ImportRows(columns=ALL).write([ImportRows(columns=ALL).check(2, cells())])
    without_engine = [c for c in ALL if c not in ("engine", "power_hp")]
    rows = ImportRows(columns=without_engine)

    counts = rows.write([rows.check(2, cells(engine="", power_hp="", body="хэтчбек"))])

    modification = Modification.objects.get(generation__model__make__name="Тест-Моторс")
    assert (modification.engine, modification.power_hp, modification.body) == (
        "TM-16",
        106,
        "хэтчбек",
    )
    assert counts.updated_rows == 1


def test_managers_may_import_the_reference_operators_may_not():
    # given the roles of the data migrations
    manager = make_staff(roles.MANAGER, email="manager@example.ru")
    operator = make_staff(roles.OPERATOR, email="operator@example.ru")

    # then the rights the import asks for are the manager's, not the operator's
    assert len(IMPORT_PERMISSIONS) == 8
    assert manager.has_perms(IMPORT_PERMISSIONS)
    assert not any(operator.has_perm(permission) for permission in IMPORT_PERMISSIONS)
