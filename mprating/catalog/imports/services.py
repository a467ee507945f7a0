"""The life of an import job in the back office: upload, map columns, start, restart.

Every state change of `ImportJob` outside the background task goes through here; the task
itself (`runner.run_import`) only moves a job from «в очереди» to «готово» or «ошибка».
"""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from mprating.catalog.imports.fields import guess_mapping
from mprating.catalog.imports.importers import IMPORTERS, may_import
from mprating.catalog.imports.tasks import run_import_job
from mprating.catalog.models import ImportJob, Warehouse
from mprating.core.errors import ApplicationError
from mprating.core.leases import job_requeue_stalled
from mprating.core.tabular import open_table
from mprating.core.tasks import enqueue_on_commit

MAX_FILE_BYTES = 200 * 1024 * 1024


@transaction.atomic
def import_job_create(
    *,
    kind: str,
    upload: UploadedFile,
    warehouse: Warehouse | None,
    zero_missing: bool,
    actor,
) -> ImportJob:
    """Check that the upload is a readable table and keep it as a draft job.

    The format is decided by the content (`core.tabular`): a disguised, empty or broken file
    is refused here with the reason, before anything is stored.
    """
    if kind not in IMPORTERS:
        raise ApplicationError("import_kind", "Выберите, что загружаем.", field="kind")
    if not may_import(actor, kind):
        raise ApplicationError(
            "import_forbidden",
            f"У вас нет права загружать «{ImportJob.Kind(kind).label}».",
            field="kind",
        )
    if kind == ImportJob.Kind.PRICE_LIST and warehouse is None:
        raise ApplicationError(
            "import_warehouse",
            "Прайс-лист загружается на один склад: выберите его.",
            field="warehouse",
        )
    if upload.size > MAX_FILE_BYTES:
        raise ApplicationError(
            "import_too_big", "Файл больше 200 МБ: разделите его на части.", field="file"
        )
    table = open_table(upload, filename=upload.name)
    first = next(table.rows, None)
    table.rows.close()
    if first is None:
        raise ApplicationError(
            "import_no_rows",
            "В файле есть заголовки, но нет ни одной строки с данными.",
            field="file",
        )
    upload.seek(0)
    job = ImportJob(
        kind=kind,
        original_name=upload.name[:255],
        file_format=table.format,
        headers=table.headers,
        warehouse=warehouse if kind == ImportJob.Kind.PRICE_LIST else None,
        zero_missing=zero_missing and kind == ImportJob.Kind.PRICE_LIST,
        created_by=actor,
    )
    job.column_map = guess_mapping(table.headers, IMPORTERS[kind].fields)
    job.file.save(upload.name, upload, save=False)
    job.save()
    return job


def _locked_job(job_id: int) -> ImportJob:
    return ImportJob.objects.select_for_update().get(pk=job_id)


@transaction.atomic
def import_job_set_mapping(*, job_id: int, mapping: dict[str, int | None]) -> ImportJob:
    job = _locked_job(job_id)
    if job.status != ImportJob.Status.DRAFT:
        raise ApplicationError("import_started", "Импорт уже запущен: столбцы не изменить.")
    job.column_map = {name: int(index) for name, index in mapping.items() if index is not None}
    errors = IMPORTERS[job.kind](job).mapping_errors()
    if errors:
        raise ApplicationError("import_mapping", " ".join(errors))
    job.save(update_fields=["column_map"])
    return job


@transaction.atomic
def import_job_start(*, job_id: int) -> ImportJob:
    """«Запустить импорт»: queue the job; the task runs once the transaction commits."""
    job = _locked_job(job_id)
    if job.status != ImportJob.Status.DRAFT:
        # A double click or a second tab: the job is already on its way.
        return job
    errors = IMPORTERS[job.kind](job).mapping_errors()
    if errors:
        raise ApplicationError("import_mapping", " ".join(errors))
    job.status = ImportJob.Status.QUEUED
    job.save(update_fields=["status"])
    enqueue_on_commit(run_import_job, job_id=job.pk)
    return job


def import_job_is_stalled(job: ImportJob) -> bool:
    """«Загружается», but its worker has not answered for longer than its lease: killed or
    hung. «Запустить заново» continues such a job (`import_job_restart`)."""
    return job.status == ImportJob.Status.RUNNING and job.lease_expired()


@transaction.atomic
def import_job_restart(*, job_id: int) -> ImportJob:
    """«Запустить заново».

    A failed job runs again from the first row: the import is an upsert, so rows loaded before
    the failure are updated, not duplicated. A stalled job (its worker stopped answering,
    `core.leases`) is queued again and continues after its last committed batch — the rows
    already loaded are not loaded twice; the sweep of every worker does the same by itself.
    """
    job = _locked_job(job_id)
    if import_job_is_stalled(job):
        job_requeue_stalled(ImportJob, job.pk)
        job.refresh_from_db()
        return job
    if job.status == ImportJob.Status.RUNNING:
        answered = timezone.localtime(job.heartbeat_at or job.started_at or timezone.now())
        raise ApplicationError(
            "import_running",
            f"Импорт сейчас загружается (обработчик отвечал в {answered:%H:%M:%S}): "
            "перезапускать не нужно.",
        )
    if job.status != ImportJob.Status.FAILED:
        raise ApplicationError(
            "import_not_failed",
            "Заново можно запустить импорт с ошибкой или импорт, обработчик которого "
            "перестал отвечать.",
        )
    job.rejected_rows.all().delete()
    for name in (
        "processed_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
        "zeroed_count",
    ):
        setattr(job, name, 0)
    job.total_rows = None
    job.error_message = ""
    job.started_at = job.finished_at = None
    job.status = ImportJob.Status.QUEUED
    job.save()
    enqueue_on_commit(run_import_job, job_id=job.pk)
    return job
