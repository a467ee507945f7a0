from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mprating.core"
    label = "core"
    verbose_name = "Общее"

    def ready(self) -> None:
        from mprating.core.leases import on_leases_sweep
        from mprating.core.outbox import outbox_enqueue_due

        on_leases_sweep(outbox_enqueue_due)
        # 152-ФЗ (issue 12): old task results (their arguments may hold an e-mail address) go
        # at every outbox sweep, without a cron line of their own.
        from mprating.core import outbox
        from mprating.core.task_results import task_results_prune

        outbox.on_sweep(task_results_prune)
        # unfold's list rendering, made cheaper (core/admin_speed.py).
        from mprating.core import admin_speed

        admin_speed.install()
        # A list's page title is the list's name (core/admin_titles.py).
        from mprating.core import admin_titles

        admin_titles.install()
        # Column identities of the ORM built without `inspect` (core/orm_speed.py).
        from mprating.core import orm_speed

        orm_speed.install()
        # `field__any_of=[…]`: a long list as one parameter (core/lookups.py).
        from mprating.core import lookups

        lookups.install()
