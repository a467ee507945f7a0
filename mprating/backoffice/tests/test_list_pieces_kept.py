"""Pieces of a back office list kept per what they print (issue 13, target 1): the table's
headers and unfold's related dropdown filter. Each test renders them our way and unfold's
(or Django's) way and compares."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list

from mprating.accounts.tests.factories import make_staff
from mprating.catalog.models import Offer
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core import admin_filters_html, admin_row_styles

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script> & «ё»'


def _head(html: str) -> str:
    part = html[html.index("<thead>") :]
    part = admin_row_styles.shorten(part[: part.index("</thead>")])
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", part)))


@pytest.mark.parametrize(
    "url",
    [
        "/backoffice/catalog/offer/",
        "/backoffice/catalog/offer/?o=3.-5",  # two sorted columns: priorities and links
        "/backoffice/catalog/product/?o=-2",
        "/backoffice/catalog/warehouse/",
    ],
)
def test_kept_headers_are_unfolds_headers(boss_browser, settings, url):
    first = make_warehouse(name=EVIL)
    make_offer(product=make_product(name=EVIL), warehouse=first)
    make_offer(warehouse=make_warehouse())

    ours = boss_browser.get(url).content.decode()
    again = boss_browser.get(url).content.decode()
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]  # unfold's templates only
    theirs = boss_browser.get(url).content.decode()

    assert "<th" in _head(ours)
    assert _head(ours) == _head(again) == _head(theirs)


def test_headers_follow_the_sorting(boss_browser):
    make_offer()
    make_offer()
    plain = _head(boss_browser.get("/backoffice/catalog/offer/").content.decode())
    sorted_by_price = _head(boss_browser.get("/backoffice/catalog/offer/?o=5").content.decode())

    assert plain != sorted_by_price
    assert "sortremove" in sorted_by_price


@pytest.mark.parametrize("chosen", [None, "first", "missing"])
def test_kept_related_dropdown_filter_is_unfolds(rf, chosen):
    first = make_warehouse(name=EVIL)
    make_offer(warehouse=first)
    make_offer(warehouse=make_warehouse(name="Транзит"))
    query = {
        None: "",
        "first": f"?warehouse__id__exact={first.pk}",
        "missing": "?warehouse__id__exact=999999",
    }[chosen]
    request = rf.get("/backoffice/catalog/offer/" + query)
    request.user = make_staff(email="root@example.ru", superuser=True)
    changelist = admin.site._registry[Offer].get_changelist_instance(request)
    [spec] = [
        spec for spec in changelist.filter_specs if getattr(spec, "field_path", "") == "warehouse"
    ]
    admin_filters_html._html.clear()

    expected = admin_list.admin_list_filter(changelist, spec)  # Django's own tag function
    for _ in range(2):  # the second answer is the kept one
        assert admin_filters_html.admin_list_filter(changelist, spec) == expected
    assert admin_filters_html._form_filter_key(spec) in admin_filters_html._html
    assert "&lt;script&gt;" in expected


def test_related_dropdown_filter_follows_the_names(rf):
    warehouse = make_warehouse(name="Склад до")
    make_offer(warehouse=warehouse)
    make_offer(warehouse=make_warehouse(name="Транзит"))
    request = rf.get("/backoffice/catalog/offer/")
    request.user = make_staff(email="root@example.ru", superuser=True)

    def shown():
        changelist = admin.site._registry[Offer].get_changelist_instance(request)
        [spec] = [s for s in changelist.filter_specs if getattr(s, "field_path", "") == "warehouse"]
        return admin_filters_html.admin_list_filter(changelist, spec)

    assert "Склад до" in shown()
    warehouse.name = "Склад после"
    warehouse.save(update_fields=["name"])
    assert "Склад после" in shown()


@pytest.mark.parametrize(
    ("url", "table"),
    [
        ("/backoffice/returns/returnrequest/", "returns_returnrequest"),
        ("/backoffice/garage/vinrequest/", "garage_vinrequest"),
        ("/backoffice/garage/originalcataloglink/", "garage_originalcataloglink"),
        ("/backoffice/partners/partnerapplication/", "partners_partnerapplication"),
        ("/backoffice/marketplaces/marketplaceaccount/", "marketplaces_marketplaceaccount"),
        ("/backoffice/pickup_points/pickuppoint/", "pickup_points_pickuppoint"),
        ("/backoffice/catalog/importjob/", "catalog_importjob"),
    ],
)
def test_an_empty_list_does_not_ask_for_its_rows(boss_browser, url, table):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = boss_browser.get(url)

    assert page.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert statements  # the count
    assert all("COUNT(" in sql.upper() for sql in statements), statements


def test_a_list_with_rows_still_shows_them(boss_browser):
    from mprating.pickup_points.models import PickupPoint

    assert (
        "data-row"
        not in boss_browser.get("/backoffice/pickup_points/pickuppoint/").content.decode()
    )
    PickupPoint.objects.create(name=EVIL, address="Москва, ул. Ленина, 1")
    html = boss_browser.get("/backoffice/pickup_points/pickuppoint/").content.decode()

    assert html.count('<tr class="data-row mp-r">') == 1
    assert "&lt;script&gt;" in html


def _table(html: str) -> str:
    part = html[html.index('<table id="result_list"') :]
    return part[: part.index("</table>")]


def test_axes_log_rows_are_djangos_rows(boss_browser, monkeypatch):
    from axes.models import AccessLog
    from django.contrib.admin.options import ModelAdmin

    for name in (EVIL, "ivan@example.ru"):
        AccessLog.objects.create(username=name, user_agent=EVIL, ip_address="10.0.0.1")
    url = "/backoffice/axes/accesslog/"

    registered = type(admin.site._registry[AccessLog])
    assert registered.action_checkbox is not ModelAdmin.action_checkbox  # ours, not the widget's
    ours = boss_browser.get(url).content.decode()
    monkeypatch.setattr(registered, "action_checkbox", ModelAdmin.action_checkbox)
    theirs = boss_browser.get(url).content.decode()

    assert _table(ours).count('name="_selected_action"') == AccessLog.objects.count()
    assert "&lt;script&gt;" in _table(ours)
    assert _table(ours) == _table(theirs)


@pytest.mark.parametrize("pk", [1, 123456, "a&b"])
def test_django_action_checkbox_is_djangos(pk):
    from axes.models import AccessLog
    from django.contrib.admin.options import ModelAdmin

    from mprating.core.admin_rows import django_action_checkbox

    model_admin = admin.site._registry[AccessLog]
    row = AccessLog(pk=pk, username=EVIL, ip_address="10.0.0.1")
    for _ in range(2):
        assert django_action_checkbox(model_admin, row) == ModelAdmin.action_checkbox(
            model_admin, row
        )


def test_an_empty_axes_log_asks_for_no_dates(boss_browser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = boss_browser.get("/backoffice/axes/accessfailurelog/")

    assert page.status_code == 200
    sql = " ".join(
        q["sql"] for q in queries.captured_queries if "axes_accessfailurelog" in q["sql"]
    )
    assert "COUNT(" in sql
    assert "MIN(" not in sql and '"attempt_time"' not in sql


@pytest.mark.parametrize("model_name", ["offer", "product"])
def test_catalog_lists_read_names_not_related_objects(rf, model_name):
    from mprating.catalog.models import Product

    make_offer(product=make_product(brand="BOSCH", name=EVIL), warehouse=make_warehouse(name="Юг"))
    model = {"offer": Offer, "product": Product}[model_name]
    request = rf.get(f"/backoffice/catalog/{model_name}/")
    request.user = make_staff(email="root@example.ru", superuser=True)
    changelist = admin.site._registry[model].get_changelist_instance(request)

    [row] = list(changelist.result_list)
    assert not any(
        field.is_cached(row) for field in model._meta.concrete_fields if field.is_relation
    )
    assert row.brand_shown == "BOSCH"
    if model is Offer:
        assert (row.product_shown, row.warehouse_shown) == (EVIL, "Юг")
    # The count has no joins for the names.
    assert "JOIN" not in str(changelist.queryset.query)


def test_axes_log_cells_are_unfolds_cells(boss_browser, monkeypatch):
    """The address column (a GenericIPAddressField) is a planned text cell: unfold's text."""
    from axes.models import AccessLog
    from unfold.templatetags import unfold_list

    from mprating.core import admin_rows

    AccessLog.objects.create(username=EVIL, user_agent=EVIL, ip_address="2001:db8::1")
    AccessLog.objects.create(username="", user_agent="", ip_address=None)
    url = "/backoffice/axes/accesslog/"
    plan = admin_rows._plan

    def planned(cl, unfold_list_module):
        found = plan(cl, unfold_list_module)
        kinds = {column.name: column.fast for column in found["columns"]}
        assert kinds["ip_address"] == "text"
        return found

    monkeypatch.setattr(admin_rows, "_plan", planned)
    ours = boss_browser.get(url).content.decode()
    monkeypatch.setattr(unfold_list, "items_for_result", unfold_list.items_for_result.__wrapped__)
    theirs = boss_browser.get(url).content.decode()

    assert "2001:db8::1" in _table(ours)
    a, b = _spaced(_table(ours)), _spaced(_table(theirs))
    assert a == b


def _spaced(html: str) -> str:
    html = admin_row_styles.shorten(html)
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html)))


ADD_LINK = re.compile(
    r'<div class="flex flex-row items-center">\s*<a href="[^"]*" class="addlink[^>]*>'
)


@pytest.mark.parametrize(
    "url",
    [
        "/backoffice/catalog/offer/",
        "/backoffice/catalog/offer/?is_returnable__exact=1&q=abc",  # the filters preserved
        "/backoffice/pickup_points/pickuppoint/",
    ],
)
def test_kept_add_link_is_unfolds(boss_browser, settings, url):
    from mprating.core.templatetags import admin_cells

    admin_cells._object_tools.clear()
    ours = boss_browser.get(url).content.decode()
    assert admin_cells._object_tools  # kept
    again = boss_browser.get(url).content.decode()
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]  # unfold's templates only
    theirs = boss_browser.get(url).content.decode()

    assert len(ADD_LINK.findall(ours)) == 1
    assert ADD_LINK.findall(ours) == ADD_LINK.findall(again) == ADD_LINK.findall(theirs)


def test_no_add_link_without_the_permission(client):
    from django.contrib.auth.models import Permission

    staff = make_staff(email="viewer@example.ru")
    staff.user_permissions.add(Permission.objects.get(codename="view_offer"))
    client.force_login(staff)

    assert "addlink" not in client.get("/backoffice/catalog/offer/").content.decode()
