from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "mprating.partners"
    label = "partners"
    verbose_name = "Подключенные ПВЗ"
