from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "mprating.cart"
    label = "cart"
    verbose_name = "Корзина"

    def ready(self) -> None:
        from mprating.cart.selectors import cart_quantities_for_offers
        from mprating.catalog import hooks

        # «В корзине: N шт.» on the search page's offers after a reload.
        hooks.on_offers_in_cart(cart_quantities_for_offers)
