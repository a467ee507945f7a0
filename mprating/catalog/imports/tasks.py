"""Background work of catalog imports (the worker is `manage.py db_worker`)."""

from django_tasks import task

from mprating.catalog.imports.runner import run_import
from mprating.core.leases import new_owner


@task(takes_context=True)
def run_import_job(context, *, job_id: int) -> None:
    """Import the file of job `job_id`; a job that is neither queued nor stalled is left
    alone (idempotent). The task's id is the owner of the job's lease."""
    run_import(job_id, owner=new_owner(context))
