"""Export of a changelist selection to XLSX (DESIGN.md §4: operators expect it).

A ModelAdmin lists `export_columns = [("Заголовок", callable_or_attr), ...]` and adds
`export_xlsx` to its actions; the file is written with openpyxl in write-only mode.

No exported text ever becomes a formula in the operator's Excel (issue 12, «formula
injection»): a text starting with = + - @ (or a tab or carriage return) is written as a text
cell with Excel's «quote prefix» (`keep_as_text`). The cell shows exactly the client's text —
no apostrophe is added to the data — and Excel keeps it text even when someone edits the cell
(a plain text cell «=…» turns into a live formula on F2 + Enter; openpyxl would even write a
string starting with «=» as a formula). Numbers stay numbers: −5 is not text.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Column = tuple[str, Callable[[Any], Any]]
# What makes Excel (and LibreOffice) read a typed text as a formula (OWASP «CSV injection»).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def keep_as_text(cell: Cell) -> Cell:
    """A cell whose text looks like a formula is stored as text with the quote prefix."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _cell_value(sheet, value: Any) -> Any:
    if isinstance(value, datetime):
        # Excel has no time zones: write Moscow wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return "да" if value else "нет"
    if looks_like_formula(value):
        # Only these few get a cell object; every other value is written as it is (fast).
        return keep_as_text(WriteOnlyCell(sheet, value=value))
    return value


def _header(sheet, names: Iterable[str]) -> list[WriteOnlyCell]:
    header = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    return header


def build_xlsx(title: str, columns: list[Column], rows: Iterable[Any]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(_header(sheet, (name for name, _ in columns)))
    for row in rows:
        sheet.append([_cell_value(sheet, getter(row)) for _, getter in columns])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its title, the header and the rows of values."""

    title: str
    columns: list[str]
    rows: Iterable[list[Any]]


def build_xlsx_sheets(sheets: list[Sheet]) -> bytes:
    """A workbook of several sheets, with the same rules as `build_xlsx` (no formulas)."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        sheet.append(_header(sheet, spec.columns))
        for row in spec.rows:
            sheet.append([_cell_value(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@admin.action(description="Выгрузить выбранное в XLSX")
def export_xlsx(modeladmin, request: HttpRequest, queryset) -> HttpResponse:
    opts = modeladmin.model._meta
    # An admin whose list reads less than its export (e.g. «Заявки») adds what is missing.
    prepare = getattr(modeladmin, "export_queryset", None)
    if prepare is not None:
        queryset = prepare(queryset)
    content = build_xlsx(
        str(opts.verbose_name_plural).capitalize(),
        modeladmin.export_columns,
        queryset.iterator(chunk_size=2000),
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d_%H-%M")
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{opts.model_name}_{stamp}.xlsx"'
    return response
