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
        # accounts erases a client's personal data through its hook (issue 12, 152-ФЗ).
        from mprating.accounts import hooks as accounts_hooks
        from mprating.cart.services import cart_erase_personal_data

        accounts_hooks.on_personal_data_erase(cart_erase_personal_data)
