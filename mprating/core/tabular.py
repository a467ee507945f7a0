"""Reading uploaded tables: XLSX, XLS and CSV, streamed row by row.

Used by every import (price lists, cross lists, «Загрузить в корзину»). The format is decided
by the file's content, not its name, and the two must agree: a renamed picture, a CSV called
.xlsx, an empty file or a spreadsheet with formulas is refused with a Russian message before a
single row is used. CSV may be UTF-8 (with or without BOM) or Windows-1251, separated by `;`,
`,` or tabs, and is streamed, so a million-row CSV never sits in memory. XLSX and XLS values
are read with python-calamine (about ten times faster than openpyxl; its XML reader expands no
entities, so XML bombs do nothing); formulas in XLSX are found by streaming the sheet's XML.

An XLSX is a zip archive: before anything unpacks it, `xlsx_archive_check` reads its table of
contents and refuses a «zip bomb» — more unpacked bytes than `TABULAR_XLSX_MAX_UNPACKED_MB`, a
big member packed more than `TABULAR_XLSX_MAX_RATIO` times, more than
`TABULAR_XLSX_MAX_MEMBERS` members. The sizes the table of contents declares are the ones that
count: Python's zip reader never unpacks a member beyond its declared size and checks its CRC.
"""

import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings

from mprating.core.errors import ApplicationError

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = {".xlsx": "xlsx", ".xls": "xls", ".csv": "csv", ".txt": "csv"}
FORMAT_NAMES = {"xlsx": "Excel (XLSX)", "xls": "Excel 97–2003 (XLS)", "csv": "CSV"}
_SNIFF_BYTES = 64 * 1024
_HEADER_CLEAN = re.compile(r"[^0-9a-zа-яё]+")

csv.field_size_limit(1024 * 1024)


class TableError(ApplicationError):
    def __init__(self, message: str, *, code: str = "bad_file") -> None:
        super().__init__(code, message, field="file")


@dataclass
class Table:
    """A table opened for reading: its header row and the data rows after it.

    `rows` yields `(row_number, values)`: the number as a person sees it in Excel (header is
    row 1 when it is the first line), values as stripped strings, padded to the header width.
    Blank rows are skipped.
    """

    format: str
    headers: list[str]
    header_row_number: int
    rows: Iterator[tuple[int, list[str]]] = field(repr=False)


def detect_format(head: bytes, filename: str) -> str:
    extension = PurePath(filename or "").suffix.lower()
    expected = EXTENSIONS.get(extension)
    if expected is None:
        raise TableError(
            "Загрузите таблицу в формате XLSX, XLS или CSV"
            + (f" (файл «{extension}» не подходит)." if extension else "."),
            code="bad_extension",
        )
    if not head:
        raise TableError("Файл пустой.", code="empty_file")
    if head.startswith(XLSX_MAGIC):
        actual = "xlsx"
    elif head.startswith(XLS_MAGIC):
        actual = "xls"
    elif b"\x00" in head[:_SNIFF_BYTES]:
        actual = "binary"
    else:
        actual = "csv"
    if actual != expected:
        shown = FORMAT_NAMES.get(actual, "не таблица")
        raise TableError(
            f"Расширение файла — {extension}, а внутри {shown}. "
            "Сохраните таблицу заново в формате XLSX, XLS или CSV.",
            code="disguised_file",
        )
    return actual


def open_table(file: BinaryIO, *, filename: str, max_rows: int | None = None) -> Table:
    """Open an uploaded file; raise TableError (Russian message) when it cannot be a table."""
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    file.seek(0)
    kind = detect_format(head, filename)
    if kind == "xlsx":
        raw_rows = _xlsx_rows(file)
    elif kind == "xls":
        raw_rows = _xls_rows(file)
    else:
        raw_rows = _csv_rows(file, head)
    return _with_header(kind, raw_rows, max_rows)


def _with_header(kind: str, raw_rows: Iterator[tuple[int, list]], max_rows: int | None) -> Table:
    header_number, headers = 0, []
    for number, values in raw_rows:
        if any(v.strip() for v in values):
            header_number, headers = number, [v.strip() for v in values]
            break
    if not headers:
        raise TableError("В файле нет ни одной строки.", code="empty_file")
    while headers and not headers[-1]:
        headers.pop()

    def data() -> Iterator[tuple[int, list[str]]]:
        seen = 0
        width = len(headers)
        for number, values in raw_rows:
            cells = [v.strip() for v in values]
            if not any(cells):
                continue
            seen += 1
            if max_rows is not None and seen > max_rows:
                raise TableError(
                    f"В файле больше {max_rows:,} строк с данными: разделите его на части.".replace(
                        ",", "\u00a0"
                    ),
                    code="too_many_rows",
                )
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            yield number, cells

    return Table(format=kind, headers=headers, header_row_number=header_number, rows=data())


# ---- CSV --------------------------------------------------------------------------------------


def _detect_encoding(head: bytes) -> str:
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    # Cut a possibly split multi-byte character at the end of the sample.
    for cut in range(4):
        try:
            head[: len(head) - cut].decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            continue
    return "cp1251"


def _detect_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _csv_rows(file: BinaryIO, head: bytes) -> Iterator[tuple[int, list[str]]]:
    encoding = _detect_encoding(head)
    sample = head.decode(encoding, errors="ignore")
    delimiter = _detect_delimiter(sample.splitlines()[0] if sample else "")
    text = io.TextIOWrapper(file, encoding=encoding, newline="", errors="strict")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except UnicodeDecodeError as exc:
        raise TableError(
            "Не удалось прочитать текст файла: сохраните CSV в кодировке UTF-8 или Windows-1251.",
            code="bad_encoding",
        ) from exc
    except csv.Error as exc:
        raise TableError(f"Файл CSV повреждён: {exc}.", code="broken_file") from exc
    finally:
        # Leave the uploaded file open for its owner; it may be gone already on GC.
        with contextlib.suppress(ValueError):
            text.detach()


# ---- XLSX / XLS -------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a person sees: 5.0 → «5», dates as ДД.ММ.ГГГГ."""
    if type(value) is str:  # most cells: no isinstance chain (40,000 cells in a cart import)
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return (
            value.strftime("%d.%m.%Y %H:%M")
            if value.time() != datetime.min.time()
            else (value.strftime("%d.%m.%Y"))
        )
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _broken(exc: Exception) -> TableError:
    return TableError(
        "Файл повреждён или это не таблица Excel: откройте его в Excel и сохраните заново.",
        code="broken_file",
    )


_SHEET_REL_ID = re.compile(rb'<(?:\w+:)?sheet\b[^>]*\br:id="([^"]+)"')
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*\br="([A-Z]+[0-9]+)"')
_SCAN_CHUNK = 1 << 20


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    workbook = archive.read("xl/workbook.xml")
    found = _SHEET_REL_ID.search(workbook)
    if found is None:
        raise KeyError("no sheet in workbook")
    rel_id = re.escape(found.group(1))
    rels = archive.read("xl/_rels/workbook.xml.rels")
    for relation in re.finditer(rb"<Relationship\b[^>]*>", rels):
        tag = relation.group(0)
        if re.search(rb'\bId="' + rel_id + rb'"', tag):
            target = re.search(rb'\bTarget="([^"]+)"', tag).group(1).decode()
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError("sheet relation not found")


def xlsx_formula_cell(file: BinaryIO) -> str | None:
    """The first cell of the first sheet holding a formula («C5002»), or None.

    Streams the sheet's XML out of the archive (bounded memory even for a zip bomb) and looks
    for `<f>` tags: a formula's cached value could be anything the author's Excel computed.
    """
    file.seek(0)
    with zipfile.ZipFile(file) as archive, archive.open(_first_sheet_path(archive)) as sheet:
        tail = b""
        while chunk := sheet.read(_SCAN_CHUNK):
            buffer = tail + chunk
            match = _FORMULA_TAG.search(buffer)
            if match:
                refs = list(_CELL_REF.finditer(buffer, 0, match.start()))
                return refs[-1].group(1).decode() if refs else "?"
            tail = buffer[-4096:]
    return None


# A member smaller than this is never a bomb, whatever its ratio (tiny XML parts of a normal
# workbook can be packed 50 times and more).
_RATIO_FLOOR_BYTES = 1024 * 1024


def xlsx_archive_check(file: BinaryIO) -> None:
    """Refuse an XLSX whose archive would unpack to too much, judging by its table of contents
    only (nothing is decompressed): TableError «file_too_big_unpacked» with the limit named."""
    limit_mb = settings.TABULAR_XLSX_MAX_UNPACKED_MB
    max_ratio = settings.TABULAR_XLSX_MAX_RATIO
    max_members = settings.TABULAR_XLSX_MAX_MEMBERS
    members: list[zipfile.ZipInfo] = []
    try:
        # The member count from the archive's end record first: a table of contents of millions
        # of entries must not be parsed into memory just to be refused.
        end = zipfile._EndRecData(file)
        count = end[zipfile._ECD_ENTRIES_TOTAL] if end else 0
        if count <= max_members:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                members = archive.infolist()
            count = len(members)
    except Exception as exc:  # not a zip archive, or a broken one
        raise _broken(exc) from exc
    finally:
        file.seek(0)
    if count > max_members:
        raise TableError(
            f"Файл Excel состоит из слишком многих частей ({count}, можно не больше "
            f"{max_members}): сохраните таблицу заново в Excel.",
            code="file_too_big_unpacked",
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit_mb * 1024 * 1024:
        raise TableError(
            f"Файл Excel в распакованном виде занимает {_mb(unpacked)} МБ, а можно не больше "
            f"{limit_mb} МБ. Удалите лишние листы и пустые строки или загрузите CSV.",
            code="file_too_big_unpacked",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR_BYTES and ratio > max_ratio:
            raise TableError(
                f"Файл Excel сжат подозрительно сильно: его часть при распаковке вырастает в "
                f"{ratio:,.0f} раз (можно не больше чем в {max_ratio} раз). Сохраните "
                "таблицу заново в Excel или загрузите CSV.".replace(",", "\u00a0"),
                code="file_too_big_unpacked",
            )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f}".replace(",", "\u00a0")


def _xlsx_rows(file: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    xlsx_archive_check(file)
    try:
        formula_at = xlsx_formula_cell(file)
    except Exception as exc:  # a broken archive or workbook raises many kinds
        raise _broken(exc) from exc
    if formula_at:
        raise TableError(
            f"Ячейка {formula_at} содержит формулу. "
            "Загрузите таблицу без формул — только значения.",
            code="formula_cell",
        )
    file.seek(0)
    yield from _calamine_rows(file)


def _calamine_rows(file: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(file).get_sheet_by_index(0)
        rows = sheet.iter_rows()  # from the sheet's first row, blank ones included
    except Exception as exc:  # calamine reports every failure as its own error types
        raise _broken(exc) from exc
    for number, row in enumerate(rows, start=1):
        yield number, [cell_text(v) for v in row]


def _xls_rows(file: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    yield from _calamine_rows(file)


# ---- columns and values -----------------------------------------------------------------------


def header_key(text: str) -> str:
    return _HEADER_CLEAN.sub("", (text or "").lower().replace("ё", "е"))


def find_columns(
    headers: list[str], spec: dict[str, tuple[str, ...]], *, required: tuple[str, ...]
) -> dict[str, int]:
    """Map fields to column indexes by header names (Russian or English, any case/spacing).

    `spec` maps a field to the header spellings that mean it, e.g.
    {"article": ("Артикул", "Номер", "Article")}. Missing required fields → TableError.
    """
    keys = [header_key(h) for h in headers]
    found: dict[str, int] = {}
    for name, spellings in spec.items():
        wanted = {header_key(s) for s in spellings}
        for index, key in enumerate(keys):
            if key in wanted:
                found[name] = index
                break
    missing = [spec[name][0] for name in required if name not in found]
    if missing:
        raise TableError(
            "В первой строке файла не найдены столбцы: "
            + ", ".join(f"«{m}»" for m in missing)
            + ". Проверьте заголовки или скачайте шаблон.",
            code="missing_columns",
        )
    return found


_MONEY_NOISE = re.compile(r"[\s\u00a0\u202f₽]|руб\.?|р\.", flags=re.IGNORECASE)
_QUANTITY_NOISE = re.compile(r"\s|шт\.?", flags=re.IGNORECASE)


def parse_decimal(text: str) -> Decimal | None:
    """«1 234,50», «1234.5», «1 234 ₽» → Decimal; None when it is not a number."""
    cleaned = _MONEY_NOISE.sub("", text or "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


# A number of pieces above this is nonsense for any column; «1E999999999» must not become a
# billion-digit int.
QUANTITY_CEILING = 10**18


def parse_quantity(text: str) -> int | None:
    """A whole positive number of pieces («3», «3,0», «3 шт.»); None otherwise. A number
    beyond `QUANTITY_CEILING` comes back as the ceiling: the caller refuses it as too big."""
    if text and text.isascii() and text.isdigit():
        # «3»: what nearly every cell of a 10,000-row file holds — no pattern, no Decimal.
        # Leading zeros do not make a number big («00000000000000000000» is 0).
        value = int(text) if len(text.lstrip("0")) <= 19 else QUANTITY_CEILING + 1
        return None if value <= 0 else min(value, QUANTITY_CEILING)
    cleaned = _QUANTITY_NOISE.sub("", text or "")
    value = parse_decimal(cleaned)
    if value is None or value <= 0:
        return None
    if value > QUANTITY_CEILING:
        return QUANTITY_CEILING
    if value != value.to_integral_value():
        return None
    return int(value)
