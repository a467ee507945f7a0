"""Back office «Каталог» (issue 13): «Товары», «Предложения» and «Категории» read the related
names of their page as columns of the page's own statement, compiled once per exact query state
(`vehicles.admin.ListedColumnsMixin`); the rows are read anew on every visit."""

import pytest
from django.urls import reverse

from mprating.catalog import services
from mprating.catalog.models import Brand, BrandAlias, Category, Offer, Product, Warehouse
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import record_compiled_models

pytestmark = pytest.mark.django_db

LISTS = {"product": Product, "offer": Offer, "category": Category}


@pytest.fixture
def catalog():
    parent = Category.objects.create(code="filters", name="Фильтры")
    category = Category.objects.create(code="oil", name="Масляные", parent=parent)
    product = make_product("BOSCH", "0 986 452 041", name="Фильтр масляный")
    Product.objects.filter(pk=product.pk).update(category=category)
    make_offer(product, make_warehouse(name="Склад в Москве"))
    return parent


def _url(name: str) -> str:
    return reverse(f"admin:catalog_{name}_changelist")


@pytest.mark.parametrize("name", LISTS)
def test_a_list_seen_again_compiles_none_of_its_statements(
    boss_browser, catalog, monkeypatch, name
):
    boss_browser.get(_url(name))

    compiled = record_compiled_models(monkeypatch)
    page = boss_browser.get(_url(name)).content.decode()

    assert "Фильтры" in page or "BOSCH" in page
    # the rows with their names, the count, the warehouses of the offers' filter: kept
    assert LISTS[name] not in compiled and Warehouse not in compiled, compiled


def test_renamed_related_rows_show_on_the_next_visit(boss_browser, catalog):
    for name in LISTS:
        boss_browser.get(_url(name))

    Brand.objects.update(name="BOSCH RENAMED")
    Warehouse.objects.update(name="Склад в Твери")
    Category.objects.filter(pk=catalog.pk).update(name="Фильтры и масла")

    assert "BOSCH RENAMED" in boss_browser.get(_url("product")).content.decode()
    offers = boss_browser.get(_url("offer")).content.decode()
    assert "BOSCH RENAMED" in offers and "Склад в Твери" in offers
    assert "Фильтры и масла" in boss_browser.get(_url("category")).content.decode()


def test_brands_seen_again_read_their_spellings_with_a_kept_statement(boss_browser, monkeypatch):
    bosch = services.brand_get_or_create(name="BOSCH")
    services.brand_alias_add(brand=bosch, alias="БОШ")
    url = _url("brand")
    boss_browser.get(url)

    compiled = record_compiled_models(monkeypatch)
    first = boss_browser.get(url).content.decode()
    kept = list(compiled)
    services.brand_alias_add(brand=bosch, alias="Robert Bosch")
    compiled.clear()
    again = boss_browser.get(url).content.decode()
    kept += compiled
    searched = boss_browser.get(url, {"q": "bosch"}).content.decode()

    assert BrandAlias not in kept and Brand not in kept, kept
    assert BrandAlias in compiled  # a search: the page's ids, compiled as Django does
    assert "БОШ" in first and "Robert Bosch" not in first
    assert "Robert Bosch, БОШ" in again or "БОШ, Robert Bosch" in again
    assert "Robert Bosch" in searched
