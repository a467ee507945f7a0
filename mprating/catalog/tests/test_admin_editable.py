"""«Марки» and «Категории», lists with an editable column (issue 13): the formset class made once
per admin, without a request, and the unbound management form's HTML kept per what it prints;
the page stays the one Django prints, and the rows' values and count are read on every visit."""

import pytest
from django.forms.formsets import BaseFormSet, ManagementForm

from mprating.catalog.models import Category
from mprating.core.testing import list_formset_post
from mprating.vehicles.models import Make
from mprating.vehicles.tests.factories import clear_reference

pytestmark = pytest.mark.django_db

MAKES = "/backoffice/vehicles/make/"
CATEGORIES = "/backoffice/catalog/category/"


@pytest.fixture
def rows():
    clear_reference()
    parent = Category.objects.create(name="Фильтры", code="filters", sort_order=1)
    Category.objects.create(name="Масляные", code="oil", parent=parent, sort_order=2)
    Make.objects.create(name="Lada", sort_order=1)
    Make.objects.create(name="Kia", sort_order=2)


def _built_management_forms(monkeypatch) -> list:
    built = []
    original = ManagementForm.__init__

    def init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ManagementForm, "__init__", init)
    return built


@pytest.mark.parametrize("url", [MAKES, CATEGORIES])
def test_a_list_seen_again_makes_neither_its_formset_class_nor_its_management_form(
    boss_browser, rows, monkeypatch, url
):
    first = boss_browser.get(url).context["cl"].formset
    built = _built_management_forms(monkeypatch)

    again = boss_browser.get(url)
    formset = again.context["cl"].formset

    assert type(formset) is type(first)
    assert built == []
    # the kept HTML is what Django prints for this formset
    django = str(BaseFormSet.management_form.func(formset))
    assert str(formset.management_form) == django
    assert django in again.content.decode()
    assert formset.management_form["TOTAL_FORMS"].value() == formset.total_form_count()


def test_a_new_row_and_a_changed_value_show_on_the_next_visit(boss_browser, rows):
    page = boss_browser.get(MAKES).content.decode()
    total = Make.objects.count()
    assert f'name="form-TOTAL_FORMS" value="{total}"' in page

    Make.objects.create(name="Haval", sort_order=3)
    Make.objects.filter(name="Lada").update(sort_order=77)

    page = boss_browser.get(MAKES).content.decode()
    assert f'name="form-TOTAL_FORMS" value="{total + 1}"' in page
    assert "Haval" in page and 'value="77"' in page


def test_saving_through_the_kept_formset_is_djangos(boss_browser, rows):
    formset = boss_browser.get(MAKES).context["cl"].formset
    data = list_formset_post(formset)
    for i, make in enumerate(formset.get_queryset()):
        data[f"form-{i}-id"] = str(make.pk)
        data[f"form-{i}-sort_order"] = "-5" if make.name == "Kia" else str(make.sort_order + 10)

    refused = boss_browser.post(MAKES, data)
    data[next(k for k, v in data.items() if v == "-5")] = "40"
    saved = boss_browser.post(MAKES, data)

    assert refused.status_code == 200
    assert "Убедитесь, что это значение больше либо равно 0." in refused.content.decode()
    assert saved.status_code == 302
    assert dict(
        Make.objects.filter(name__in=["Lada", "Kia"]).values_list("name", "sort_order")
    ) == {
        "Lada": 11,
        "Kia": 40,
    }
