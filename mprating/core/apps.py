from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mprating.core"
    label = "core"
    verbose_name = "Общее"

    def ready(self) -> None:
        from mprating.core import admin_speed

        admin_speed.install()
