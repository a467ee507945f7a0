from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "mprating.backoffice"
    label = "backoffice"
    verbose_name = "Бэкофис"
