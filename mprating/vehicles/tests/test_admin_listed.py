"""Back office «Справочник автомобилей» (issue 13): a list reads the related names of its page as
columns of the page's own statement, compiled once per exact query state; its count does not
join the related tables; its related filter reads the makes with a kept statement. The rows are
read anew on every visit, and a filtered or searched list is compiled as Django compiles it."""

import pytest
from django.db import connection
from django.db.models import F, Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mprating.core.admin_listed_columns import listed_page
from mprating.core.testing import record_compiled_models
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel
from mprating.vehicles.tests.factories import clear_reference

pytestmark = pytest.mark.django_db

LISTS = {
    "modification": (Modification, "Lada Vesta I"),
    "generation": (Generation, "Lada Vesta"),
    "vehiclemodel": (VehicleModel, "Lada"),
}


@pytest.fixture
def lada():
    clear_reference()
    make = Make.objects.create(name="Lada")
    model = VehicleModel.objects.create(make=make, name="Vesta")
    generation = Generation.objects.create(model=model, name="I", year_from=2015)
    Modification.objects.create(generation=generation, name="1.6 MT", fuel="petrol")
    return make


def _url(name: str) -> str:
    return reverse(f"admin:vehicles_{name}_changelist")


@pytest.mark.parametrize("name", LISTS)
def test_a_list_seen_again_compiles_none_of_its_statements(boss_browser, lada, monkeypatch, name):
    model, shown = LISTS[name]
    assert shown in boss_browser.get(_url(name)).content.decode()

    compiled = record_compiled_models(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        page = boss_browser.get(_url(name)).content.decode()

    # the rows (with their names), the count and the makes of the filter: kept statements
    assert shown in page
    assert model not in compiled and Make not in compiled, compiled
    (count,) = [
        q["sql"] for q in queries if "COUNT(" in q["sql"] and model._meta.db_table in q["sql"]
    ]
    assert "JOIN" not in count


@pytest.mark.parametrize("name", LISTS)
def test_a_renamed_make_shows_on_the_next_visit(boss_browser, lada, name):
    boss_browser.get(_url(name))

    Make.objects.filter(pk=lada.pk).update(name="ВАЗ")

    page = boss_browser.get(_url(name)).content.decode()
    assert LISTS[name][1].replace("Lada", "ВАЗ") in page
    assert "Lada" not in page.replace('value="Lada"', "")


def test_a_filtered_or_searched_list_shows_its_rows_with_their_names(boss_browser, lada):
    other = Make.objects.create(name="Kia")
    model = VehicleModel.objects.create(make=other, name="Rio")
    generation = Generation.objects.create(model=model, name="IV", year_from=2017)
    Modification.objects.create(generation=generation, name="1.4 AT", fuel="petrol")

    by_make = boss_browser.get(
        _url("modification"), {"generation__model__make__id__exact": other.pk}
    )
    searched = boss_browser.get(_url("modification"), {"q": "Vesta"})

    assert "Kia Rio IV" in by_make.content.decode()
    assert "Lada Vesta I" not in by_make.content.decode()
    assert "Lada Vesta I" in searched.content.decode()
    assert "Kia Rio IV" not in searched.content.decode()


def test_a_clone_of_the_page_is_read_as_django_reads_it(lada):
    page = Modification.objects.order_by("name")[:10]
    rows = listed_page(page, {"mp_make_name": F("generation__model__make__name")})

    again = rows.annotate(shown=Value("другой запрос"))

    assert [row.mp_make_name for row in rows] == ["Lada"]
    assert [(row.mp_make_name, row.shown) for row in again] == [("Lada", "другой запрос")]
