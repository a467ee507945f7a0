"""Back office «Монетизация»: packages, purchases (filters, search, export, actions), revenue."""

import json
from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client as BrowserClient
from openpyxl import load_workbook

from mprating.accounts import roles
from mprating.accounts.tests.factories import make_client, make_staff
from mprating.billing import selectors, services
from mprating.billing.models import Package, PackageChange, PackagePurchase, PurchaseStatus
from mprating.billing.tests.factories import make_package, make_paid_purchase, order_by_invoice

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
PURCHASES = "/backoffice/billing/packagepurchase/"
PACKAGES = "/backoffice/billing/package/"
REVENUE = "/backoffice/billing/packagepurchase/revenue/"


@pytest.fixture
def operator():
    return make_staff(roles.OPERATOR, email="operator@example.ru")


@pytest.fixture
def operator_browser(operator):
    browser = BrowserClient()
    browser.force_login(operator)
    return browser


@pytest.fixture
def manager_browser():
    browser = BrowserClient()
    browser.force_login(make_staff(roles.MANAGER, email="manager@example.ru"))
    return browser


def _purchases(n: int) -> None:
    package = make_package()
    for index in range(n):
        client = make_client()
        if index % 2:
            make_paid_purchase(client, package)
        else:
            order_by_invoice(client, package)


@pytest.mark.parametrize("rows", [5, 50])
def test_purchases_changelist_query_count_does_not_grow(
    operator_browser, rows, django_assert_max_num_queries
):
    _purchases(rows)
    # the same 8 queries for 5 and for 50 rows (session, user, permissions, the page, filters,
    # the sidebar's badge of «Отказы на рассмотрении»)
    with django_assert_max_num_queries(8):
        response = operator_browser.get(PURCHASES)
    assert response.status_code == 200
    assert response.content.decode().count("П-0") >= rows


@pytest.mark.parametrize("rows", [5, 50])
def test_packages_changelist_query_count_does_not_grow(
    operator_browser, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        make_package()
    with django_assert_max_num_queries(12):
        response = operator_browser.get(PACKAGES)
    assert response.status_code == 200


def test_purchases_filter_by_status_method_package_and_search_by_client(operator_browser):
    # given
    start = make_package(name="Старт")
    profi = make_package(name="Профи")
    anna = make_client(last_name="Соколова", email="anna@example.ru", phone="+79161112233")
    boris = make_client(last_name="Борисов", email="boris@example.ru")
    waiting = order_by_invoice(anna, start)
    paid = make_paid_purchase(boris, profi)

    def numbers(query: str) -> set[str]:
        page = operator_browser.get(f"{PURCHASES}?{query}").content.decode()
        return {p.number for p in (waiting, paid) if p.number in page}

    # then
    assert numbers("status__exact=paid") == {paid.number}
    assert numbers("status__exact=awaiting_payment") == {waiting.number}
    assert numbers(f"package__id__exact={start.pk}") == {waiting.number}
    assert numbers("payment_method__exact=invoice") == {waiting.number, paid.number}
    assert numbers("q=Соколова") == {waiting.number}
    assert numbers("q=boris@example.ru") == {paid.number}
    assert numbers("q=8 916 111-22-33") == {waiting.number}
    assert numbers(f"q={paid.number}") == {paid.number}


def test_purchases_filter_by_date_range(operator_browser):
    client = make_client()
    package = make_package()
    with time_machine.travel(datetime(2026, 2, 10, 12, tzinfo=MSK), tick=False):
        february = order_by_invoice(client, package)
    with time_machine.travel(datetime(2026, 4, 10, 12, tzinfo=MSK), tick=False):
        april = order_by_invoice(client, package)

    page = operator_browser.get(
        f"{PURCHASES}?created_at_from=01.02.2026&created_at_to=28.02.2026"
    ).content.decode()

    assert february.number in page
    assert april.number not in page


def test_purchases_export_to_xlsx(operator_browser):
    # given
    client = make_client(last_name="Соколова", first_name="Анна", email="anna@example.ru")
    purchase = make_paid_purchase(client, make_package(name="Профи", price="4990.00", requests=50))

    # when
    response = operator_browser.post(
        PURCHASES, {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [purchase.pk]}
    )

    # then
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][:5] == ("Номер", "Клиент", "E-mail клиента", "Пакет", "Цена, ₽")
    assert rows[1][0] == purchase.number
    assert rows[1][3:7] == ("Профи", 4990, 50, 50)
    assert rows[1][9] == "Оплачен"


def test_confirm_payment_by_post_after_a_confirmation_page(operator_browser, operator):
    # given
    purchase = order_by_invoice(make_client(), make_package())
    url = f"{PURCHASES}{purchase.pk}/confirm/"

    # when: the page (GET) changes nothing
    page = operator_browser.get(url)
    purchase.refresh_from_db()
    assert page.status_code == 200
    assert "Подтвердить оплату по счёту" in page.content.decode()
    assert purchase.status == PurchaseStatus.AWAITING_PAYMENT

    # when: confirmed by POST
    response = operator_browser.post(
        url, {"confirm": "yes", ACTION_CHECKBOX_NAME: [purchase.pk]}, follow=True
    )

    # then
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.PAID
    assert purchase.confirmed_by == operator
    assert "Оплата подтверждена: 1" in response.content.decode()


def test_bulk_cancel_needs_a_reason_then_cancels_only_awaiting(operator_browser):
    # given
    package = make_package()
    waiting = order_by_invoice(make_client(), package)
    paid = make_paid_purchase(make_client(), package)
    picked = {"action": "cancel_selected", ACTION_CHECKBOX_NAME: [waiting.pk, paid.pk]}

    # when: both picked in the list, the page offers only the one awaiting payment
    page = operator_browser.post(PURCHASES, picked).content.decode()
    assert waiting.number in page
    assert paid.number not in page
    # without a reason nothing changes
    data = {"action": "cancel_selected", ACTION_CHECKBOX_NAME: [waiting.pk], "confirm": "yes"}
    page = operator_browser.post(PURCHASES, data)
    assert "Укажите причину отмены." in page.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == PurchaseStatus.AWAITING_PAYMENT

    # when: with a reason
    operator_browser.post(PURCHASES, {**data, "reason": "Счёт не оплачен"})

    # then: the paid one was not even a candidate
    waiting.refresh_from_db()
    paid.refresh_from_db()
    assert waiting.status == PurchaseStatus.CANCELLED
    assert paid.status == PurchaseStatus.PAID


def test_manager_sees_purchases_but_cannot_confirm(manager_browser):
    purchase = order_by_invoice(make_client(), make_package())
    assert manager_browser.get(PURCHASES).status_code == 200
    assert manager_browser.get(f"{PURCHASES}{purchase.pk}/change/").status_code == 200
    response = manager_browser.post(
        f"{PURCHASES}{purchase.pk}/confirm/",
        {"confirm": "yes", ACTION_CHECKBOX_NAME: [purchase.pk]},
    )
    purchase.refresh_from_db()
    assert response.status_code in (302, 403)
    assert purchase.status == PurchaseStatus.AWAITING_PAYMENT


def test_operator_creates_and_changes_a_package_through_the_form(operator_browser, operator):
    # when
    form = {
        "name": "Оптовик",
        "description": "Для магазинов",
        "price": "14990,00",
        "requests_included": "200",
        "validity_days": "365",
        "is_on_sale": "on",
        "sort_order": "30",
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
    }
    operator_browser.post(f"{PACKAGES}add/", form)
    package = Package.objects.get(name="Оптовик")
    operator_browser.post(f"{PACKAGES}{package.pk}/change/", {**form, "price": "15990,00"})

    # then
    package.refresh_from_db()
    assert package.price == Decimal("15990.00")
    comments = list(
        PackageChange.objects.filter(package=package)
        .order_by("id")
        .values_list("comment", flat=True)
    )
    assert comments[0].startswith("Пакет создан")
    assert comments[1].startswith("цена: 14")


def test_take_off_sale_action(operator_browser):
    package = make_package()
    operator_browser.post(
        PACKAGES,
        {"action": "take_off_sale", ACTION_CHECKBOX_NAME: [package.pk], "confirm": "yes"},
    )
    package.refresh_from_db()
    assert not package.is_on_sale


def test_revenue_page_numbers_against_known_data(operator_browser, django_assert_max_num_queries):
    # given: three months of known sales (Moscow time; a payment at 00:30 on 1 March belongs
    # to March, though it is still February in UTC)
    start = make_package(name="Старт", price="990.00")
    profi = make_package(name="Профи", price="4990.00")
    client = make_client()
    make_paid_purchase(client, start, paid_at=datetime(2026, 1, 15, 12, tzinfo=MSK))
    make_paid_purchase(client, profi, paid_at=datetime(2026, 1, 31, 23, 59, tzinfo=MSK))
    make_paid_purchase(client, start, paid_at=datetime(2026, 3, 1, 0, 30, tzinfo=MSK))
    order_by_invoice(client, profi)  # unpaid: not revenue

    # when
    with time_machine.travel(datetime(2026, 3, 20, 12, tzinfo=MSK), tick=False):
        revenue = selectors.package_revenue(
            first_month=datetime(2026, 1, 1).date(), last_month=datetime(2026, 3, 1).date()
        )
        with django_assert_max_num_queries(8):
            page = operator_browser.get(f"{REVENUE}?year=2026")

    # then
    assert [(m.month.month, m.sold, m.revenue) for m in revenue.months] == [
        (1, 2, Decimal("5980.00")),
        (2, 0, Decimal("0.00")),
        (3, 1, Decimal("990.00")),
    ]
    assert [(p.name, p.sold, p.revenue) for p in revenue.packages] == [
        ("Профи", 1, Decimal("4990.00")),
        ("Старт", 2, Decimal("1980.00")),
    ]
    html = page.content.decode()
    assert page.status_code == 200
    assert "6\u202f970,00\u00a0₽" in html  # the year's total
    assert 'data-testid="sold-total">3<' in html
    assert "март 2026" in html
    # packages are counted: the «Продано пакетов» chart has integer ticks
    sold_options = json.loads(page.context["sold_chart_options"])
    assert sold_options["scales"]["y"]["ticks"]["precision"] == 0
    assert 'data-options="' in html


def test_revenue_page_query_count_does_not_grow(operator_browser, django_assert_max_num_queries):
    package = make_package()
    for _ in range(30):
        make_paid_purchase(make_client(), package, paid_at=None)
    with django_assert_max_num_queries(8):
        assert operator_browser.get(REVENUE).status_code == 200


def test_a_bought_package_cannot_be_deleted():
    purchase = make_paid_purchase(make_client(), make_package())
    from mprating.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        services.package_delete(package_id=purchase.package_id, by=None)
    assert PackagePurchase.objects.count() == 1
    unused = make_package()
    services.package_delete(package_id=unused.pk, by=None)
    assert not Package.objects.filter(pk=unused.pk).exists()


def test_client_page_has_no_stray_template_markers(operator_browser):
    purchase = make_paid_purchase(make_client(), make_package())
    for url in (
        PURCHASES,
        f"{PURCHASES}{purchase.pk}/change/",
        PACKAGES,
        f"{PACKAGES}{purchase.package_id}/change/",
        REVENUE,
    ):
        html = operator_browser.get(url).content.decode()
        assert "{#" not in html and "{%" not in html, url
        _ = timedelta
