"""XLSX exports never turn data into formulas (issue 12, «formula injection»), and keep
numbers numbers."""

from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from mprating.core.exports import build_xlsx, looks_like_formula


def _cells(values: list) -> list:
    columns = [(f"c{index}", lambda row, index=index: row[index]) for index in range(len(values))]
    content = build_xlsx("Лист", columns, [values])
    return list(load_workbook(BytesIO(content)).active.iter_rows())[1]


def test_texts_that_look_like_formulas_stay_text_exactly_as_written():
    texts = ["=1+1", "+7 916 000-00-00", "-минус", "@SUM(A1)", "\t=1+1", "\r=1+1"]

    cells = _cells(texts)

    # (XML itself reads a carriage return back as a line feed.)
    assert [c.value for c in cells] == [*texts[:5], "\n=1+1"]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_numbers_stay_numbers_and_plain_text_gets_no_prefix():
    cells = _cells([-5, Decimal("-1234.50"), 0, "Иванов", "a=b"])

    assert [c.value for c in cells] == [-5, -1234.5, 0, "Иванов", "a=b"]
    assert [c.data_type for c in cells] == ["n", "n", "n", "s", "s"]
    assert not any(c.quotePrefix for c in cells)


def test_what_looks_like_a_formula():
    assert looks_like_formula("=A1") and looks_like_formula("-1") and looks_like_formula("\t")
    assert not looks_like_formula(-1)
    assert not looks_like_formula("") and not looks_like_formula(" =A1")
