"""Back office «Каталог» (issue 3): changelists, search by article in any spelling, brand
aliases through the service, cross-links in stored order, XLSX exports. (The sidebar's «Каталог»
section is tested with the sidebar, in mprating/backoffice/tests/test_navigation.py.)"""

import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from openpyxl import load_workbook

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_staff
from mprating.catalog import services
from mprating.catalog.imports import services as import_services
from mprating.catalog.models import (
    Applicability,
    BrandAlias,
    Category,
    CrossLink,
    ImportJob,
    Offer,
    Product,
)
from mprating.catalog.tests.factories import link, make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    user = make_staff(roles.MANAGER, email="manager@example.ru")
    client.force_login(user)
    return user


def _cars(n: int, tag: str) -> list[Modification]:
    make = Make.objects.create(name=f"Тестовая марка {tag}")
    mods = []
    for i in range(n):
        model = VehicleModel.objects.create(make=make, name=f"Модель {tag}{i}")
        generation = Generation.objects.create(model=model, name="I", year_from=2010)
        mods.append(Modification.objects.create(generation=generation, name=f"1.{i} MT"))
    return mods


def _fill(n: int, tag: str, manager) -> None:
    """n rows in every catalog list (the vehicle lists: vehicles/tests/test_admin.py)."""
    warehouse = make_warehouse(name=f"Склад {tag}")
    parent = Category.objects.create(code=f"p-{tag}", name=f"Раздел {tag}")
    mods = _cars(n, tag)
    previous = None
    for i in range(n):
        brand = services.brand_get_or_create(name=f"BRAND{tag}{i}")
        services.brand_alias_add(brand=brand, alias=f"ALIAS{tag}{i}")
        category = Category.objects.create(code=f"c-{tag}-{i}", name=f"Кат {i}", parent=parent)
        product = make_product(brand.name, f"{tag}-{i}")
        Product.objects.filter(pk=product.pk).update(category=category)
        make_offer(product, warehouse)
        if previous is not None:
            link(previous, product)
        previous = product
        Applicability.objects.create(product=product, modification=mods[i])
        make_warehouse(name=f"Склад {tag}-{i}")
    content = b"\xd0\x91\xd1\x80\xd0\xb5\xd0\xbd\xd0\xb4;A\nX;1\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    for i in range(n):
        job = import_services.import_job_create(
            kind="crosses",
            upload=SimpleUploadedFile(f"c{i}.csv", content),
            warehouse=None,
            zero_missing=False,
            actor=manager,
        )
        assert job.pk


CHANGELISTS = [
    "catalog_brand",
    "catalog_product",
    "catalog_category",
    "catalog_warehouse",
    "catalog_offer",
    "catalog_crosslink",
    "catalog_applicability",
    "catalog_importjob",
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_every_changelist_runs_the_same_queries_for_5_and_50_rows(client, manager, media):
    urls = [reverse(f"admin:{name}_changelist") for name in CHANGELISTS]
    _fill(5, "a", manager)
    small = {url: count_queries(lambda url=url: client.get(url)) for url in urls}
    _fill(45, "b", manager)

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert count_queries(lambda url=url: client.get(url)) == small[url], url


def test_changelists_with_search_and_filters_load(client, manager, media):
    _fill(3, "a", manager)
    warehouse = Offer.objects.first().warehouse_id
    checks = {
        "catalog_product": {"q": "a 0", "brand__id__exact": Product.objects.first().brand_id},
        "catalog_offer": {"q": "A-1", "warehouse__id__exact": warehouse, "warehouse__kind": "home"},
        "catalog_crosslink": {"q": "a.1"},
        "catalog_applicability": {"q": "a-2"},
        "catalog_brand": {"q": "alias a1"},
        "catalog_category": {"level": "top"},
    }
    for name, params in checks.items():
        assert client.get(reverse(f"admin:{name}_changelist"), params).status_code == 200, name


def test_product_search_by_article_in_any_spelling_and_by_name(client, manager):
    make_product("BOSCH", "0 451 103 316", name="Фильтр масляный")
    make_product("MANN", "W 712/75", name="Фильтр воздушный")
    url = reverse("admin:catalog_product_changelist")

    for term in ["0451-103-316", "0451.103/316", "0 451 103"]:
        page = client.get(url, {"q": term}).content.decode()
        assert "0 451 103 316" in page and "W 712/75" not in page, term
    by_name = client.get(url, {"q": "воздушный"}).content.decode()
    assert "W 712/75" in by_name and "0 451 103 316" not in by_name


def test_offer_and_crosslink_search_by_article(client, manager):
    first, second = make_product("BOSCH", "0 986 452 041"), make_product("MANN", "W 712/75")
    make_offer(first), make_offer(second)
    link(first, second)

    offers = client.get(reverse("admin:catalog_offer_changelist"), {"q": "0986-452-041"})
    crosses = client.get(reverse("admin:catalog_crosslink_changelist"), {"q": "w71275"})

    assert "0 986 452 041" in offers.content.decode()
    assert "W 712/75" not in offers.content.decode()
    assert "BOSCH 0 986 452 041" in crosses.content.decode()


def _alias_post(brand, alias: str) -> dict:
    return {
        "name": brand.name,
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "aliases-0-alias": alias,
        "aliases-0-id": "",
        "aliases-0-brand": brand.pk,
    }


def test_brand_alias_added_in_the_admin_goes_through_the_service(client, manager):
    brand = services.brand_get_or_create(name="LEMFORDER")
    url = reverse("admin:catalog_brand_change", args=[brand.pk])

    response = client.post(url, _alias_post(brand, "Lemförder AG"))

    assert response.status_code == 302
    alias = BrandAlias.objects.get()
    assert (alias.brand_id, alias.alias_normalized) == (brand.pk, "LEMFORDERAG")
    assert services.brand_resolve("LEMFÖRDER-AG") == brand


@pytest.mark.parametrize(
    ("alias", "message"),
    [("FEBI", "Так уже называется бренд «FEBI»."), ("lemforder", "Это и есть название бренда.")],
)
def test_brand_alias_rules_show_next_to_the_field(client, manager, alias, message):
    brand = services.brand_get_or_create(name="LEMFORDER")
    services.brand_get_or_create(name="FEBI")

    response = client.post(
        reverse("admin:catalog_brand_change", args=[brand.pk]), _alias_post(brand, alias)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BrandAlias.objects.exists()


def test_add_another_alias_reads_as_russian_agrees(client, manager):
    brand = services.brand_get_or_create(name="MANN-FILTER")

    page = client.get(reverse("admin:catalog_brand_change", args=[brand.pk])).content.decode()

    assert "Добавить ещё одно написание" in page


def test_brand_added_in_the_admin_is_normalized_and_unique(client, manager):
    services.brand_get_or_create(name="MERCEDES-BENZ")
    url = reverse("admin:catalog_brand_add")

    clash = client.post(url, {"name": "Mercedes Benz"})
    created = client.post(url, {"name": "Lemförder"})

    assert "Так уже называется бренд «MERCEDES-BENZ»" in clash.content.decode()
    assert created.status_code == 302
    assert services.brand_resolve("LEMFORDER").name == "Lemförder"


def test_product_added_in_the_admin_gets_its_normalized_article(client, manager):
    brand = services.brand_get_or_create(name="BOSCH")
    make_product("BOSCH", "0986452041")
    url = reverse("admin:catalog_product_add")

    clash = client.post(url, {"brand": brand.pk, "article": "0 986-452 041", "name": "x"})
    created = client.post(url, {"brand": brand.pk, "article": "F 026 407 006", "name": "Фильтр"})

    assert "уже есть товар с этим артикулом" in clash.content.decode()
    assert created.status_code == 302
    assert Product.objects.get(name="Фильтр").article_normalized == "F026407006"


def test_product_page_shows_offers_read_only(client, manager):
    offer = make_offer(make_product("BOSCH", "X1"), make_warehouse(name="Склад Казань"))

    page = client.get(reverse("admin:catalog_product_change", args=[offer.product_id]))

    assert "Склад Казань" in page.content.decode()


def test_crosslink_added_in_the_admin_is_stored_in_pair_order(client, manager):
    first, second = make_product("BOSCH", "1"), make_product("MANN", "2")
    url = reverse("admin:catalog_crosslink_add")

    itself = client.post(url, {"product_a": first.pk, "product_b": first.pk, "source": ""})
    created = client.post(url, {"product_a": second.pk, "product_b": first.pk, "source": "руками"})
    again = client.post(url, {"product_a": first.pk, "product_b": second.pk, "source": ""})

    assert "не может быть аналогом самого себя" in itself.content.decode()
    assert created.status_code == 302
    assert list(CrossLink.objects.values_list("product_a_id", "product_b_id")) == [
        (first.pk, second.pk)
    ]
    assert "Такая кросс-связь уже есть" in again.content.decode()


def test_category_cannot_be_put_under_its_own_child(client, manager):
    root = Category.objects.create(code="root", name="Корень")
    child = Category.objects.create(code="child", name="Ребёнок", parent=root)

    response = client.post(
        reverse("admin:catalog_category_change", args=[root.pk]),
        {"name": "Корень", "code": "root", "parent": child.pk, "sort_order": 1},
    )

    assert "нельзя вложить в саму себя" in response.content.decode()


def test_marketplace_warehouse_needs_its_marketplace(client, manager):
    url = reverse("admin:catalog_warehouse_add")

    response = client.post(
        url, {"name": "WB", "code": "wb", "kind": "marketplace", "is_active": "on"}
    )

    assert "Укажите маркетплейс" in response.content.decode()


@pytest.mark.parametrize("name", ["offer", "product"])
def test_xlsx_export_of_offers_and_products(client, manager, name):
    offer = make_offer(make_product("BOSCH", "0 986 452 041", name="Фильтр"), price="1234.50")
    pk = offer.pk if name == "offer" else offer.product_id

    response = client.post(
        reverse(f"admin:catalog_{name}_changelist"),
        {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [pk]},
    )

    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:2] == ("Бренд", "Артикул")
    assert rows[1][:2] == ("BOSCH", "0 986 452 041")


def test_roles_get_catalog_permissions():
    manager = make_staff(roles.MANAGER, email="m@example.ru")
    operator = make_staff(roles.OPERATOR, email="o@example.ru")

    assert manager.has_perms(
        ["catalog.add_importjob", "catalog.change_offer", "catalog.delete_crosslink"]
    )
    assert operator.has_perm("catalog.view_offer")
    assert not operator.has_perm("catalog.add_importjob")
    assert not operator.has_perm("catalog.change_product")


def test_staff_without_catalog_permissions_gets_403(client):
    client.force_login(make_staff(email="nobody@example.ru"))

    for name in CHANGELISTS:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403, name


def test_operator_cannot_change_the_catalog(client):
    product = make_product("BOSCH", "1")
    client.force_login(make_staff(roles.OPERATOR, email="o@example.ru"))

    assert client.get(reverse("admin:catalog_product_changelist")).status_code == 200
    assert client.get(reverse("admin:catalog_product_add")).status_code == 403
    response = client.post(
        reverse("admin:catalog_product_change", args=[product.pk]),
        {"brand": product.brand_id, "article": "2", "name": "x"},
    )
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/backoffice/catalog/offer/",
        "/backoffice/catalog/offer/?warehouse__kind__exact=home",
        "/backoffice/catalog/product/",
        "/backoffice/catalog/crosslink/",
        "/backoffice/catalog/applicability/",
    ],
)
def test_big_catalog_lists_neither_count_nor_sort_the_whole_table(client, manager, url):
    """Issue 13: «catalog · предложения» spent 3.7 s in the database (a COUNT(*) of 2.1M
    offers and a sort of all of them joined to brand and warehouse names), «товары» 1.1 s.
    The estimated count of `core.admin_paging`, and a default order on the table's own
    indexed columns, never across a relation."""
    make_offer(make_product("BOSCH", "0 986 452 041"), make_warehouse())

    cl = client.get(url).context["cl"]

    assert cl.paginator.estimate
    assert all("__" not in str(term) for term in cl.queryset.query.order_by), (
        cl.queryset.query.order_by
    )
