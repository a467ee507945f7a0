"""Back office lists whose page is read as plain values (issue 13): «Заявки», «Позиции
заказов», «Клиенты», «Журнал просмотров персональных данных», «Балансы клиентов»,
«Пользователи». Their cells read the annotated name, the page's lines and the page's URL
prefix instead of related objects, and only the fields they show: each test here checks a cell
gives what it gives for the object read as before (the object's page, the export), and that
the page really carries no related objects and no other fields."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from mprating.accounts import personal_data
from mprating.accounts.admin_people import listed_person
from mprating.accounts.models import Client, PersonalDataView, User
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.core.admin_rows import PAGE_URLS, PageUrls, row_object_url
from mprating.finance.models import ClientAccount
from mprating.orders.admin.listed import ListedLine, lines_of
from mprating.orders.models import Order, OrderLine
from mprating.orders.tests.status_helpers import order_with_lines

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script> & «ё»'

# The columns computed from a row's related objects, per list.
COMPUTED = {
    Order: [
        "number_display",
        "current_status",
        "client_display",
        "composition",
        "comment_display",
        "phone_display",
    ],
    OrderLine: ["order_link", "created", "client_display", "status_display", "refusal_display"],
    Client: ["full_name", "email", "phone", "access"],
    PersonalDataView: ["viewer_display", "client_display"],
    ClientAccount: ["full_name", "balance_column", "limit_column", "updated_column"],
    User: ["full_name"],
}


@pytest.fixture
def boss(rf):
    request = rf.get("/backoffice/")
    request.user = make_staff(email="root@example.ru", superuser=True)
    return request


@pytest.fixture
def listed_data():
    buyer = make_client(last_name=EVIL, first_name="Иван", company_name=EVIL)
    order, _ = order_with_lines(buyer, kinds=("home", "transit"))
    OrderLine.objects.filter(order=order).update(brand_name=EVIL, comment=EVIL)
    Order.objects.filter(pk=order.pk).update(comment=EVIL * 10, archived_at=timezone.now())
    other = make_client(email="second@example.ru", last_name="", first_name="", middle_name="")
    order_with_lines(other)
    viewer = make_staff(email="viewer@example.ru")
    personal_data.personal_data_view_record(
        viewer=viewer, client_id=buyer.pk, what=PersonalDataView.What.CARD, ip="10.0.0.1"
    )
    PersonalDataView.objects.create(viewer=None, client=other, what=PersonalDataView.What.ORDER)
    return buyer, other


@pytest.mark.parametrize("model", list(COMPUTED))
def test_listed_cells_are_the_cells_of_the_objects(boss, listed_data, model):
    model_admin = admin.site._registry[model]
    changelist = model_admin.get_changelist_instance(boss)
    rows = list(changelist.result_list)
    assert len(rows) >= 2

    for row in rows:
        assert PAGE_URLS in row.__dict__
        whole = model_admin.get_queryset(boss).get(pk=row.pk)  # as the object's page reads it
        for column in COMPUTED[model]:
            cell = getattr(model_admin, column)
            assert cell(row) == cell(whole), column
            assert type(cell(row)) is type(cell(whole)), column


def test_the_pages_rows_carry_no_related_objects(boss, listed_data, django_assert_num_queries):
    lists = {}
    for model in COMPUTED:
        lists[model] = list(admin.site._registry[model].get_changelist_instance(boss).result_list)

    with django_assert_num_queries(0):  # everything the cells read came with the page
        for model, rows in lists.items():
            for row in rows:
                for column in COMPUTED[model]:
                    getattr(admin.site._registry[model], column)(row)

    for order in lists[Order]:
        assert order._state.fields_cache == {}  # no client, no user
        assert "lines" not in getattr(order, "_prefetched_objects_cache", {})
        assert {type(line) for line in lines_of(order)} == {ListedLine}
        assert listed_person(order, "client") is not None
    for line in lists[OrderLine]:
        assert set(line._state.fields_cache) == {"status"}  # from the status filter's read
        assert line.get_deferred_fields() >= {"price", "product_id", "offer_id"}
    for model in (Client, ClientAccount):
        for client in lists[model]:
            assert client._state.fields_cache == {}
            assert client.get_deferred_fields() >= {"inn", "markup_percent"}
    for view in lists[PersonalDataView]:
        assert view._state.fields_cache == {}
    for person in lists[User]:
        assert person.get_deferred_fields() == {"password", "last_login", "date_joined"}


def test_listed_order_lines_are_in_line_order_with_the_filters_statuses(boss, listed_data):
    changelist = admin.site._registry[Order].get_changelist_instance(boss)
    first = next(order for order in changelist.result_list if len(lines_of(order)) == 2)
    lines = list(OrderLine.objects.filter(order=first).order_by("pk"))

    listed = lines_of(first)
    assert [line.article for line in listed] == [line.article for line in lines]
    assert listed[0].status is listed[1].status  # both «Новый»: one object
    assert listed[0].status.name == "Новый"


def test_page_urls_are_reverse():
    urls = PageUrls()
    for pk in (1, 42, 42, "7"):
        for name in ("admin:orders_order_change", "admin:accounts_client_change"):
            assert urls(name, pk) == reverse(name, args=[pk])


def test_a_row_without_page_urls_is_reversed_too():
    order = Order(pk=5)
    assert row_object_url(order, "admin:orders_order_change", 5) == reverse(
        "admin:orders_order_change", args=[5]
    )


@pytest.mark.parametrize("model", list(COMPUTED))
def test_the_page_is_read_only_when_shown(boss, listed_data, model):
    """An action's POST builds the list without showing it: nothing of the page is read."""
    changelist = admin.site._registry[model].get_changelist_instance(boss)

    assert changelist.result_list._result_cache is None
