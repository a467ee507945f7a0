from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mprating.notifications"
    label = "notifications"
    verbose_name = "Уведомления"

    def ready(self) -> None:
        # The status e-mails learn of line status changes through the orders hook (orders may
        # not import notifications: DESIGN.md §3).
        from mprating.notifications.tasks import send_status_emails
        from mprating.orders.hooks import on_line_status_changed

        on_line_status_changed(lambda ids: send_status_emails.enqueue(change_ids=ids))
