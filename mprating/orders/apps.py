from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "mprating.orders"
    label = "orders"
    verbose_name = "Заявки"
