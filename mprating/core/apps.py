from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mprating.core"
    label = "core"
    verbose_name = "Общее"

    def ready(self) -> None:
        from mprating.core.leases import on_leases_sweep
        from mprating.core.outbox import outbox_enqueue_due

        on_leases_sweep(outbox_enqueue_due)
