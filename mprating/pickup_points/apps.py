from django.apps import AppConfig


class PickupPointsConfig(AppConfig):
    name = "mprating.pickup_points"
    label = "pickup_points"
    verbose_name = "Подключенные ПВЗ"
