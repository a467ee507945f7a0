from django.apps import AppConfig


class VehiclesConfig(AppConfig):
    name = "mprating.vehicles"
    label = "vehicles"
    verbose_name = "Справочник автомобилей"
