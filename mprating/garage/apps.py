from django.apps import AppConfig


class GarageConfig(AppConfig):
    name = "mprating.garage"
    label = "garage"
    verbose_name = "Автомобили"
