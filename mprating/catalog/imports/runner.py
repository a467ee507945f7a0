"""The import job loop, run by the background task.

Safe to run twice: a job is claimed by one conditional UPDATE (queued → running), so a second
run of the same task, or a run of a finished job, changes nothing. Rows are read streamed and
written in batches, each batch in its own transaction together with its rejected rows and the
job's counters: the progress the manager sees is always what is in the database, and an error
leaves no half-written batch behind.
"""

import logging
from itertools import islice

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mprating.catalog.imports.importers import BatchResult, Importer, importer_for
from mprating.catalog.models import ImportJob, ImportRejectedRow
from mprating.core.errors import ApplicationError
from mprating.core.tabular import open_table

logger = logging.getLogger(__name__)

MAX_CELLS = 40
MAX_CELL = 200


class ImportFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def run_import(job_id: int) -> None:
    started = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=started, finished_at=None, error_message=""
    )
    if not claimed:
        logger.info("import job %s: not queued, nothing to do", job_id)
        return
    job = ImportJob.objects.select_related("warehouse").get(pk=job_id)
    rows_done = 0
    try:
        importer = importer_for(job)
        errors = importer.mapping_errors()
        if errors:
            raise ImportFailed(" ".join(errors))
        total = _count_rows(job)
        if importer.max_rows is not None and total > importer.max_rows:
            raise ImportFailed(
                f"В файле {total} строк, а для этого вида импорта можно не больше "
                f"{importer.max_rows}: разделите файл."
            )
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
        batch_size = importer.max_rows or importer.batch_size
        with job.file.open("rb") as file:
            table = open_table(file, filename=job.original_name)
            while True:
                batch = list(islice(table.rows, batch_size))
                if not batch:
                    break
                try:
                    with transaction.atomic():
                        _write_batch(job, importer, batch)
                except ApplicationError:
                    raise
                except Exception as exc:
                    logger.exception("import job %s failed on rows %s", job.pk, batch[0][0])
                    raise ImportFailed(
                        f"Непредвиденная ошибка в строках {batch[0][0]}–{batch[-1][0]}: {exc}. "
                        "Эти строки не загружены, строки выше — загружены."
                    ) from exc
                rows_done += len(batch)
        with transaction.atomic():
            extra = importer.finish()
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE, finished_at=timezone.now(), **extra
            )
    except ApplicationError as error:
        _fail(job, _with_position(error.message, rows_done))
    except ImportFailed as error:
        _fail(job, error.message)
    except Exception as exc:  # never leave a job «running» forever
        logger.exception("import job %s failed", job.pk)
        _fail(job, _with_position(f"Непредвиденная ошибка: {exc}.", rows_done))


def _count_rows(job: ImportJob) -> int:
    """A first streamed pass, so the progress bar knows its 100 %."""
    with job.file.open("rb") as file:
        return sum(1 for _ in open_table(file, filename=job.original_name).rows)


def _write_batch(job: ImportJob, importer: Importer, batch: list) -> None:
    result: BatchResult = importer.process(batch)
    ImportRejectedRow.objects.bulk_create(
        [
            ImportRejectedRow(
                job=job,
                row_number=number,
                reason=reason[:500],
                values=[v[:MAX_CELL] for v in values[:MAX_CELLS]],
            )
            for number, reason, values in result.rejected
        ],
        batch_size=1000,
    )
    ImportJob.objects.filter(pk=job.pk).update(
        processed_rows=F("processed_rows") + len(batch),
        created_count=F("created_count") + result.created,
        updated_count=F("updated_count") + result.updated,
        unchanged_count=F("unchanged_count") + result.unchanged,
        rejected_count=F("rejected_count") + len(result.rejected),
    )


def _with_position(message: str, rows_done: int) -> str:
    if rows_done:
        return f"{message} Обработано строк до ошибки: {rows_done}."
    return message


def _fail(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED, finished_at=timezone.now(), error_message=message
    )
