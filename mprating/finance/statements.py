"""Making an «акт сверки»: the job run by the background task, and its PDF and XLSX files.

The layout is the customary Russian one: «Акт сверки взаимных расчётов за период с … по …
между <магазин> и <клиент> (ИНН …)», the store's columns «По данным <магазин>» Дата | Документ
| Дебет | Кредит and the same columns «По данным <клиент>» left empty for the client to fill,
«Сальдо начальное», the movements, «Обороты за период», «Сальдо конечное», the sentence
«На ДД.ММ.ГГГГ задолженность в пользу … составляет N руб.» and places for both signatures.

In the store's books a debit is what the client was charged and a credit what the client paid,
so a negative balance (the client owes) is a debit saldo and a positive one a credit saldo.

Safe to run twice: a statement is claimed by one conditional UPDATE (queued, or running under
an expired lease → running under this worker's lease, `core.leases`); a second run of the same
task, or a run of a finished statement, changes nothing. A worker killed while making the акт
(issue 12): its lease runs out, the sweep queues the statement again and another worker makes
it from the start; the files have names fixed by the statement's start, so the second run
overwrites what the first one may have written — one PDF and one XLSX, state «Готов». The
figures come from the accounting gateway only (embedded ledger or 1С).
"""

import logging
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from itertools import pairwise
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import F, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.core.errors import ApplicationError
from mprating.core.leases import LeaseLost, lease_claim, lease_extend, lease_finish, new_owner
from mprating.core.money import ZERO, format_rub
from mprating.finance.gateway import get_gateway
from mprating.finance.models import Statement
from mprating.finance.reports import PeriodReport, debt_sentence, period_report

logger = logging.getLogger(__name__)

# The PDF sets the movements in DejaVu Sans Mono at the size that makes COLUMN_CHARS characters
# one column wide (Дата 1, Документ 4, Дебет 1, Кредит 1 columns in each half), one line per
# movement, in blocks of ROWS_PER_BLOCK lines: one table row that is never split across pages,
# over a picture of its own rules (a rule under every line and the column rules; drawn whole,
# not tiled, so that no PDF viewer's rounding of tiles lets the rules drift through the text).
# WeasyPrint lays out a line of text far faster than a table cell, so a year of a busy
# client's movements takes seconds, not a minute. A document longer than its column is
# shortened with «…». Two blocks fill a page (the first page: a half block and a block).
COLUMN_CHARS = 13
ROWS_PER_BLOCK = 22
FIRST_BLOCK = 11
LINE_PX = 15
DOCUMENT_CHARS = 4 * COLUMN_CHARS - 2
NBSP = "\u00a0"
# Column rules inside a block, in fourteenths of the width (the outer ones are cell borders).
INNER_RULES = (1, 5, 6, 8, 12, 13)


def _block_rules(lines: int) -> str:
    """The rules of a block of `lines` lines as an SVG data URI (one path), stretched over
    the row."""
    height = lines * LINE_PX
    under = "".join(f"M0 {(k + 1) * LINE_PX - 0.3}H1400" for k in range(lines))
    columns = "".join(f"M{x * 100} 0V{height}" for x in INNER_RULES)
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1400 "
        f"{height}' preserveAspectRatio='none'><path d='{under}{columns}' stroke='black' "
        "stroke-width='0.6' fill='none'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg)


@dataclass(frozen=True)
class Party:
    name: str
    inn: str = ""
    kpp: str = ""
    address: str = ""

    @property
    def with_inn(self) -> str:
        return f"{self.name} (ИНН {self.inn})" if self.inn else self.name


def store_party() -> Party:
    return Party(
        name=settings.STORE_LEGAL_NAME,
        inn=settings.STORE_INN,
        kpp=settings.STORE_KPP,
        address=settings.STORE_ADDRESS,
    )


def client_party(client: Client) -> Party:
    """The company when the client gave one, else the person's full name."""
    name = (client.company_name or "").strip() or client.user.get_full_name() or client.user.email
    return Party(name=name, inn=client.inn or "")


def amount_text(value: Decimal | None) -> str:
    """«1 234,50» (no currency sign in the columns of an акт); empty for nothing."""
    if value is None or value == 0:
        return ""
    return format_rub(value).removesuffix("\u00a0₽")


def saldo_columns(balance: Decimal) -> tuple[Decimal, Decimal]:
    """A balance as (debit, credit) of an акт: the client owes → debit, the store owes →
    credit."""
    return (-balance, ZERO) if balance < 0 else (ZERO, balance)


def _money_field(value: Decimal) -> str:
    """An amount right-aligned in its column, one blank character before the rule."""
    text = amount_text(value).replace("\u202f", NBSP)
    return text.rjust(COLUMN_CHARS - 1, NBSP) + NBSP


def movement_line(movement) -> str:
    """One movement as a line of monospaced columns: date, document, debit, credit."""
    date = f"{timezone.localtime(movement.occurred_at):%d.%m.%Y}"
    return (
        NBSP
        + date.ljust(COLUMN_CHARS - 1, NBSP)
        + NBSP
        + _shorten(movement.document).ljust(4 * COLUMN_CHARS - 1, NBSP)
        + _money_field(movement.debit)
        + _money_field(movement.credit)
    ).rstrip(NBSP)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DOCUMENT_CHARS else text[: DOCUMENT_CHARS - 1] + "…"


def _context(report: PeriodReport, store: Party, client: Party) -> dict:
    opening_debit, opening_credit = saldo_columns(report.opening)
    closing_debit, closing_credit = saldo_columns(report.closing)
    blocks = []
    rules: dict[int, str] = {}
    rows = report.rows
    # The first page also holds the title: a short first block fills it.
    bounds = [0, *range(FIRST_BLOCK, len(rows), ROWS_PER_BLOCK), len(rows)]
    for begin, end in pairwise(bounds):
        chunk = rows[begin:end]
        if not chunk:
            continue
        rules.setdefault(len(chunk), _block_rules(len(chunk)))
        blocks.append(
            {"text": "\n".join(movement_line(r.movement) for r in chunk), "lines": len(chunk)}
        )
    return {
        "report": report,
        "store": store,
        "client": client,
        "title": (
            "Акт сверки взаимных расчётов за период "
            f"с {report.start:%d.%m.%Y} по {report.end:%d.%m.%Y}"
        ),
        "blocks": blocks,
        "rules": sorted(rules.items()),
        "opening": (amount_text(opening_debit), amount_text(opening_credit)),
        "turnover": (amount_text(report.debit_total), amount_text(report.credit_total)),
        "closing": (amount_text(closing_debit), amount_text(closing_credit)),
        "sentence": debt_sentence(
            closing=report.closing, on=report.end, store=store.name, client=client.name
        ),
        "made_at": timezone.localtime(),
    }


def render_pdf(report: PeriodReport, *, store: Party, client: Party) -> bytes:
    import weasyprint  # loads pango: only where a PDF is actually made

    html = render_to_string("finance/statement_pdf.html", _context(report, store, client))
    return weasyprint.HTML(string=html).write_pdf()


def render_xlsx(report: PeriodReport, *, store: Party, client: Party) -> bytes:
    """The same акт as a sheet (write-only mode: a year of movements stays fast)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side

    from mprating.core.exports import keep_as_text

    context = _context(report, store, client)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Акт сверки")
    for letter, width in zip("ABCDEFGH", [12, 52, 15, 15, 12, 30, 15, 15], strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A6"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold, title_font = Font(bold=True), Font(bold=True, size=12)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def cell(value, *, font=None, border=None, number_format=None, alignment=None):
        item = WriteOnlyCell(sheet, value=value)
        if font is not None:
            item.font = font
        if border is not None:
            item.border = border
        if number_format is not None:
            item.number_format = number_format
        if alignment is not None:
            item.alignment = alignment
        return item

    formats = {0: "DD.MM.YYYY", 2: "#,##0.00", 3: "#,##0.00", 6: "#,##0.00", 7: "#,##0.00"}
    prototypes: dict[tuple[int, bool], WriteOnlyCell] = {}

    def table_row(values: list, *, strong: bool = False) -> list:
        # Styling every cell anew hashes fonts and borders thousands of times; a styled
        # prototype per column is made once and its style array copied (openpyxl's own
        # `copy` of a cell does the same).
        row = []
        for index in range(8):
            key = (index, strong)
            if key not in prototypes:
                prototypes[key] = cell(
                    None,
                    font=bold if strong else None,
                    border=box,
                    number_format=formats.get(index),
                )
            item = WriteOnlyCell(sheet, value=values[index] if index < len(values) else None)
            item._style = copy(prototypes[key]._style)
            # A document name from 1С is data, never a formula (core.exports).
            row.append(keep_as_text(item))
        return row

    def saldo(title: str, balance: Decimal) -> list:
        debit, credit = saldo_columns(balance)
        return table_row([None, title, debit or None, credit or None, None, title], strong=True)

    sheet.append([cell(context["title"], font=title_font)])
    sheet.append([f"между {store.with_inn} и {client.with_inn}"])
    sheet.append([])
    header = [f"По данным {store.name}, руб.", None, None, None, f"По данным {client.name}, руб."]
    sheet.append([cell(v, font=bold, border=box, alignment=centre) for v in header + [None] * 3])
    sheet.merged_cells.add("A4:D4")
    sheet.merged_cells.add("E4:H4")
    columns = ["Дата", "Документ", "Дебет", "Кредит"] * 2
    sheet.append([cell(v, font=bold, border=box, alignment=centre) for v in columns])
    sheet.append(saldo("Сальдо начальное", report.opening))
    for row in report.rows:
        movement = row.movement
        sheet.append(
            table_row(
                [
                    timezone.localtime(movement.occurred_at).date(),
                    movement.document,
                    movement.debit or None,
                    movement.credit or None,
                ]
            )
        )
    sheet.append(
        table_row(
            [
                None,
                "Обороты за период",
                report.debit_total,
                report.credit_total,
                None,
                "Обороты за период",
            ],
            strong=True,
        )
    )
    sheet.append(saldo("Сальдо конечное", report.closing))
    sheet.append([])
    sheet.append([cell(context["sentence"], font=bold)])
    sheet.append([])
    sheet.append(
        [
            cell(f"От {store.name}", font=bold),
            None,
            None,
            None,
            cell(f"От {client.name}", font=bold),
        ]
    )
    signature = "____________________ / ____________________ /"
    sheet.append([signature, None, None, None, signature])
    sheet.append(["М. П.", None, None, None, "М. П."])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _progress(statement_id: int, owner: str, percent: int) -> None:
    """Progress doubles as the heartbeat of the lease."""
    lease_extend(Statement, statement_id, owner=owner, progress=percent)


def _save_file(field: FieldFile, name: str, content: bytes) -> None:
    """Write the file under its fixed name, replacing a file a dead worker left there."""
    final = field.field.generate_filename(field.instance, name)
    if field.storage.exists(final):
        field.storage.delete(final)
    field.save(name, ContentFile(content), save=False)


def statement_generate(statement_id: int, *, owner: str | None = None) -> None:
    """Make the акт of statement `statement_id`: figures through the gateway, PDF, XLSX."""
    owner = owner or new_owner()
    claimed = lease_claim(
        Statement,
        statement_id,
        owner=owner,
        started_at=Coalesce(F("started_at"), Value(timezone.now(), models.DateTimeField())),
        progress=5,
        error_message="",
    )
    if not claimed:
        logger.info("statement %s: not queued and not stalled, nothing to do", statement_id)
        return
    statement = Statement.objects.select_related("client__user").get(pk=statement_id)
    started = statement.started_at
    try:
        gateway = get_gateway()
        report = period_report(
            gateway, statement.client, start=statement.period_start, end=statement.period_end
        )
        _progress(statement_id, owner, 30)
        store, client = store_party(), client_party(statement.client)
        pdf = render_pdf(report, store=store, client=client)
        _progress(statement_id, owner, 80)
        xlsx = render_xlsx(report, store=store, client=client)
        stamp = started.strftime("%Y%m%d%H%M%S")
        _save_file(statement.pdf, f"{stamp}_{statement.file_name('pdf')}", pdf)
        _save_file(statement.xlsx, f"{stamp}_{statement.file_name('xlsx')}", xlsx)
        lease_finish(
            Statement,
            statement_id,
            owner=owner,
            status=Statement.Status.DONE,
            progress=100,
            finished_at=timezone.now(),
            source=report.source,
            data_as_of=report.freshness.as_of or started,
            opening_balance=report.opening,
            debit_turnover=report.debit_total,
            credit_turnover=report.credit_total,
            closing_balance=report.closing,
            movements_count=report.count,
            pdf=statement.pdf.name,
            xlsx=statement.xlsx.name,
        )
    except LeaseLost:
        logger.warning("statement %s: taken over by another worker, stopping", statement_id)
    except ApplicationError as error:
        _fail(statement_id, owner, error.message)
    except Exception:
        logger.exception("statement %s failed", statement_id)
        _fail(
            statement_id,
            owner,
            "Не удалось сформировать акт: внутренняя ошибка. Запросите его ещё раз.",
        )


def _fail(statement_id: int, owner: str, message: str) -> None:
    lease_finish(
        Statement,
        statement_id,
        owner=owner,
        status=Statement.Status.FAILED,
        finished_at=timezone.now(),
        error_message=message,
    )
