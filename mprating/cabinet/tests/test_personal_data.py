"""«Мои персональные данные» (issue 12, 152-ФЗ): «In «Личная информация» a client downloads
their data (JSON and XLSX) and can ask for deletion; an operator confirms it, which anonymizes
the personal fields while keeping orders and ledger entries that accounting must keep».

The export and the erasure across apps are tested here, on the floor that sees them all.
"""

import io
import json
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from mprating.accounts import personal_data, roles
from mprating.accounts.models import Client, User
from mprating.accounts.tests.factories import PASSWORD, make_client, make_staff
from mprating.cart.models import CartLine
from mprating.catalog.tests.factories import make_offer
from mprating.core.testing import count_queries
from mprating.finance.models import LedgerEntry
from mprating.finance.selectors import balance_info
from mprating.finance.tests.factories import pay
from mprating.garage import services as garage_services
from mprating.garage.models import ChatMessage, Vehicle, VinRequest
from mprating.garage.tests.vin_factories import LADA_VESTA_VIN, make_vehicle, make_vin_request
from mprating.orders.models import Order, OrderLine, PaymentMethod
from mprating.orders.services.personal_data import ADDRESS_ERASED
from mprating.orders.tests.factories import add_to_cart, place_order
from mprating.returns.models import ReturnPhoto, ReturnRequest
from mprating.returns.tests.factories import make_return, photo, shipped_line

pytestmark = pytest.mark.django_db

JSON_URL = reverse("cabinet:personal_data_json")
XLSX_URL = reverse("cabinet:personal_data_xlsx")
FORMULA = '=HYPERLINK("http://evil.example","жми")'


def _order(
    client: Client, *, comment: str = "", address: str = "", method=PaymentMethod.BALANCE
) -> Order:
    add_to_cart(client, make_offer(price="1500.00", quantity=100), 2, comment="на Ладу")
    return place_order(client, comment=comment, delivery_address=address, payment_method=method)


def _rich_client(email: str = "anna@example.ru", phone: str = "+79161112233") -> Client:
    """A client with something in every section of the export."""
    client = make_client(email=email, last_name="Соколова", phone=phone)
    pay(client, "10000.00")
    vehicle = make_vehicle(client, vin_or_frame=LADA_VESTA_VIN, comment=FORMULA)
    request = make_vin_request(client, vehicle=vehicle, comment="Нужны колодки")
    garage_services.chat_message_post(
        request=request, author=client.user, from_client=True, text="Позвоните мне после 18:00"
    )
    _order(client, comment="Домофон 45", address="г. Москва, ул. Лесная, д. 5, кв. 12")
    return client


@pytest.fixture
def anna(client):
    account = _rich_client()
    client.force_login(account.user)
    return account


def test_json_holds_everything_the_store_keeps_about_the_person(client, anna):
    response = client.get(JSON_URL)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="moi-dannye_')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    profile = data["Профиль"][0]
    assert profile["Фамилия"] == "Соколова"
    assert profile["E-mail"] == "anna@example.ru"
    assert profile["Согласие на обработку персональных данных"]  # the consent's date and time
    assert data["Автомобили"][0]["VIN или номер кузова"] == LADA_VESTA_VIN
    assert data["VIN-запросы"][0]["Комментарий"] == "Нужны колодки"
    assert data["Сообщения чата"][0]["Сообщение"] == "Позвоните мне после 18:00"
    order = data["Заказы"][0]
    assert order["Адрес доставки"] == "г. Москва, ул. Лесная, д. 5, кв. 12"
    assert order["Комментарий"] == "Домофон 45"
    assert order["Списано с баланса, ₽"] == "3000.00"
    assert data["Позиции заказов"][0]["Количество"] == 2
    assert data["Позиции заказов"][0]["Комментарий"] == "на Ладу"
    kinds = [row["Поступило, ₽"] for row in data["Операции по балансу"]]
    assert "10000.00" in kinds
    assert "Возвраты" in data and "Покупки пакетов" in data and "Запросы на удаление" in data


def test_the_export_never_holds_another_clients_data(client, anna):
    _rich_client(email="boris@example.ru", phone="+79031112233")
    User.objects.filter(email="boris@example.ru").update(last_name="Чужой")

    body = client.get(JSON_URL).content.decode()
    workbook = load_workbook(io.BytesIO(client.get(XLSX_URL).content))

    assert "boris@example.ru" not in body and "Чужой" not in body
    data = json.loads(body)
    assert len(data["Заказы"]) == 1 and len(data["Автомобили"]) == 1
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
    assert "boris@example.ru" not in cells


def test_xlsx_has_a_sheet_per_section_and_no_formulas(client, anna):
    response = client.get(XLSX_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"Профиль", "Автомобили", "Заказы", "Позиции заказов", "Операции по балансу"} <= set(
        workbook.sheetnames
    )
    cars = workbook["Автомобили"]
    header = [c.value for c in cars[1]]
    cell = cars.cell(row=2, column=header.index("Комментарий") + 1)
    assert cell.value == FORMULA and cell.data_type == "s" and cell.quotePrefix


def test_the_export_keeps_a_constant_number_of_queries(client, anna):
    few_json = count_queries(lambda: client.get(JSON_URL))
    few_xlsx = count_queries(lambda: client.get(XLSX_URL))
    for _ in range(5):
        _order(anna, address="г. Москва, ул. Лесная, д. 5", method=PaymentMethod.ON_RECEIPT)
        make_vehicle(anna)
        pay(anna, "100.00")

    assert count_queries(lambda: client.get(JSON_URL)) == few_json
    assert count_queries(lambda: client.get(XLSX_URL)) == few_xlsx


def test_only_a_signed_in_client_downloads(client):
    assert client.get(JSON_URL).status_code == 302  # to the sign-in
    client.force_login(make_staff(roles.OPERATOR, email="operator@example.ru"))
    assert client.get(JSON_URL).status_code == 403
    assert client.get(XLSX_URL).status_code == 403


def test_the_profile_page_links_both_downloads(client, anna):
    page = client.get(reverse("cabinet:profile")).content.decode()

    assert JSON_URL in page and XLSX_URL in page
    assert "Удалить мои данные" in page


def test_confirmed_deletion_erases_personal_fields_and_keeps_what_accounting_keeps(
    client, anna, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    line = shipped_line(anna)
    returned = make_return(anna, line, description="Звонить Анне: +7 916 111-22-33")
    returned_with_photo = make_return(anna, line, uploads=[photo()], description="")
    photo_file = ReturnPhoto.objects.get(request=returned_with_photo).file.path
    add_to_cart(anna, make_offer(quantity=10), 1, comment="в корзине")
    orders_before = list(
        Order.objects.filter(client=anna).order_by("pk").values_list("pk", "balance_charged")
    )
    lines_before = list(
        OrderLine.objects.filter(client=anna)
        .order_by("pk")
        .values_list("pk", "quantity", "price", "status_id")
    )
    ledger_before = LedgerEntry.objects.filter(client=anna).aggregate(
        debit=Sum("debit"), credit=Sum("credit")
    )
    balance_before = balance_info(anna.pk).balance
    refunds_before = list(
        ReturnRequest.objects.filter(client=anna).order_by("pk").values_list("refund_amount")
    )
    request = personal_data.deletion_request_create(client=anna, password=PASSWORD)
    operator = make_staff(roles.OPERATOR, email="operator@example.ru")

    with django_capture_on_commit_callbacks(execute=True):
        personal_data.deletion_request_confirm(request_id=request.pk, actor=operator)

    # accounting's records are all there, with the same sums
    assert (
        list(Order.objects.filter(client=anna).order_by("pk").values_list("pk", "balance_charged"))
        == orders_before
    )
    assert (
        list(
            OrderLine.objects.filter(client=anna)
            .order_by("pk")
            .values_list("pk", "quantity", "price", "status_id")
        )
        == lines_before
    )
    assert (
        LedgerEntry.objects.filter(client=anna).aggregate(debit=Sum("debit"), credit=Sum("credit"))
        == ledger_before
    )
    assert balance_info(anna.pk).balance == balance_before
    assert (
        list(ReturnRequest.objects.filter(client=anna).order_by("pk").values_list("refund_amount"))
        == refunds_before
    )
    # the personal fields are gone
    for order in Order.objects.filter(client=anna):
        assert order.recipient_phone == "" and order.comment == ""
        assert order.delivery_address in {"", ADDRESS_ERASED}
    assert not OrderLine.objects.filter(client=anna).exclude(comment="").exists()
    assert not Vehicle.objects.filter(client=anna).exists()
    assert list(VinRequest.objects.filter(client=anna).values_list("vin", "comment")) == [("", "")]
    texts = ChatMessage.objects.filter(request__client=anna, from_client=True)
    assert "Позвоните" not in " ".join(texts.values_list("text", flat=True))
    returned.refresh_from_db()
    assert returned.description == ""
    assert not ReturnPhoto.objects.filter(request__client=anna).exists()
    assert not (tmp_path / photo_file).exists()
    assert not CartLine.objects.filter(client=anna).exists()
    # and the person cannot sign in any more
    assert client.get(reverse("cabinet:profile")).status_code == 302
    login = reverse("accounts:login")
    client.post(login, {"username": "anna@example.ru", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    export = personal_data.is_anonymized(Client.objects.select_related("user").get(pk=anna.pk))
    assert export


def test_the_money_of_an_erased_client_adds_up_as_before(anna):
    """Balance = credit − debit holds after the erasure (finance's invariant)."""
    request = personal_data.deletion_request_create(client=anna, password=PASSWORD)
    personal_data.deletion_request_confirm(
        request_id=request.pk, actor=make_staff(roles.MANAGER, email="manager@example.ru")
    )
    sums = LedgerEntry.objects.filter(client=anna).aggregate(d=Sum("debit"), c=Sum("credit"))
    assert balance_info(anna.pk).balance == sums["c"] - sums["d"] == Decimal("7000.00")
