"""The import job loop, run by the background task.

Safe to run twice: a job is claimed by one conditional UPDATE (queued, or running under an
expired lease → running under this worker's lease, `core.leases`), so a second run of the same
task, or a run of a finished job, changes nothing. Rows are read streamed and written in
batches, each batch in its own transaction together with its rejected rows, the job's counters
and the heartbeat of the lease: the progress the manager sees is always what is in the
database, and an error leaves no half-written batch behind.

A worker killed in the middle (issue 12): its lease runs out, a sweep queues the job again and
another worker claims it and continues after the last committed batch — `processed_rows`, the
offset written in that batch's transaction — so every row's effect happens once. A worker that
lost its lease (it hung past `JOB_LEASE_SECONDS` and the job was taken over) finds out at its
next batch's heartbeat, rolls that batch back and stops.
"""

import logging
from itertools import islice

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from mprating.catalog.imports.importers import BatchResult, Importer, importer_for
from mprating.catalog.models import ImportJob, ImportRejectedRow
from mprating.core.errors import ApplicationError
from mprating.core.leases import LeaseLost, lease_claim, lease_extend, lease_finish, new_owner
from mprating.core.tabular import open_table

logger = logging.getLogger(__name__)

MAX_CELLS = 40
MAX_CELL = 200
COUNT_HEARTBEAT_ROWS = 20_000


class ImportFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def run_import(job_id: int, *, owner: str | None = None) -> None:
    owner = owner or new_owner()
    claimed = lease_claim(
        ImportJob,
        job_id,
        owner=owner,
        # A job taken over keeps its start: the price list marks its offers with it.
        started_at=Coalesce(F("started_at"), Value(timezone.now(), models.DateTimeField())),
        finished_at=None,
        error_message="",
    )
    if not claimed:
        logger.info("import job %s: not queued and not stalled, nothing to do", job_id)
        return
    job = ImportJob.objects.select_related("warehouse").get(pk=job_id)
    rows_done = job.processed_rows
    if rows_done:
        logger.warning("import job %s: taken over, continuing after row %s", job_id, rows_done)
    try:
        importer = importer_for(job)
        errors = importer.mapping_errors()
        if errors:
            raise ImportFailed(" ".join(errors))
        total = job.total_rows if job.total_rows is not None else _count_rows(job, owner)
        if importer.max_rows is not None and total > importer.max_rows:
            raise ImportFailed(
                f"В файле {total} строк, а для этого вида импорта можно не больше "
                f"{importer.max_rows}: разделите файл."
            )
        lease_extend(ImportJob, job.pk, owner=owner, total_rows=total)
        batch_size = importer.max_rows or settings.IMPORT_BATCH_ROWS or importer.batch_size
        with job.file.open("rb") as file:
            table = open_table(file, filename=job.original_name)
            _skip_committed(job, owner, importer, table.rows, rows_done, batch_size)
            while True:
                batch = list(islice(table.rows, batch_size))
                if not batch:
                    break
                try:
                    with transaction.atomic():
                        lease_extend(ImportJob, job.pk, owner=owner)
                        _write_batch(job, importer, batch)
                except (ApplicationError, LeaseLost):
                    raise
                except Exception as exc:
                    logger.exception("import job %s failed on rows %s", job.pk, batch[0][0])
                    raise ImportFailed(
                        f"Непредвиденная ошибка в строках {batch[0][0]}–{batch[-1][0]}: {exc}. "
                        "Эти строки не загружены, строки выше — загружены."
                    ) from exc
                rows_done += len(batch)
        with transaction.atomic():
            lease_extend(ImportJob, job.pk, owner=owner)
            extra = importer.finish()
            lease_finish(
                ImportJob,
                job.pk,
                owner=owner,
                status=ImportJob.Status.DONE,
                finished_at=timezone.now(),
                **extra,
            )
    except LeaseLost:
        logger.warning("import job %s: taken over by another worker, stopping", job_id)
    except ApplicationError as error:
        _fail(job, owner, _with_position(error.message, rows_done))
    except ImportFailed as error:
        _fail(job, owner, error.message)
    except Exception as exc:  # never leave a job «running» forever
        logger.exception("import job %s failed", job.pk)
        _fail(job, owner, _with_position(f"Непредвиденная ошибка: {exc}.", rows_done))


def _skip_committed(
    job: ImportJob, owner: str, importer: Importer, rows, count: int, batch_size: int
) -> None:
    """Step over the rows the batches committed before a takeover, letting the importer see
    them again without writing (the vehicle reference checks each row against those above)."""
    while count > 0:
        chunk = list(islice(rows, min(count, batch_size)))
        if not chunk:
            return
        importer.replay(chunk)
        count -= len(chunk)
        lease_extend(ImportJob, job.pk, owner=owner)


def _count_rows(job: ImportJob, owner: str) -> int:
    """A first streamed pass, so the progress bar knows its 100 % (a heartbeat every
    COUNT_HEARTBEAT_ROWS rows: counting a huge file must not look like a dead worker)."""
    total = 0
    with job.file.open("rb") as file:
        for _ in open_table(file, filename=job.original_name).rows:
            total += 1
            if total % COUNT_HEARTBEAT_ROWS == 0:
                lease_extend(ImportJob, job.pk, owner=owner)
    return total


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


def _fail(job: ImportJob, owner: str, message: str) -> None:
    lease_finish(
        ImportJob,
        job.pk,
        owner=owner,
        status=ImportJob.Status.FAILED,
        finished_at=timezone.now(),
        error_message=message,
    )
