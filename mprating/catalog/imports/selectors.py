"""Reads for the import pages: the preview of the first rows and the rejected-rows report;
the imports at work for the back office home."""

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import Count, Q, QuerySet

from mprating.catalog.imports import fields as parse
from mprating.catalog.imports.fields import RowError
from mprating.catalog.imports.importers import importer_for
from mprating.catalog.models import ImportJob, ImportRejectedRow
from mprating.core.money import format_rub
from mprating.core.tabular import open_table

PREVIEW_ROWS = 20


@dataclass
class PreviewRow:
    number: int
    cells: list[str]  # the cells of the mapped fields, in the order of `preview_fields`
    error: str


def preview_fields(job: ImportJob) -> list:
    """The importer's fields that have a column in this file."""
    importer = importer_for(job)
    return [spec for spec in importer.fields if importer.mapped(spec.name)]


def _money(text: str) -> str:
    """A price as the import reads it, «1 200,72 ₽»; a cell it cannot read, as it is."""
    try:
        return format_rub(parse.price(text))
    except RowError:
        return text


# How the preview shows a field whose value the import converts (the rest: as in the file).
PREVIEW_SHOWN = {"price": _money}


def import_preview(job: ImportJob, *, limit: int = PREVIEW_ROWS) -> list[PreviewRow]:
    """The first rows as the import will read them, each with its check (no database writes).

    The check is the importer's own row parser (and, for the vehicle reference, the check of a
    row against the rows above it): a row marked here is rejected by the import with the same
    reason. Checks that need the catalog (a brand of a cross list missing from
    the directory) are made by the import itself.
    """
    importer = importer_for(job)
    shown = preview_fields(job)
    rows = []
    with job.file.open("rb") as file:
        table = open_table(file, filename=job.original_name)
        for number, values in islice(table.rows, limit):
            try:
                importer.check(number, values)
                error = ""
            except RowError as exc:
                error = exc.reason
            cells = [
                PREVIEW_SHOWN.get(spec.name, str)(importer.cell(values, spec.name))
                for spec in shown
            ]
            rows.append(PreviewRow(number=number, cells=cells, error=error))
        table.rows.close()
    return rows


def import_jobs_for_backoffice() -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("warehouse", "created_by")


def import_rejected_rows(job: ImportJob) -> QuerySet[ImportRejectedRow]:
    return job.rejected_rows.order_by("row_number", "id")


def import_rejected_table(job: ImportJob) -> tuple[list[str], Iterator[list]]:
    """Header and rows of the downloadable report: row number, reason, then the file's cells."""
    header = ["Строка", "Причина", *job.headers]

    def rows() -> Iterator[list]:
        for row in import_rejected_rows(job).iterator(chunk_size=2000):
            yield [row.row_number, row.reason, *row.values]

    return header, rows()


@dataclass(frozen=True)
class ImportsAtWork:
    running: int  # queued or loading now
    failed: int  # ended in an error since the given moment


def imports_at_work(*, failed_since) -> ImportsAtWork:
    """The file imports an operator should look at: one aggregate query."""
    at_work = [ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]
    failed = Q(status=ImportJob.Status.FAILED, created_at__gte=failed_since)
    row = ImportJob.objects.filter(Q(status__in=at_work) | failed).aggregate(
        running=Count("id", filter=Q(status__in=at_work)),
        failed=Count("id", filter=Q(status=ImportJob.Status.FAILED)),
    )
    return ImportsAtWork(running=row["running"], failed=row["failed"])
