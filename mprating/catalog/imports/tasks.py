"""Background work of catalog imports (the worker is `manage.py db_worker`)."""

from django_tasks import task

from mprating.catalog.imports.runner import run_import


@task()
def run_import_job(*, job_id: int) -> None:
    """Import the file of job `job_id`; a job that is not queued is left alone (idempotent)."""
    run_import(job_id)
