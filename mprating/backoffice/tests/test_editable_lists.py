"""Editable lists shown without a form per row, the vehicles' dropdown filters kept (by
core.admin_filters_html) and the brands' spellings read in one query (issue 13, target 1): each
page is compared with the one Django and unfold make, and saving through an editable list stays
Django's."""

import contextlib
import html
import re

import pytest
from django.contrib.admin.views.main import ChangeList as DjangoChangeList
from django.db import connection
from django.forms import BaseModelFormSet
from django.test.utils import CaptureQueriesContext
from unfold.contrib.filters.admin import RelatedDropdownFilter

from mprating.catalog.admin import brands as brands_admin
from mprating.catalog.models import Brand, BrandAlias, Category
from mprating.core import admin_editable, admin_filters_html
from mprating.core.testing import count_queries, list_formset_post
from mprating.returns.models import ReturnReason
from mprating.vehicles import admin as vehicles_admin
from mprating.vehicles.models import Make, VehicleModel

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script> & «ё»'
CATEGORIES = "/backoffice/catalog/category/"
REASONS = "/backoffice/returns/returnreason/"
MAKES = "/backoffice/vehicles/make/"


def _page(browser, url, data=None) -> str:
    response = browser.get(url) if data is None else browser.post(url, data)
    html = response.content.decode()
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)  # the CSRF tokens


def _fill(n: int = 3, tag: str = "a") -> None:
    parent = Category.objects.create(name=f"{EVIL} {tag}", code=f"root-{tag}", sort_order=0)
    for i in range(n):
        Category.objects.create(
            name=f"{EVIL} {tag}{i}", code=f"c-{tag}-{i}", parent=parent, sort_order=i * 7
        )
        Make.objects.create(name=f"{EVIL} {tag}{i}", sort_order=32767 - i)
        ReturnReason.objects.create(
            name=f"{EVIL} {tag}{i}",
            restock_default=bool(i % 2),
            is_active=not i % 3,
            sort_order=i,
        )


def _count_forms(monkeypatch) -> list:
    built = []
    original = BaseModelFormSet._construct_form

    def construct(self, i, **kwargs):
        built.append(i)
        return original(self, i, **kwargs)

    monkeypatch.setattr(BaseModelFormSet, "_construct_form", construct)
    return built


@pytest.mark.parametrize("url", [CATEGORIES, REASONS, MAKES])
def test_editable_rows_are_djangos_with_one_form_built(boss_browser, monkeypatch, url):
    _fill()
    built = _count_forms(monkeypatch)

    first = _page(boss_browser, url)  # the widgets' HTML worked out
    again = _page(boss_browser, url)  # and taken from what is kept
    ours_built = list(built)
    built.clear()
    monkeypatch.setattr(admin_editable, "ENABLED", False)
    theirs = _page(boss_browser, url)

    rows = theirs.count('<tr class="data-row mp-r">')
    assert rows >= 4
    assert ours_built == [0, 0]  # one real form a page: the first row's
    assert len(built) == rows  # Django's: a form per row
    assert 'name="form-1-sort_order"' in first and 'id="id_form-1-id"' in first
    assert first == theirs
    assert again == theirs


def test_a_row_asked_for_more_builds_its_form(boss_browser, monkeypatch):
    """What the plan does not cover comes from the row's real form."""
    _fill(2)
    built = _count_forms(monkeypatch)
    boss_browser.get(MAKES)
    formset = boss_browser.get(MAKES).context["cl"].formset
    built.clear()

    row = formset.forms[1]
    assert row.prefix == "form-1"
    assert row.instance.pk == formset.get_queryset()[1].pk  # the real form, built now
    assert built == [1]
    assert row.field_html("sort_order") is None  # a built row prints its own fields
    assert str(row["sort_order"]) == str(row.real["sort_order"])
    with pytest.raises(KeyError):
        row["non_field_errors"]


def test_a_form_with_its_own_init_is_built_per_row(boss_browser, monkeypatch):
    _fill(2)
    built = _count_forms(monkeypatch)

    class OwnInit(vehicles_admin.MakeAdmin.form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(vehicles_admin.MakeAdmin, "get_changelist_form", lambda *a, **k: OwnInit)
    page = _page(boss_browser, MAKES)

    assert len(built) == page.count('<tr class="data-row mp-r">') >= 2


def test_editing_through_the_list_saves(boss_browser):
    _fill(2)
    reasons = list(ReturnReason.objects.filter(name__startswith=EVIL).order_by("sort_order"))
    page = boss_browser.get(REASONS)
    formset = page.context["cl"].formset
    data = list_formset_post(formset)
    for i, reason in enumerate(formset.get_queryset()):
        data[f"form-{i}-id"] = str(reason.pk)
        data[f"form-{i}-sort_order"] = str(reason.sort_order + 100)
        if reason.pk == reasons[0].pk:
            data[f"form-{i}-restock_default"] = "on"  # switched on; is_active off
        elif reason.is_active:
            data[f"form-{i}-is_active"] = "on"

    response = boss_browser.post(REASONS, data)

    assert response.status_code == 302
    saved = ReturnReason.objects.get(pk=reasons[0].pk)
    assert (saved.restock_default, saved.is_active) == (True, False)
    assert saved.sort_order == reasons[0].sort_order + 100
    assert ReturnReason.objects.get(pk=reasons[1].pk).sort_order == reasons[1].sort_order + 100


def test_a_bad_value_shows_the_error_and_changes_nothing(boss_browser, monkeypatch):
    _fill(2)
    categories = list(Category.objects.order_by("parent__name", "sort_order", "name"))
    data = {
        "form-TOTAL_FORMS": str(len(categories)),
        "form-INITIAL_FORMS": str(len(categories)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Сохранить",
    }
    for i, category in enumerate(categories):
        data[f"form-{i}-id"] = str(category.pk)
        data[f"form-{i}-sort_order"] = "-1" if i == 1 else "55"

    ours = _page(boss_browser, CATEGORIES, data)
    monkeypatch.setattr(admin_editable, "ENABLED", False)
    theirs = _page(boss_browser, CATEGORIES, data)

    assert "Убедитесь, что это значение больше либо равно 0." in ours
    assert '<td class="field-sort_order mp-c group errors"' in ours
    assert 'name="form-1-sort_order" value="-1"' in ours
    assert ours == theirs
    assert [c.sort_order for c in Category.objects.order_by("pk")] == [
        c.sort_order for c in sorted(categories, key=lambda c: c.pk)
    ]


def test_reasons_list_runs_the_same_queries_for_5_and_50_rows(boss_browser):
    ReturnReason.objects.all().delete()
    for i in range(5):
        ReturnReason.objects.create(name=f"Причина {i}", sort_order=i)
    boss_browser.get(REASONS)
    few = count_queries(lambda: boss_browser.get(REASONS))
    for i in range(5, 50):
        ReturnReason.objects.create(name=f"Причина {i}", sort_order=i)
    page = boss_browser.get(REASONS).content.decode()
    many = count_queries(lambda: boss_browser.get(REASONS))

    assert page.count('<tr class="data-row mp-r">') == 50
    assert few == many


# ---- the vehicles' dropdown filters -------------------------------------------------------


def _unfold_dropdowns(monkeypatch) -> None:
    """Filters rendered as Django's tag renders them: nothing kept."""
    monkeypatch.setattr(admin_filters_html, "_form_filter_key", lambda spec, facets=False: None)


@pytest.mark.parametrize(
    "url",
    [
        "/backoffice/vehicles/vehiclemodel/",
        "/backoffice/vehicles/vehiclemodel/?make__id__exact={make}",
        "/backoffice/vehicles/generation/?model__make__id__exact={make}",
        "/backoffice/vehicles/generation/?model__id__exact={model}",  # autocomplete: unfold's
        "/backoffice/vehicles/modification/",
    ],
)
def test_dropdown_filters_are_unfolds(boss_browser, monkeypatch, url):
    make = Make.objects.create(name=EVIL)
    model = VehicleModel.objects.create(make=make, name=EVIL)
    VehicleModel.objects.create(make=Make.objects.create(name="ВАЗ"), name="2107")
    url = url.format(make=make.pk, model=model.pk)
    rendered = []
    choices = RelatedDropdownFilter.choices
    monkeypatch.setattr(
        RelatedDropdownFilter, "choices", lambda self, cl: rendered.append(1) or choices(self, cl)
    )
    admin_filters_html._html.clear()

    first = _page(boss_browser, url)
    on_first = len(rendered)
    again = _page(boss_browser, url)
    on_second = len(rendered) - on_first
    _unfold_dropdowns(monkeypatch)
    theirs = _page(boss_browser, url)

    assert "&lt;script&gt;" in first and "<option" in first
    assert first == theirs
    assert again == theirs
    assert on_first == 1  # the make's dropdown
    assert on_second == 0  # the second page took it from what is kept


def test_a_renamed_make_shows_in_the_dropdown(boss_browser):
    make = Make.objects.create(name="Лада")
    url = "/backoffice/vehicles/vehiclemodel/"
    assert "Лада" in _page(boss_browser, url)

    Make.objects.filter(pk=make.pk).update(name="LADA")
    page = _page(boss_browser, url)

    assert "LADA" in page and "Лада" not in page


# ---- brands ---------------------------------------------------------------------------------


def test_brands_spellings_are_the_prefetched_ones(boss_browser, monkeypatch):
    bosch = Brand.objects.create(name="BOSCH", name_normalized="BOSCH")
    Brand.objects.create(name="MANN", name_normalized="MANN")
    for alias in ["Бош", EVIL, "Bosh"]:
        BrandAlias.objects.create(brand=bosch, alias=alias, alias_normalized=alias.upper())
    url = "/backoffice/catalog/brand/"

    with monkeypatch.context() as patched:  # no related manager per brand
        patched.setattr(Brand, "aliases", property(lambda brand: pytest.fail("per brand")))
        ours = _page(boss_browser, url)
    with count_queries_of_aliases() as asked:
        _page(boss_browser, url)
    monkeypatch.setattr(brands_admin.BrandChangeList, "get_results", DjangoChangeList.get_results)
    theirs = _page(boss_browser, url)  # each brand's spellings through obj.aliases.all()

    row = ours[ours.index(">BOSCH<") :]
    row = row[: row.index("</tr>")]
    assert all(shown in row for shown in ["Bosh", "Бош", "&lt;script&gt;alert"])
    assert ours == theirs
    assert asked == [1]


@contextlib.contextmanager
def count_queries_of_aliases():
    """How many statements read catalog_brandalias while the block runs."""
    asked = []
    with CaptureQueriesContext(connection) as context:
        yield asked
    asked.append(sum("catalog_brandalias" in query["sql"] for query in context.captured_queries))


# ---- the vehicles' computed columns -------------------------------------------------------


def test_vehicle_columns_show_the_names_without_loading_the_related_rows(boss_browser):
    from django.db.models.signals import post_init

    from mprating.vehicles.models import Generation, Modification

    make = Make.objects.create(name=EVIL)
    model = VehicleModel.objects.create(make=make, name="Веста & <b>")
    generation = Generation.objects.create(model=model, name="I «рест»", year_from=2015)
    modification = Modification.objects.create(generation=generation, name="1.6 MT")

    def page_and_related(url, related):
        made = []

        def count(sender, **kwargs):
            made.append(sender)

        for sender in related:
            post_init.connect(count, sender=sender, dispatch_uid=f"count-{sender.__name__}")
        try:
            return _page(boss_browser, url), made
        finally:
            for sender in related:
                post_init.disconnect(sender=sender, dispatch_uid=f"count-{sender.__name__}")

    cars, made_cars = page_and_related(
        "/backoffice/vehicles/modification/", (VehicleModel, Generation)
    )
    models, made_models = page_and_related("/backoffice/vehicles/generation/", (VehicleModel,))

    def cell(page, field):
        return re.search(rf'<td class="field-{field} mp-c"[^>]*>(.*?)</td>', page).group(1)

    assert cell(cars, "car") == html.escape(str(modification.generation))
    assert cell(models, "model_name") == html.escape(str(generation.model))
    makes = _page(boss_browser, "/backoffice/vehicles/vehiclemodel/")
    assert cell(makes, "make_name") == html.escape(make.name)
    assert made_cars == made_models == []
