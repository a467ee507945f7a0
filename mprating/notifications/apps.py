from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mprating.notifications"
    label = "notifications"
    verbose_name = "Уведомления"

    def ready(self) -> None:
        # orders (floor 5) never imports notifications (floor 6): it calls the hook, and the
        # core outbox sweep asks us for letters that a lost task never wrote.
        from mprating.core import outbox
        from mprating.notifications import services, tasks
        from mprating.orders import hooks

        hooks.on_line_status_changed(tasks.status_changes_listener)
        outbox.on_sweep(services.status_emails_prepare_pending)
