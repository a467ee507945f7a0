from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mprating.core"
    label = "core"
    verbose_name = "Общее"
