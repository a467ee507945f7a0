"""Build order files for the import tests: XLSX (openpyxl), XLS (xlwt), CSV."""

import io

HEADER = ["Бренд", "Артикул", "Количество", "Комментарий"]


def xlsx_bytes(rows: list[list], header: list | None = HEADER) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows: list[list], header: list | None = HEADER) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Заказ")
    all_rows = ([header] if header is not None else []) + rows
    for r, values in enumerate(all_rows):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: list[list], *, header: list | None = HEADER, sep: str = ";", encoding: str = "utf-8"
) -> bytes:
    all_rows = ([header] if header is not None else []) + rows
    text = "\r\n".join(sep.join(str(v) for v in row) for row in all_rows) + "\r\n"
    return text.encode(encoding)
