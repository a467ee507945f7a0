from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "mprating.cart"
    label = "cart"
    verbose_name = "Корзина"
