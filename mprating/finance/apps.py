from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "mprating.finance"
    label = "finance"
    verbose_name = "Финансы"

    def ready(self) -> None:
        from mprating.core.leases import register_leased_job
        from mprating.finance.models import Statement
        from mprating.finance.tasks import generate_statement

        # A worker killed while making an акт: the sweep queues it again (core.leases).
        register_leased_job(Statement, task=generate_statement, id_argument="statement_id")
