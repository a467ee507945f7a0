from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "mprating.catalog"
    label = "catalog"
    verbose_name = "Каталог"

    def ready(self) -> None:
        from mprating.catalog.imports.tasks import run_import_job
        from mprating.catalog.models import ImportJob
        from mprating.core.leases import register_leased_job

        # A worker killed mid-import: the sweep queues the job again (core.leases).
        register_leased_job(ImportJob, task=run_import_job, id_argument="job_id")
