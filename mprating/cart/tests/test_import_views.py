"""«Загрузить в корзину» pages: upload, refusal messages, template, result page, resolving."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.timezone import localtime
from openpyxl import load_workbook

from mprating.accounts.tests.factories import make_client
from mprating.cart import imports
from mprating.cart.models import CartImport, CartImportRow, CartLine
from mprating.cart.tests.files import csv_bytes, xlsx_bytes
from mprating.catalog.tests.factories import make_offer, make_product, make_warehouse
from mprating.core.testing import count_queries, xlsx_bomb

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def shopper(client):
    customer = make_client()
    client.force_login(customer.user)
    return customer


def upload(client, data: bytes, name: str = "zakaz.xlsx"):
    return client.post(reverse("cart:import"), {"file": SimpleUploadedFile(name, data)})


def test_import_page(client, shopper):
    response = client.get(reverse("cart:import"))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("cart:import_template") in html and 'type="file"' in html


def test_upload_redirects_to_result_page(client, shopper):
    make_offer(product=make_product(brand="BOSCH", article="0986452041"))

    response = upload(client, xlsx_bytes([["BOSCH", "0 986 452 041", 1, ""]]))

    cart_import = CartImport.objects.get(client=shopper)
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:import_result", args=[cart_import.pk])
    assert CartLine.objects.filter(client=shopper).count() == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "zakaz.xlsx", "внутри не таблица"),
        (b"", "zakaz.csv", "Файл пустой."),
        (csv_bytes([["x", "y"]], header=["Имя", "Телефон"]), "zakaz.csv", "«Артикул»"),
        (b"%PDF", "zakaz.pdf", "XLSX, XLS или CSV"),
    ],
)
def test_refused_file_shows_message_and_adds_nothing(client, shopper, data, name, message):
    response = upload(client, data, name)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CartImport.objects.exists() and not CartLine.objects.exists()


def test_template_download(client, shopper):
    response = client.get(reverse("cart:import_template"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Бренд", "Артикул", "Количество", "Комментарий")
    assert len(rows) == 3


def _ambiguous_import(customer):
    make_offer(product=make_product(brand="FEBI", article="AMB-1", name="Втулка"), price="120.00")
    trw = make_offer(
        product=make_product(brand="TRW", article="AMB-1", name="Втулка"), price="150.00"
    )
    make_offer(product=make_product(brand="SACHS", article="315678"), quantity=1)
    data = xlsx_bytes([["", "AMB1", 2, ""], ["SACHS", "315678", 3, ""], ["", "NOPE", 1, ""]])
    cart_import = imports.cart_import_file(
        client=customer, file=io.BytesIO(data), filename="z.xlsx"
    )
    return cart_import, trw


def test_result_page_lists_rows_with_reasons_and_candidates(client, shopper):
    cart_import, _ = _ambiguous_import(shopper)

    response = client.get(reverse("cart:import_result", args=[cart_import.pk]))

    html = response.content.decode()
    assert "несколько брендов — выберите" in html
    assert "недостаточно на складе (есть 1)" in html and "Добавить 1 шт." in html
    assert "не найден" in html
    assert "FEBI" in html and "TRW" in html and "150,00" in html


def test_result_page_is_only_for_its_owner(client, shopper):
    cart_import, _ = _ambiguous_import(make_client())
    row = cart_import.rows.first()

    page = client.get(reverse("cart:import_result", args=[cart_import.pk]))
    choose = client.post(reverse("cart:import_row_choose", args=[cart_import.pk, row.pk]))

    assert page.status_code == 404 and choose.status_code == 404


def test_choose_brand_htmx_updates_the_row_in_place(client, shopper):
    cart_import, trw = _ambiguous_import(shopper)
    row = cart_import.rows.get(outcome=CartImportRow.Outcome.AMBIGUOUS)

    response = client.post(
        reverse("cart:import_row_choose", args=[cart_import.pk, row.pk]),
        {"product": trw.product_id, "tab": "problems"},
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="import-row-{row.pk}"' in html and "Добавлено после выбора" in html
    assert CartLine.objects.get(client=shopper).offer_id == trw.pk


def test_add_available_htmx(client, shopper):
    cart_import, _ = _ambiguous_import(shopper)
    row = cart_import.rows.get(outcome=CartImportRow.Outcome.NOT_ENOUGH)

    response = client.post(
        reverse("cart:import_row_add_available", args=[cart_import.pk, row.pk]), **HTMX
    )

    assert response.status_code == 200
    assert "добавлено 1 шт. из 3" in response.content.decode()


def test_choose_foreign_product_shows_error_in_row(client, shopper):
    cart_import, _ = _ambiguous_import(shopper)
    row = cart_import.rows.get(outcome=CartImportRow.Outcome.AMBIGUOUS)
    other = make_product(brand="BOSCH", article="XYZ")

    response = client.post(
        reverse("cart:import_row_choose", args=[cart_import.pk, row.pk]),
        {"product": other.pk},
        **HTMX,
    )

    assert response.status_code == 422
    assert "Выберите один из предложенных брендов." in response.content.decode()
    assert not CartLine.objects.exists()


def _import_of(customer, n: int) -> CartImport:
    warehouse = make_warehouse()
    rows = []
    for i in range(n):
        key = f"R{n}-{i}"
        make_offer(product=make_product(brand="FEBI", article=key), warehouse=warehouse)
        make_offer(product=make_product(brand="TRW", article=key), warehouse=warehouse)
        rows.append(["", key, 1, ""])  # every row ambiguous: candidates on the page
    data = xlsx_bytes(rows)
    return imports.cart_import_file(client=customer, file=io.BytesIO(data), filename="z.xlsx")


def test_result_page_query_count_does_not_grow(client, shopper):
    small, large = _import_of(shopper, 10), _import_of(shopper, 200)

    ten = count_queries(lambda: client.get(reverse("cart:import_result", args=[small.pk])))
    many = count_queries(lambda: client.get(reverse("cart:import_result", args=[large.pk])))

    assert ten == many


def test_import_report_shows_money_and_dates_the_russian_way(client, shopper):
    # given: a row added at 1 200,72 ₽ and a row whose brand the client must choose
    make_offer(
        product=make_product(brand="BOSCH", article="0986452041"), price="1200.72", quantity=9
    )
    make_offer(product=make_product(brand="MAHLE", article="OC 205"), price="12345.6")
    make_offer(product=make_product(brand="KNECHT", article="OC 205"), price="990")
    upload(client, xlsx_bytes([["BOSCH", "0986452041", 2, ""], ["", "OC205", 1, ""]]))
    cart_import = CartImport.objects.get(client=shopper)
    url = reverse("cart:import_result", args=[cart_import.pk])

    added = client.get(url, {"tab": "added"}).content.decode()
    problems = client.get(url, {"tab": "problems"}).content.decode()

    # then: «1 200,72 ₽» (narrow no-break space in thousands), never «1200.72»
    assert "1\u202f200,72\u00a0₽ × 2" in added
    assert "12\u202f345,60\u00a0₽" in problems and "990,00\u00a0₽" in problems
    for html in (added, problems):
        assert "1200.72" not in html and "12345.6" not in html
        assert f"загружен {localtime(cart_import.created_at):%d.%m.%Y %H:%M}" in html


def test_zip_bomb_xlsx_is_refused_before_reading_and_adds_nothing(client, shopper):
    make_offer(product=make_product(brand="BOSCH", article="0986452041"))
    bomb = xlsx_bomb([imports.TEMPLATE_HEADERS, ["BOSCH", "0986452041", 1, ""]], unpacked_mb=120)

    response = upload(client, bomb)

    assert response.status_code == 422
    assert "в распакованном виде занимает 120 МБ" in response.content.decode()
    assert not CartImport.objects.exists() and not CartLine.objects.exists()
