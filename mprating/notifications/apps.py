from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mprating.notifications"
    label = "notifications"
    verbose_name = "Уведомления"
