"""Uploaded tables: formats by content, encodings, separators, and every refusal."""

import io
from decimal import Decimal

import pytest
import xlwt
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from mprating.core.tabular import (
    TableError,
    find_columns,
    open_table,
    parse_decimal,
    parse_quantity,
)
from mprating.core.testing import xlsx_bomb

SPEC = {
    "brand": ("Бренд", "Brand"),
    "article": ("Артикул", "Номер", "Article"),
    "quantity": ("Количество", "Qty"),
}


def xlsx_bytes(rows, formula=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if formula:
        sheet[formula[0]] = formula[1]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows) -> bytes:
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Заказ")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read(content: bytes, name: str, **kwargs):
    table = open_table(io.BytesIO(content), filename=name, **kwargs)
    return table.headers, list(table.rows)


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Бренд;Артикул;Количество\nBOSCH;0 986 452 041;2\n", "utf-8"),
        ("\ufeffБренд;Артикул;Количество\nBOSCH;0 986 452 041;2\n", "utf-8"),
        ("Бренд;Артикул;Количество\nBOSCH;0 986 452 041;2\n", "cp1251"),
        ("Бренд,Артикул,Количество\nBOSCH,0 986 452 041,2\n", "utf-8"),
        ("Бренд\tАртикул\tКоличество\r\nBOSCH\t0 986 452 041\t2\r\n", "cp1251"),
    ],
)
def test_csv_in_both_encodings_and_separators(content, encoding):
    headers, rows = read(content.encode(encoding), "order.csv")

    assert headers == ["Бренд", "Артикул", "Количество"]
    assert rows == [(2, ["BOSCH", "0 986 452 041", "2"])]


def test_xlsx_values_read_as_text_with_excel_row_numbers():
    content = xlsx_bytes(
        [["Бренд", "Артикул", "Количество"], [None, None, None], ["MANN", 712.0, 3]]
    )

    headers, rows = read(content, "order.xlsx")

    assert headers == ["Бренд", "Артикул", "Количество"]
    assert rows == [(3, ["MANN", "712", "3"])]


def test_xls_is_read():
    headers, rows = read(xls_bytes([["Brand", "Article", "Qty"], ["NGK", "BKR6E", 4]]), "a.xls")

    assert headers == ["Brand", "Article", "Qty"]
    assert rows == [(2, ["NGK", "BKR6E", "4"])]


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"", "order.csv", "empty_file"),
        (b"\n\n  \n", "order.csv", "empty_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "order.csv", "disguised_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "order.xlsx", "disguised_file"),
        ("Бренд;Артикул\n".encode(), "order.xlsx", "disguised_file"),
        (b"PK\x03\x04not really a zip", "order.xlsx", "broken_file"),
        (b"Brand;Article\n", "order.pdf", "bad_extension"),
        (b"Brand;Article\n", "order", "bad_extension"),
    ],
)
def test_bad_files_are_refused_with_a_reason(content, name, code):
    with pytest.raises(TableError) as error:
        read(content, name)

    assert error.value.code == code
    assert error.value.message


def test_xlsx_renamed_to_csv_is_refused():
    with pytest.raises(TableError) as error:
        read(xlsx_bytes([["Бренд"]]), "order.csv")

    assert "внутри Excel (XLSX)" in error.value.message


def test_formula_cells_are_refused():
    content = xlsx_bytes(
        [["Бренд", "Артикул", "Количество"], ["BOSCH", "1", 1]], formula=("C2", "=1+1")
    )

    with pytest.raises(TableError) as error:
        read(content, "order.xlsx")

    assert error.value.code == "formula_cell"
    assert "C2" in error.value.message


def test_row_limit():
    content = ("Бренд;Артикул;Количество\n" + "BOSCH;1;1\n" * 11).encode()

    with pytest.raises(TableError) as error:
        read(content, "order.csv", max_rows=10)

    assert error.value.code == "too_many_rows"
    assert "10" in error.value.message


def test_columns_found_by_russian_or_english_headers():
    assert find_columns(["  номер ", "QTY", "Brand"], SPEC, required=("article",)) == {
        "article": 0,
        "quantity": 1,
        "brand": 2,
    }


def test_missing_columns_are_named():
    with pytest.raises(TableError) as error:
        find_columns(["Бренд", "Цена"], SPEC, required=("article", "quantity"))

    assert "«Артикул», «Количество»" in error.value.message


@pytest.mark.parametrize(
    ("text", "value"),
    [("1 234,50", Decimal("1234.50")), ("99.9 ₽", Decimal("99.9")), ("abc", None), ("", None)],
)
def test_parse_decimal(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), ("3,0", 3), ("2 шт.", 2), ("0", None), ("-1", None), ("1.5", None)],
)
def test_parse_quantity(text, value):
    assert parse_quantity(text) == value


@given(st.text(alphabet="0123456789", min_size=1, max_size=25))
def test_a_cell_of_digits_reads_the_same_through_the_fast_path_and_the_full_one(digits):
    # A leading space sends the cell through the patterns and Decimal; plain digits do not.
    assert parse_quantity(digits) == parse_quantity(" " + digits)


def test_xlsx_row_numbers_match_excel_when_the_table_starts_lower():
    workbook = Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["C3"] = "Бренд", "Артикул"
    sheet["B5"], sheet["C5"] = "NGK", 5.0
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = open_table(io.BytesIO(buffer.getvalue()), filename="order.xlsx")

    assert (table.headers, table.header_row_number) == (["Бренд", "Артикул"], 3)
    assert list(table.rows) == [(5, ["NGK", "5"])]


def test_formula_found_deep_in_a_large_sheet():
    rows = [["Бренд", "Артикул", "Количество"]] + [["BOSCH", f"A{i}", 1] for i in range(20000)]
    content = xlsx_bytes(rows, formula=("C15000", "=SUM(C2:C3)"))

    with pytest.raises(TableError) as error:
        read(content, "order.xlsx")

    assert "C15000" in error.value.message


# ---- zip bombs: refused by the archive's table of contents, before anything is unpacked -------

ORDER = [["Бренд", "Артикул", "Количество"], ["BOSCH", "0986452041", 1]]


def test_xlsx_that_unpacks_over_the_limit_is_refused_before_reading(monkeypatch):
    content = xlsx_bomb(ORDER, unpacked_mb=120)
    unpacked = []
    monkeypatch.setattr("mprating.core.tabular.xlsx_formula_cell", lambda file: unpacked.append(1))
    monkeypatch.setattr("mprating.core.tabular._calamine_rows", lambda file: unpacked.append(1))

    with pytest.raises(TableError) as error:
        read(content, "order.xlsx")

    assert len(content) < 1024 * 1024
    assert error.value.code == "file_too_big_unpacked"
    assert error.value.message.startswith("Файл Excel в распакованном виде занимает 120 МБ")
    assert "не больше 100 МБ" in error.value.message
    assert unpacked == []


def test_xlsx_packed_far_tighter_than_a_table_is_refused():
    content = xlsx_bomb(ORDER, unpacked_mb=5)

    with pytest.raises(TableError) as error:
        read(content, "order.xlsx")

    assert error.value.code == "file_too_big_unpacked"
    assert "не больше чем в 100 раз" in error.value.message


def test_the_caps_are_settings_and_a_padded_sheet_within_them_is_read(settings):
    content = xlsx_bomb(ORDER, unpacked_mb=5)
    settings.TABULAR_XLSX_MAX_RATIO = 100_000

    assert read(content, "order.xlsx")[1] == [(2, ["BOSCH", "0986452041", "1"])]

    settings.TABULAR_XLSX_MAX_UNPACKED_MB = 4
    with pytest.raises(TableError) as error:
        read(content, "order.xlsx")
    assert "можно не больше 4 МБ" in error.value.message


def test_xlsx_of_too_many_parts_is_refused(settings):
    settings.TABULAR_XLSX_MAX_MEMBERS = 5

    with pytest.raises(TableError) as error:
        read(xlsx_bytes(ORDER), "order.xlsx")

    assert error.value.code == "file_too_big_unpacked"
    assert "можно не больше 5" in error.value.message
