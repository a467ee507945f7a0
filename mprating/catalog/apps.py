from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "mprating.catalog"
    label = "catalog"
    verbose_name = "Каталог"
