"""The back office's frame and rows made cheaper (issue 13, target 3), with the HTML unchanged:
each test renders a page our way and unfold's way and compares."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from unfold.sites import UnfoldAdminSite
from unfold.templatetags import unfold_list

from mprating.accounts import personal_data
from mprating.accounts.models import DeletionRequest
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.backoffice.templatetags import backoffice as backoffice_tags
from mprating.core import admin_row_styles
from mprating.core.counting import counts_together
from mprating.orders.admin.listed import lines_of
from mprating.orders.models import Order, OrderLine
from mprating.orders.tests.status_helpers import order_with_lines

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script> & «ё»'
ROWS_CSS = '<link href="/static/css/backoffice-rows.css" rel="stylesheet">'


def _between(html: str, start: str, end: str) -> str:
    """The part, unfold's class lists as our short classes (admin_row_styles), whitespace and
    the rows' stylesheet aside."""
    html = html.replace(ROWS_CSS, "")
    part = html[html.index(start) :]
    return _normal(re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", part[: part.index(end)]))


def _normal(html: str) -> str:
    html = admin_row_styles.shorten(str(html))
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html)))


def _unfold_rows(monkeypatch):
    monkeypatch.setattr(unfold_list, "items_for_result", unfold_list.items_for_result.__wrapped__)


@pytest.mark.parametrize(
    "url",
    [
        "/backoffice/orders/order/",
        "/backoffice/orders/order/?archived=no&o=-3",  # preserved filters in the row links
        "/backoffice/orders/orderline/",
        "/backoffice/accounts/user/",
        "/backoffice/accounts/client/",
        "/backoffice/auth/group/",
        "/backoffice/vehicles/make/",  # editable rows: the row template's general loop
    ],
)
def test_rows_are_unfolds_rows(boss_browser, monkeypatch, url):
    buyer = make_client(last_name=EVIL, first_name="Иван")
    order, [line] = order_with_lines(buyer)
    OrderLine.objects.filter(pk=line.pk).update(brand_name=EVIL, comment=EVIL)
    Order.objects.filter(pk=order.pk).update(comment=EVIL)
    order_with_lines(make_client(email="second@example.ru"), kinds=("home", "transit"))
    from django.contrib.auth.models import Group

    Group.objects.create(name=EVIL)
    from mprating.vehicles.models import Make

    Make.objects.create(name=EVIL)
    Make.objects.create(name="ВАЗ", sort_order=1)

    ours = boss_browser.get(url).content.decode()
    _unfold_rows(monkeypatch)
    theirs = boss_browser.get(url).content.decode()

    table = ('<table id="result_list"', "</table>")
    assert 'data-label="' in _between(ours, *table)
    assert ROWS_CSS in ours
    assert _between(ours, *table).count('<tr class="data-row mp-r">') >= 2
    assert _between(ours, *table) == _between(theirs, *table)


def test_sidebar_is_unfolds_sidebar(boss_browser, settings):
    make_client()
    url = "/backoffice/orders/order/"
    ours = boss_browser.get(url).content.decode()
    assert boss_browser.get(url).content.decode().count("nav-sidebar-apps") == 1  # kept HTML
    assert backoffice_tags._sidebar_html  # the second page took it from there

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]  # unfold's templates only
    theirs = boss_browser.get(url).content.decode()

    nav = ('<nav id="nav-sidebar-inner"', "</nav>")
    assert "Отказы на рассмотрении" in _between(ours, *nav)
    assert _between(ours, *nav) == _between(theirs, *nav)


def test_editable_rows_with_errors_are_unfolds_rows(boss_browser, monkeypatch):
    """«Марки» saved with a wrong «порядок»: the rows come back with the fields and their
    errors, as unfold makes them."""
    from mprating.vehicles.models import Make

    makes = [Make.objects.create(name=EVIL, sort_order=5), Make.objects.create(name="ВАЗ")]
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(makes[1].pk),
        "form-0-sort_order": "не число",
        "form-1-id": str(makes[0].pk),
        "form-1-sort_order": "7",
        "_save": "Сохранить",
    }
    ours = boss_browser.post("/backoffice/vehicles/make/", data).content.decode()
    _unfold_rows(monkeypatch)
    theirs = boss_browser.post("/backoffice/vehicles/make/", data).content.decode()

    table = ('<table id="result_list"', "</table>")
    assert "group errors" in _between(ours, *table)
    assert '<td class="field-sort_order mp-c group errors"' in ours  # our cells, short classes
    assert 'name="form-0-sort_order"' in _between(ours, *table)
    assert _between(ours, *table) == _between(theirs, *table)
    assert Make.objects.get(pk=makes[0].pk).sort_order == 5  # nothing saved


def test_badge_follows_the_count(boss_browser):
    """The sidebar's HTML is kept per navigation, and the badge number is part of it."""
    url = "/backoffice/auth/group/"
    badge = re.compile(r"Запросы на удаление данных</span>\s*(<span[^>]*>\s*(\d+)\s*</span>)?")
    assert badge.search(boss_browser.get(url).content.decode()).group(2) is None

    personal_data.deletion_request_create(client=make_client(), password=PASSWORD)
    assert badge.search(boss_browser.get(url).content.decode()).group(2) == "1"

    personal_data.deletion_request_create(
        client=make_client(email="other@example.ru"), password=PASSWORD
    )
    assert badge.search(boss_browser.get(url).content.decode()).group(2) == "2"


def test_counts_together_are_the_counts():
    make_client()
    personal_data.deletion_request_create(client=make_client(email="a@b.ru"), password=PASSWORD)
    User = get_user_model()
    querysets = [
        User.objects.all(),
        User.objects.filter(email="nobody@example.ru"),
        DeletionRequest.objects.filter(status=DeletionRequest.Status.PENDING),
    ]

    assert counts_together(*querysets) == [qs.count() for qs in querysets]


def test_a_list_page_does_not_build_the_app_list(boss_browser, monkeypatch):
    built = []
    original = UnfoldAdminSite.get_app_list
    monkeypatch.setattr(
        UnfoldAdminSite,
        "get_app_list",
        lambda self, request, app_label=None: built.append(1) or original(self, request, app_label),
    )

    assert boss_browser.get("/backoffice/auth/group/").status_code == 200

    assert built == []  # unfold shows `available_apps` only with show_all_applications


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?archived=yes&payment_method=balance",
        "?status=1",
        "?created_at_from=01.02.2026&created_at_to=28.02.2026",
        "?created_at_from=31.02.2026",  # the date filter's form shows its error
        "?created_at_to=%3Cscript%3E",
        "?client__id__exact={client}",  # a chosen client: rendered each time
    ],
)
def test_kept_filter_html_is_djangos(rf, query):
    from django.contrib import admin
    from django.contrib.admin.templatetags import admin_list

    from mprating.core import admin_filters_html

    order, _ = order_with_lines(make_client(last_name=EVIL))
    request = rf.get("/backoffice/orders/order/" + query.format(client=order.client_id))
    request.user = make_staff(email="root@example.ru", superuser=True)
    changelist = admin.site._registry[Order].get_changelist_instance(request)

    kept = 0
    for spec in changelist.filter_specs:
        expected = admin_list.admin_list_filter(changelist, spec)  # Django's own tag function
        for _ in range(2):  # the second answer is the kept one
            assert admin_filters_html.admin_list_filter(changelist, spec) == expected
        kept += spec.template == "admin/filter.html"
        kept_form = admin_filters_html._form_filter_key(spec) in admin_filters_html._html
        path = getattr(spec, "field_path", None)
        assert kept_form == (path == "created_at" or (path == "client" and "client_" not in query))
    assert kept >= 3
    assert admin_filters_html._html


@pytest.mark.parametrize("pk", [1, 20000, "a/b"])
def test_object_url_is_reverse(pk):
    from django.urls import reverse

    from mprating.core.admin_rows import object_url

    for name in ("admin:orders_order_change", "admin:accounts_client_change"):
        for _ in range(2):
            assert object_url(name, pk) == reverse(name, args=[pk])


def test_listed_lines_share_the_status_filters_statuses(rf, django_assert_num_queries):
    from django.contrib import admin

    order_with_lines(make_client(), kinds=("home", "transit"))
    order_with_lines(make_client(email="second@example.ru"), kinds=("home",))
    request = rf.get("/backoffice/orders/order/")
    request.user = make_staff(email="root@example.ru", superuser=True)
    changelist = admin.site._registry[Order].get_changelist_instance(request)
    assert any(spec.title == "статус позиции" for spec in changelist.filter_specs)

    with django_assert_num_queries(2):  # the orders with their clients' names, then their lines
        lines = [line for order in changelist.result_list for line in lines_of(order)]
        statuses = [line.status for line in lines]

    assert len(lines) == 3
    assert {id(status) for status in statuses} == {id(statuses[0])}  # all «Новый», one object
    assert statuses[0].name == "Новый"


def test_order_export_reads_the_package_and_the_pickup_point_at_once(boss_browser):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mprating.billing.tests.factories import make_package, make_paid_purchase
    from mprating.orders.tests.factories import make_pickup_point

    def export(count: int) -> int:
        orders = []
        for n in range(count):
            buyer = make_client(email=f"export{count}-{n}@example.ru")
            order, _ = order_with_lines(buyer)
            Order.objects.filter(pk=order.pk).update(
                pickup_point=make_pickup_point(),
                package_purchase=make_paid_purchase(buyer, make_package()),
            )
            orders.append(order.pk)
        with CaptureQueriesContext(connection) as queries:
            response = boss_browser.post(
                "/backoffice/orders/order/", {"action": "export_xlsx", ACTION_CHECKBOX_NAME: orders}
            )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        return len(queries.captured_queries)

    assert export(1) == export(3)


def test_listed_order_lines_share_the_status_filters_statuses(rf, django_assert_num_queries):
    from django.contrib import admin

    order_with_lines(make_client(), kinds=("home", "transit"))
    request = rf.get("/backoffice/orders/orderline/")
    request.user = make_staff(email="root@example.ru", superuser=True)
    changelist = admin.site._registry[OrderLine].get_changelist_instance(request)

    with django_assert_num_queries(1):  # the lines with their orders' and clients' fields
        statuses = [line.status for line in changelist.result_list]

    assert len(statuses) == 2
    assert statuses[0] is statuses[1]


def test_unfold_config_is_merged_once_per_settings_dict(settings, monkeypatch):
    from unfold import settings as unfold_settings

    from mprating.backoffice import site as backoffice_site

    merges = []
    original = unfold_settings.get_config
    monkeypatch.setattr(
        backoffice_site, "get_config", lambda name=None: merges.append(name) or original(name)
    )
    monkeypatch.setattr(backoffice_site, "_configs", {})

    first = backoffice_site.unfold_config("UNFOLD")
    assert backoffice_site.unfold_config("UNFOLD") is first
    assert first == original("UNFOLD")
    settings.UNFOLD = {**settings.UNFOLD, "SITE_TITLE": "Другое"}
    assert backoffice_site.unfold_config("UNFOLD")["SITE_TITLE"] == "Другое"
    assert merges == ["UNFOLD", "UNFOLD"]


PAGES = [
    "/backoffice/orders/order/",
    "/backoffice/orders/order/?archived=no&o=-3",
    "/backoffice/orders/order/?payment_method=balance",  # «Сбросить все фильтры»
    "/backoffice/orders/orderline/",
    "/backoffice/accounts/user/",
    "/backoffice/accounts/client/",
    "/backoffice/auth/group/",
    "/backoffice/auth/group/?q=%3Cscript",  # «1 результат (N всего)» beside the title
    "/backoffice/finance/statement/",  # an empty list
    "/backoffice/finance/statement/?status=failed&o=2",
    "/backoffice/orders/order/?q=%3Cb%3E%22&archived=no",  # the search box's hidden inputs
]
# The project's pagination says «2 пользователя» where unfold says «2 пользователи».
OWN_PAGINATION = re.compile(r'<div class="py-4">[^<]*</div>')


def _page(html: str) -> str:
    return OWN_PAGINATION.sub("", _between(html, "<!DOCTYPE", "</html>"))


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_unfolds_pages(boss_browser, settings, url):
    """The kept parts of the frame (sidebar, <head> assets, colours, action form, the filters'
    buttons) make, after
    another list and from the second page on, the page unfold's own templates make."""
    order_with_lines(make_client(last_name=EVIL))
    backoffice_tags._frame_html.clear()
    for other in (  # other actions, another empty list
        "/backoffice/orders/order/",
        "/backoffice/auth/group/",
        "/backoffice/finance/statement/?status=failed",
    ):
        assert boss_browser.get(other).status_code == 200
    first = boss_browser.get(url).content.decode()
    kept = boss_browser.get(url).content.decode()
    assert {key[0] for key in backoffice_tags._frame_html} == {
        "sidebar",
        "assets",
        "colors",
        "actions",
        "filter_actions",  # «Заявки»' filters, kept before this page
        "pagination",
        "header",
        "empty_results",  # «Акты сверки», empty
        "command",
        "search",
        "column_headers",
        "actions_bar",
    }

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]  # unfold's templates only
    theirs = boss_browser.get(url).content.decode()

    assert backoffice_tags.CSRF_MARKER not in kept
    assert _page(first) == _page(kept) == _page(theirs)


def test_kept_frame_is_each_persons(client):
    """A second person gets their own name, e-mail and CSRF token in the kept user menu."""
    User = get_user_model()
    first = make_staff(email="first@example.ru", superuser=True)
    second = make_staff(email="second@example.ru", superuser=True)
    User.objects.filter(pk=first.pk).update(first_name="Анна", last_name="Первая")
    User.objects.filter(pk=second.pk).update(first_name="Борис", last_name=EVIL)
    url = "/backoffice/auth/group/"
    client.force_login(first)
    assert "first@example.ru" in client.get(url).content.decode()

    client.force_login(second)
    page = client.get(url).content.decode()

    menu = _between(page, 'id="nav-sidebar"', 'id="main"')
    assert "second@example.ru" in menu and "first@example.ru" not in menu
    assert "Анна" not in menu and "&lt;script&gt;" in menu
    logout = page[page.index('id="logout-form"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', logout).group(1)
    assert token != backoffice_tags.CSRF_MARKER and len(token) == 64


def test_a_bound_action_form_is_not_kept(rf):
    from django.contrib import admin

    request = rf.get("/backoffice/auth/group/")
    request.user = make_staff(email="root@example.ru", superuser=True)
    from django.contrib.auth.models import Group

    model_admin = admin.site._registry[Group]
    unbound = model_admin.action_form(auto_id=None)
    unbound.fields["action"].choices = model_admin.get_action_choices(request)
    bound = model_admin.action_form({"action": "delete_selected"}, auto_id=None)

    assert backoffice_tags._action_form_key({"action_form": unbound}) is not None
    assert backoffice_tags._action_form_key({"action_form": bound}) is None


def test_kept_pagination_is_unfolds(boss_browser, settings, monkeypatch):
    """Page links of a list kept after the same page of another ordering, and of another page."""
    from django.contrib import admin
    from django.contrib.auth.models import Group

    monkeypatch.setattr(admin.site._registry[Group], "list_per_page", 2)
    monkeypatch.setattr(admin.site._registry[Group], "list_max_show_all", 1)  # as on big lists
    for n in range(7):
        Group.objects.create(name=f"{EVIL} {n}")
    url = "/backoffice/auth/group/"
    pages = ["?p=2", "?p=3&o=-1", "?p=2&q=%3Cscript", "?p=4"]
    for query in ["?p=2&o=-1", "?p=3", *pages]:  # the first two only fill what is kept
        assert boss_browser.get(url + query).status_code == 200
    ours = [boss_browser.get(url + query).content.decode() for query in pages]
    assert any(key[0] == "pagination" for key in backoffice_tags._frame_html)

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": []}]  # unfold's templates only
    theirs = [boss_browser.get(url + query).content.decode() for query in pages]

    assert 'href="?o=-1&amp;p=4"' in ours[1]
    assert [_page(html) for html in ours] == [_page(html) for html in theirs]


def test_planned_cells_keep_the_display_marks(rf):
    """A column's marks (boolean, its own empty value, label, header) read once per page give
    unfold's cells; the lists above have no such columns."""
    from django.contrib.auth.models import Group
    from unfold.admin import ModelAdmin
    from unfold.decorators import display

    class MarkedGroups(ModelAdmin):
        list_display = ["name", "has_e", "nothing", "tagged", "headed", "id"]
        list_display_links = ["name"]

        @display(boolean=True)
        def has_e(self, group):
            return "e" in group.name

        @display(empty_value="— нет —")
        def nothing(self, group):
            return None

        @display(label=True)
        def tagged(self, group):
            return group.name

        @display(header=True)
        def headed(self, group):
            return [group.name, EVIL]

    for name in ("пусто", EVIL):
        Group.objects.create(name=name)
    site = UnfoldAdminSite(name="marks")
    model_admin = MarkedGroups(Group, site)
    request = rf.get("/")
    request.user = make_staff(email="marks@example.ru", superuser=True)
    cl = model_admin.get_changelist_instance(request)
    original = unfold_list.items_for_result.__wrapped__
    for group in cl.result_list:
        ours = [_normal(cell) for cell in unfold_list.items_for_result(cl, group, None)]
        theirs = [_normal(cell) for cell in original(cl, group, None)]
        assert ours == theirs


def test_badges_compiled_once_still_count_every_new_request(
    boss_browser, django_assert_num_queries
):
    """The badges' statement is compiled once per process (issue 13); its numbers are counted
    on every page: a new VIN request shows at once, with the page's queries unchanged."""
    from mprating.backoffice import navigation
    from mprating.garage.tests.vin_factories import make_vin_request

    url = "/backoffice/finance/statement/"
    badge = re.compile(r"VIN-запросы</span>\s*(<span[^>]*>\s*(\d+)\s*</span>)?")
    assert badge.search(boss_browser.get(url).content.decode()).group(2) is None
    compiled = navigation._badges_statement.cache_info().currsize
    assert compiled >= 1

    client = make_client()
    make_vin_request(client)
    with django_assert_num_queries(4):  # user, badges, count, rows
        html = boss_browser.get(url).content.decode()
    assert badge.search(html).group(2) == "1"
    make_vin_request(client)
    assert badge.search(boss_browser.get(url).content.decode()).group(2) == "2"
    assert navigation._badges_statement.cache_info().currsize == compiled  # not compiled anew


def test_one_badge_alone_is_counted_exactly(client, django_assert_num_queries):
    """A person who sees one work queue only: its badge through the same kept statement."""
    from django.contrib.auth.models import Permission

    from mprating.garage.tests.vin_factories import make_vin_request

    staff = make_staff(email="vin@example.ru")
    staff.user_permissions.add(
        Permission.objects.get(codename="process_vinrequest"),
        Permission.objects.get(codename="view_statement"),
    )
    client.force_login(staff)
    url = "/backoffice/finance/statement/"
    make_vin_request(make_client())
    html = client.get(url).content.decode()
    assert "Отказы на рассмотрении" not in html
    assert re.search(r"VIN-запросы</span>\s*<span[^>]*>\s*1\s*</span>", html)
    make_vin_request(make_client(email="second@example.ru"))
    html = client.get(url).content.decode()
    assert re.search(r"VIN-запросы</span>\s*<span[^>]*>\s*2\s*</span>", html)


def _header(html: str) -> str:
    return _between(html, 'id="header-inner"', 'id="content"')


def test_kept_header_follows_counts_and_permissions(client):
    """The list header is kept per state: a new row changes «N всего», and a person who may
    not add does not get the «add» button kept for one who may."""
    from django.contrib.auth.models import Group, Permission

    boss = make_staff(email="boss@example.ru", superuser=True)
    viewer = make_staff(email="viewer@example.ru")
    viewer.user_permissions.add(Permission.objects.get(codename="view_group"))
    Group.objects.create(name="Бета")
    url = "/backoffice/auth/group/?q=Бета"
    add_link = 'href="/backoffice/auth/group/add/?_changelist_filters=q%3D'
    backoffice_tags._frame_html.clear()

    client.force_login(boss)
    first = _header(client.get(url).content.decode())
    total = Group.objects.count()
    assert f'1 результат (<a href="?">{total} всего</a>)' in first
    assert add_link in first
    Group.objects.create(name="Гамма")
    second = _header(client.get(url).content.decode())
    assert f'1 результат (<a href="?">{total + 1} всего</a>)' in second

    client.force_login(viewer)
    theirs = _header(client.get(url).content.decode())
    assert f"{total + 1} всего" in theirs
    assert "/backoffice/auth/group/add/" not in theirs
    assert any(key[0] == "header" for key in backoffice_tags._frame_html)


def test_kept_empty_results_follow_the_list_state():
    """What the «Ничего не найдено» box shows is in its key: another list, a search, filters,
    an «add» permission; a context it cannot name is rendered, not kept."""
    from types import SimpleNamespace

    from django.template import Context

    from mprating.finance.models import Statement

    def key(**changes):
        cl = SimpleNamespace(
            opts=Statement._meta, search_fields=(), has_filters=True, query="", is_dataset=False
        )
        values = {"cl": cl}
        for name, value in changes.items():
            if hasattr(cl, name):
                setattr(cl, name, value)
            else:
                values[name] = value
        return backoffice_tags._empty_results_key(Context(values))

    base = key()
    assert base is not None
    assert key(opts=Group._meta) != base
    assert key(query="x") != base
    assert key(has_filters=False) != base
    assert key(search_fields=("name",)) != base
    assert key(has_add_permission=True) != base
    assert key(preserved_filters="q=x") != base
    assert key(preserved_qsl=[("q", "x")]) is None
    assert key(to_field=object()) is None
