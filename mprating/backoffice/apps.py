from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "mprating.backoffice"
    label = "backoffice"
    verbose_name = "Бэкофис"

    def ready(self) -> None:
        # django-axes names its app «Axes» (no verbose_name to translate): the breadcrumbs of
        # its logs («Ошибки доступа», «Логи доступа») read it.
        from django.apps import apps

        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = "Защита входа"
